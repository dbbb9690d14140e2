//! The tolerant reader behind [`super::parse_lenient`]: a recursive-descent JSON parser that
//! accepts the mistakes models make and records each kind it had to accept.
//!
//! It works on byte offsets into the whole answer (so errors point into the answer) and only ever
//! stops on ASCII bytes, so every slice it takes is on a character boundary.

use serde_json::{Map, Number, Value};

use super::{LenientError, Repair};

/// Deeper nesting than this is refused rather than risking the stack (serde_json's own limit).
const MAX_DEPTH: usize = 128;

const A_VALUE: &str = "a value (object, array, string, number, true, false or null)";

/// A value read at `start..end` of the answer.
#[derive(Debug)]
pub(super) struct Found {
    pub(super) value: Value,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) repairs: Vec<Repair>,
}

impl Found {
    pub(super) fn len(&self) -> usize {
        self.end - self.start
    }
}

/// A failed read; `progressed` says whether it got through at least one complete value (then it
/// is the answer, broken, not a bracket in prose).
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) error: LenientError,
    pub(super) progressed: bool,
}

/// What reading a string gave.
struct Text {
    value: String,
    /// False when the answer ended inside the string.
    closed: bool,
}

pub(super) struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    start: usize,
    depth: usize,
    values: usize,
    repairs: Vec<Repair>,
}

type Step<T> = Result<T, LenientError>;

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str, start: usize) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: start,
            start,
            depth: 0,
            values: 0,
            repairs: Vec::new(),
        }
    }

    /// Reads one value starting at the parser's start offset.
    pub(super) fn parse(mut self) -> Result<Found, Failure> {
        match self.value() {
            Ok(Some(value)) => Ok(Found {
                value,
                start: self.start,
                end: self.pos,
                repairs: self.repairs,
            }),
            Ok(None) => Err(Failure {
                error: self.error(A_VALUE),
                progressed: false,
            }),
            Err(error) => Err(Failure {
                error,
                progressed: self.values > 0,
            }),
        }
    }

    fn error(&self, expected: &str) -> LenientError {
        LenientError::at(self.text, self.pos, expected)
    }

    fn repair(&mut self, repair: Repair) {
        if !self.repairs.contains(&repair) {
            self.repairs.push(repair);
        }
    }

    fn truncated(&mut self) {
        self.repair(Repair::ClosedTruncatedTail);
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') => match self.bytes.get(self.pos + 1) {
                    Some(b'/') => {
                        self.repair(Repair::RemovedComments);
                        self.pos = self.text[self.pos..]
                            .find('\n')
                            .map_or(self.bytes.len(), |i| self.pos + i);
                    }
                    Some(b'*') => {
                        self.repair(Repair::RemovedComments);
                        // An unclosed comment runs to the end; the caller then sees the end.
                        self.pos = self.text[self.pos + 2..]
                            .find("*/")
                            .map_or(self.bytes.len(), |i| self.pos + 2 + i + 2);
                    }
                    _ => return,
                },
                _ => return,
            }
        }
    }

    /// Reads a value; `None` when the answer ends before one starts (or mid-way through a number
    /// with no digit yet), which callers treat as a truncated tail to drop.
    fn value(&mut self) -> Step<Option<Value>> {
        self.skip_trivia();
        let Some(byte) = self.peek() else {
            return Ok(None);
        };
        let value = match byte {
            b'{' => Some(self.nested(Self::object)?),
            b'[' => Some(self.nested(Self::array)?),
            b'"' | b'\'' => Some(Value::String(self.string()?.value)),
            b'-' | b'0'..=b'9' => self.number()?,
            b'a'..=b'z' | b'A'..=b'Z' => self.literal()?,
            _ => return Err(self.error(A_VALUE)),
        };
        if value.is_some() {
            self.values += 1;
        }
        Ok(value)
    }

    fn nested(&mut self, read: fn(&mut Self) -> Step<Value>) -> Step<Value> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("at most 128 levels of nesting"));
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn object(&mut self) -> Step<Value> {
        self.pos += 1;
        let mut map = Map::new();
        loop {
            self.skip_trivia();
            match self.peek() {
                None => break,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some(b'"' | b'\'') => {}
                Some(_) => return Err(self.error("a key in double quotes or '}'")),
            }
            let key = self.string()?;
            if !key.closed {
                break;
            }
            self.skip_trivia();
            match self.peek() {
                None => break,
                Some(b':') => self.pos += 1,
                Some(_) => return Err(self.error("':' after the key")),
            }
            let Some(value) = self.value()? else {
                break;
            };
            map.insert(key.value, value);
            if self.after_item(b'}', "',' or '}' after a value")? {
                return Ok(Value::Object(map));
            }
        }
        self.truncated();
        Ok(Value::Object(map))
    }

    fn array(&mut self) -> Step<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            match self.peek() {
                None => break,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(_) => {}
            }
            let Some(item) = self.value()? else {
                break;
            };
            items.push(item);
            if self.after_item(b']', "',' or ']' after an item")? {
                return Ok(Value::Array(items));
            }
        }
        self.truncated();
        Ok(Value::Array(items))
    }

    /// After a member: `true` when the container closed here. At the end of the answer it returns
    /// `false` with the position at the end, so the caller's loop sees the end and closes.
    fn after_item(&mut self, close: u8, expected: &str) -> Step<bool> {
        self.skip_trivia();
        match self.peek() {
            None => Ok(false),
            Some(b',') => {
                self.pos += 1;
                self.skip_trivia();
                if self.peek() == Some(close) {
                    self.repair(Repair::RemovedTrailingCommas);
                    self.pos += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Err(self.error(expected)),
        }
    }

    fn string(&mut self) -> Step<Text> {
        let quote = self.bytes[self.pos];
        if quote == b'\'' {
            self.repair(Repair::ConvertedSingleQuotes);
        }
        self.pos += 1;
        let mut value = String::new();
        let mut run = self.pos;
        loop {
            let Some(byte) = self.peek() else {
                value.push_str(&self.text[run..]);
                self.truncated();
                return Ok(Text {
                    value,
                    closed: false,
                });
            };
            if byte == quote {
                value.push_str(&self.text[run..self.pos]);
                self.pos += 1;
                return Ok(Text {
                    value,
                    closed: true,
                });
            }
            match byte {
                b'\\' => {
                    value.push_str(&self.text[run..self.pos]);
                    if !self.escape(&mut value, quote) {
                        self.truncated();
                        return Ok(Text {
                            value,
                            closed: false,
                        });
                    }
                    run = self.pos;
                }
                0x00..=0x1f => {
                    self.repair(Repair::EscapedControlCharacters);
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Decodes the escape at the backslash under the cursor; `false` when the answer ends inside
    /// it (the partial escape is dropped).
    fn escape(&mut self, out: &mut String, quote: u8) -> bool {
        let Some(&code) = self.bytes.get(self.pos + 1) else {
            self.pos = self.bytes.len();
            return false;
        };
        self.pos += 2;
        match code {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'\'' => {
                if quote != b'\'' {
                    self.repair(Repair::FixedInvalidEscapes);
                }
                out.push('\'');
            }
            b'u' => return self.unicode_escape(out),
            _ => {
                // Unknown escape: keep the backslash and re-read the character as text.
                self.repair(Repair::FixedInvalidEscapes);
                out.push('\\');
                self.pos -= 1;
            }
        }
        true
    }

    /// `\uXXXX` (cursor after the `u`), with surrogate pairs; lone surrogates become U+FFFD.
    fn unicode_escape(&mut self, out: &mut String) -> bool {
        let Some(unit) = self.hex4(self.pos) else {
            if self.is_cut_escape(self.pos, 0) {
                self.pos = self.bytes.len();
                return false;
            }
            self.repair(Repair::FixedInvalidEscapes);
            out.push_str("\\u");
            return true;
        };
        self.pos += 4;
        let code = match unit {
            0xD800..=0xDBFF => {
                let low = if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                    self.hex4(self.pos + 2)
                } else {
                    None
                };
                match low {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        self.pos += 6;
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    _ if self.is_cut_escape(self.pos, 2) => {
                        self.pos = self.bytes.len();
                        return false;
                    }
                    _ => {
                        self.repair(Repair::FixedInvalidEscapes);
                        0xFFFD
                    }
                }
            }
            0xDC00..=0xDFFF => {
                self.repair(Repair::FixedInvalidEscapes);
                0xFFFD
            }
            unit => unit,
        };
        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        true
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, &d| {
            let v = char::from(d).to_digit(16)?;
            Some(acc * 16 + v)
        })
    }

    /// Whether the answer ends within an escape starting at `at`: `prefix` bytes of `\u` are
    /// expected first (0 or 2), then up to four hex digits.
    fn is_cut_escape(&self, at: usize, prefix: usize) -> bool {
        let rest = self.bytes.get(at..).unwrap_or_default();
        if rest.len() >= prefix + 4 {
            return false;
        }
        let (head, digits) = rest.split_at(rest.len().min(prefix));
        b"\\u".starts_with(head) && digits.iter().all(u8::is_ascii_hexdigit)
    }

    fn number(&mut self) -> Step<Option<Value>> {
        let start = self.pos;
        let digits = |p: &mut usize| {
            while self.bytes.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
        };
        let mut p = start;
        if self.bytes.get(p) == Some(&b'-') {
            p += 1;
        }
        digits(&mut p);
        if self.bytes.get(p) == Some(&b'.') {
            p += 1;
            digits(&mut p);
        }
        if matches!(self.bytes.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(self.bytes.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            digits(&mut p);
        }
        let mut literal = &self.text[start..p];
        if p == self.bytes.len() {
            // Cut mid-number: keep the longest prefix that is still a number.
            let whole = literal.len();
            literal = literal.trim_end_matches(['.', 'e', 'E', '+', '-']);
            if literal.len() < whole {
                self.truncated();
            }
            if literal.is_empty() {
                self.pos = p;
                return Ok(None);
            }
        }
        match serde_json::from_str::<Number>(literal) {
            Ok(number) => {
                self.pos = p;
                Ok(Some(Value::Number(number)))
            }
            Err(_) => Err(self.error("a number")),
        }
    }

    fn literal(&mut self) -> Step<Option<Value>> {
        const WORDS: [(&str, Value, bool); 6] = [
            ("true", Value::Bool(true), false),
            ("false", Value::Bool(false), false),
            ("null", Value::Null, false),
            ("True", Value::Bool(true), true),
            ("False", Value::Bool(false), true),
            ("None", Value::Null, true),
        ];
        let start = self.pos;
        let mut p = start;
        while self
            .bytes
            .get(p)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            p += 1;
        }
        let word = &self.text[start..p];
        let at_end = p == self.bytes.len();
        let known = WORDS.iter().find(|(name, _, _)| *name == word).or_else(|| {
            // Cut mid-word at the very end (`tru`): the word is unambiguous.
            let cut = at_end && !word.is_empty();
            cut.then(|| WORDS.iter().find(|(name, _, _)| name.starts_with(word)))
                .flatten()
        });
        let Some((name, value, python)) = known else {
            return Err(self.error(A_VALUE));
        };
        if *python {
            self.repair(Repair::ConvertedPythonLiterals);
        }
        if name.len() != word.len() {
            self.truncated();
        }
        self.pos = p;
        Ok(Some(value.clone()))
    }
}
