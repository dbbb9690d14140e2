//! Reading a structure answer while it is still being written.
//!
//! A streamed answer arrives in small chunks; a person watching the run wants each page as soon
//! as the model has finished writing it, not at the end. [`StructureScanner`] keeps a scanner
//! state (nesting, strings, escapes, where the `site` object and each element of the `pages`
//! array began) so every byte is looked at once, and only a completed slice (the site object, one
//! page) is handed to serde_json. It never decides what is saved: the engine parses and validates
//! the whole answer at the end exactly as it does without streaming; a chunk the scanner cannot
//! follow (single-quoted JSON, a broken answer) only means fewer early pieces.

use serde_json::Value;

use super::parse_lenient;

/// A completed piece of a structure answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// The top-level `site` settings object.
    Site(Value),
    /// One element of the `pages` array; `index` is its 0-based position.
    Page {
        /// Position in the `pages` array.
        index: usize,
        /// The page object as written (not yet validated).
        value: Value,
    },
}

/// What a container was opened for, as far as the scanner cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The `site` object near the root.
    Site,
    /// The `pages` array near the root.
    Pages,
    /// One element of the `pages` array.
    Page,
    /// Anything else (the root, a wrapper, a block, a list of strings…).
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    role: Role,
    is_object: bool,
    /// Byte offset of the opening bracket in the buffer.
    start: usize,
    /// Position in the `pages` array (pages only).
    index: usize,
}

/// The key most recently read in an object near the root (deeper keys are never needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Site,
    Pages,
    Other,
}

/// Incremental scanner of a structure answer (`{"site": {…}, "pages": [{…}, …]}`, optionally
/// inside one wrapper object, with prose or a code fence before it).
#[derive(Debug, Default)]
pub struct StructureScanner {
    buffer: String,
    /// Bytes of `buffer` already scanned.
    scanned: usize,
    stack: Vec<Frame>,
    in_string: bool,
    escape: bool,
    /// Start of the string being read, when it may be a key near the root.
    string_start: Option<usize>,
    /// The last string closed near the root (a key when a `:` follows).
    last_string: Option<Key>,
    /// The key whose value comes next.
    pending_key: Option<Key>,
    /// The root object closed: anything after it is prose.
    finished: bool,
    site_seen: bool,
    /// Pages started so far (the index of the next one).
    pages_started: usize,
}

/// Containers deeper than this are never the `site` object or the `pages` array (the root is 0,
/// a single wrapper object 1).
const MAX_ROLE_DEPTH: usize = 2;

impl StructureScanner {
    /// A scanner at the start of an answer.
    pub fn new() -> Self {
        StructureScanner::default()
    }

    /// Forgets everything read: the answer starts again (a retry, a re-ask).
    pub fn reset(&mut self) {
        *self = StructureScanner {
            buffer: std::mem::take(&mut self.buffer),
            ..StructureScanner::default()
        };
        self.buffer.clear();
    }

    /// The text received so far.
    pub fn text(&self) -> &str {
        &self.buffer
    }

    /// Adds a chunk of the answer and returns the pieces it completed, in order.
    pub fn feed(&mut self, chunk: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        self.feed_with(chunk, |piece| pieces.push(piece));
        pieces
    }

    /// Adds a chunk of the answer and hands each piece it completed to `on_piece`, in order.
    pub fn feed_with(&mut self, chunk: &str, mut on_piece: impl FnMut(Piece)) {
        self.buffer.push_str(chunk);
        if self.finished {
            self.scanned = self.buffer.len();
            return;
        }
        let bytes = self.buffer.as_bytes();
        let mut i = self.scanned;
        // Before the root object: skip prose and fences (a quote in prose is not a string).
        if self.stack.is_empty() {
            match bytes[i..].iter().position(|&b| b == b'{') {
                Some(offset) => i += offset,
                None => {
                    self.scanned = bytes.len();
                    return;
                }
            }
        }
        let mut completed: Vec<(Frame, usize)> = Vec::new();
        while i < bytes.len() {
            let b = bytes[i];
            if self.in_string {
                if self.escape {
                    self.escape = false;
                } else if b == b'\\' {
                    self.escape = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if let Some(start) = self.string_start.take() {
                        self.last_string = Some(match &bytes[start..i] {
                            b"site" => Key::Site,
                            b"pages" => Key::Pages,
                            _ => Key::Other,
                        });
                    }
                } else if self.string_start.is_none() {
                    // Nothing to remember in this string: jump to the next quote or backslash.
                    if let Some(offset) = bytes[i..].iter().position(|&c| c == b'"' || c == b'\\') {
                        i += offset;
                        continue;
                    }
                    i = bytes.len();
                    continue;
                }
                i += 1;
                continue;
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    self.escape = false;
                    let near_root = self.stack.len() <= MAX_ROLE_DEPTH
                        && self.stack.last().is_some_and(|f| f.is_object);
                    self.string_start = near_root.then_some(i + 1);
                }
                b'{' | b'[' => {
                    let is_object = b == b'{';
                    let depth = self.stack.len();
                    let key = self.pending_key.take();
                    let parent = self.stack.last().copied();
                    let near_root =
                        |p: Frame| p.is_object && p.role == Role::Other && depth <= MAX_ROLE_DEPTH;
                    let mut index = 0;
                    let role = match (parent, key) {
                        (Some(p), Some(Key::Site)) if is_object && near_root(p) => Role::Site,
                        (Some(p), Some(Key::Pages)) if !is_object && near_root(p) => Role::Pages,
                        (Some(p), None) if p.role == Role::Pages && is_object => {
                            index = self.pages_started;
                            self.pages_started += 1;
                            Role::Page
                        }
                        _ => Role::Other,
                    };
                    self.stack.push(Frame {
                        role,
                        is_object,
                        start: i,
                        index,
                    });
                }
                b'}' | b']' => {
                    self.pending_key = None;
                    if let Some(frame) = self.stack.pop() {
                        match frame.role {
                            Role::Site if !self.site_seen => {
                                self.site_seen = true;
                                completed.push((frame, i + 1));
                            }
                            Role::Page => completed.push((frame, i + 1)),
                            _ => {}
                        }
                    }
                    if self.stack.is_empty() {
                        self.finished = true;
                        i = bytes.len();
                        continue;
                    }
                }
                b':' if self.stack.last().is_some_and(|f| f.is_object) => {
                    self.pending_key = self.last_string.take();
                }
                b',' => {
                    self.pending_key = None;
                    self.last_string = None;
                }
                _ => {}
            }
            i += 1;
        }
        self.scanned = self.buffer.len();
        for (frame, end) in completed {
            let Some(value) = parse_slice(&self.buffer[frame.start..end]) else {
                continue;
            };
            on_piece(match frame.role {
                Role::Site => Piece::Site(value),
                _ => Piece::Page {
                    index: frame.index,
                    value,
                },
            });
        }
    }
}

/// A completed slice as JSON: serde_json's fast path, else the lenient parser (a trailing comma,
/// a raw newline in a string).
fn parse_slice(slice: &str) -> Option<Value> {
    serde_json::from_str(slice)
        .ok()
        .or_else(|| parse_lenient(slice).ok().map(|p| p.value))
        .filter(Value::is_object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Site settings first, as models write them (`json!` would sort the keys).
    fn answer() -> String {
        let site = json!({"name": "Casa {Lupa}", "tagline": "say \"ciao\" [now]", "primary_navigation": ["home"]});
        let pages = json!([
            {"slug": "home", "title": "Home", "blocks": [{"type": "hero", "data": {"pages": [1], "site": {}}}]},
            {"slug": "menu", "title": "Menu \\ {x}", "blocks": []},
            {"slug": "contact", "title": "Contact", "blocks": []}
        ]);
        format!("{{\"site\": {site}, \"pages\": {pages}}}")
    }

    fn run(text: &str, chunk: usize) -> Vec<Piece> {
        let mut scanner = StructureScanner::new();
        let mut pieces = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let mut end = (start + chunk).min(bytes.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            pieces.extend(scanner.feed(&text[start..end]));
            start = end;
        }
        pieces
    }

    #[test]
    fn pieces_come_in_order_whatever_the_chunking() {
        let text = answer();
        let whole: Value = serde_json::from_str(&text).expect("json");
        for chunk in [1, 2, 3, 7, 40, 4096] {
            let pieces = run(&text, chunk);
            assert_eq!(pieces.len(), 4, "chunk {chunk}: {pieces:?}");
            assert_eq!(pieces[0], Piece::Site(whole["site"].clone()));
            for (i, piece) in pieces[1..].iter().enumerate() {
                assert_eq!(
                    piece,
                    &Piece::Page {
                        index: i,
                        value: whole["pages"][i].clone()
                    },
                    "chunk {chunk}"
                );
            }
        }
    }

    #[test]
    fn a_page_is_reported_when_its_object_closes() {
        let text = answer();
        let menu = text.find(r#""slug":"menu""#).expect("second page");
        let end_of_first = text[..menu].rfind('{').expect("its object");
        let mut scanner = StructureScanner::new();
        let pieces = scanner.feed(&text[..end_of_first]);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert!(matches!(pieces[1], Piece::Page { index: 0, .. }));
        let rest = scanner.feed(&text[end_of_first..]);
        assert_eq!(rest.len(), 2);
        assert!(matches!(rest[1], Piece::Page { index: 2, .. }));
    }

    #[test]
    fn prose_fences_and_wrappers_are_looked_through() {
        let text = format!(
            "Sure, here's the site:\n```json\n{{\"structure\": {}}}\n```\nHope it's \"good\" {{",
            answer()
        );
        let pieces = run(&text, 5);
        assert_eq!(pieces.len(), 4, "{pieces:?}");
    }

    #[test]
    fn broken_and_odd_answers_do_not_panic() {
        for text in [
            "",
            "{",
            "}}}]]]",
            "{\"pages\": [1, \"x\", {\"slug\": \"a\"}, {broken, {\"slug\": \"b\"}]}",
            "{'site': {'name': 'x'}, 'pages': [{'slug': 'a'}]}",
            "{\"pages\": [{\"slug\": \"é\\\"\"}], \"site\": {\"name\": \"ü\"}}",
            "{\"site\": {\"name\": \"cut off",
        ] {
            for chunk in [1, 3, 100] {
                let _ = run(text, chunk);
            }
        }
        let pieces = run(
            "{\"pages\": [{\"slug\": \"a\",}, {\"slug\": \"b\"}], \"site\": {}}",
            2,
        );
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        assert!(matches!(pieces[1], Piece::Page { index: 1, .. }));
    }

    #[test]
    fn reset_starts_over() {
        let text = answer();
        let mut scanner = StructureScanner::new();
        let _ = scanner.feed(&text[..text.len() / 2]);
        scanner.reset();
        assert_eq!(run(&text, 9).len(), scanner.feed(&text).len());
    }
}
