//! Lenient JSON: reading what models actually send.
//!
//! Models wrap JSON in Markdown fences, talk before and after it, leave trailing commas and
//! comments, write Python dictionaries, put raw newlines inside strings, and get cut off at their
//! token limit. [`parse_lenient`] reads all of that, and says what it repaired so the engine can log
//! it (and so a test can tell a clean answer from a patched one). Strict JSON takes serde_json's
//! fast path and reports no repair. Validation of the value is not done here.

pub mod incremental;
mod parser;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use parser::{Found, Parser};

/// A value read from a model's answer, with the repairs it needed.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The JSON value.
    pub value: Value,
    /// Each kind of repair applied, once, in the order first met; empty for strict JSON.
    pub repairs: Vec<Repair>,
}

impl Parsed {
    /// Whether the answer needed any repair (an answer that did is worth a log line).
    pub fn is_repaired(&self) -> bool {
        !self.repairs.is_empty()
    }
}

/// One kind of repair [`parse_lenient`] made; [`Repair::as_str`] names are stable (task logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Repair {
    /// A Markdown code fence (```` ```json ````) around the JSON was removed.
    StrippedCodeFence,
    /// Text before or after the JSON was dropped.
    ExtractedFromProse,
    /// Commas before `}` or `]` were removed.
    RemovedTrailingCommas,
    /// `// …` and `/* … */` comments were removed.
    RemovedComments,
    /// `'single-quoted'` strings were read as strings.
    ConvertedSingleQuotes,
    /// Python's `True`, `False` and `None` were read as `true`, `false` and `null`.
    ConvertedPythonLiterals,
    /// Raw newlines, tabs or other control characters inside strings were kept as characters.
    EscapedControlCharacters,
    /// Escapes JSON does not know (`\'`, `\d`, a lone surrogate) were fixed or kept literally.
    FixedInvalidEscapes,
    /// The answer ended early: the open string, array and objects were closed, and a dangling
    /// key, partial number or trailing comma at the end was dropped.
    ClosedTruncatedTail,
}

impl Repair {
    /// Every repair kind, in declaration order.
    pub const ALL: &'static [Repair] = &[
        Repair::StrippedCodeFence,
        Repair::ExtractedFromProse,
        Repair::RemovedTrailingCommas,
        Repair::RemovedComments,
        Repair::ConvertedSingleQuotes,
        Repair::ConvertedPythonLiterals,
        Repair::EscapedControlCharacters,
        Repair::FixedInvalidEscapes,
        Repair::ClosedTruncatedTail,
    ];

    /// Stable snake_case name, for task logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Repair::StrippedCodeFence => "stripped_code_fence",
            Repair::ExtractedFromProse => "extracted_from_prose",
            Repair::RemovedTrailingCommas => "removed_trailing_commas",
            Repair::RemovedComments => "removed_comments",
            Repair::ConvertedSingleQuotes => "converted_single_quotes",
            Repair::ConvertedPythonLiterals => "converted_python_literals",
            Repair::EscapedControlCharacters => "escaped_control_characters",
            Repair::FixedInvalidEscapes => "fixed_invalid_escapes",
            Repair::ClosedTruncatedTail => "closed_truncated_tail",
        }
    }
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Repair::StrippedCodeFence => "stripped a Markdown code fence",
            Repair::ExtractedFromProse => "extracted the JSON from surrounding text",
            Repair::RemovedTrailingCommas => "removed trailing commas",
            Repair::RemovedComments => "removed comments",
            Repair::ConvertedSingleQuotes => "converted single-quoted strings",
            Repair::ConvertedPythonLiterals => "converted Python literals (True, False, None)",
            Repair::EscapedControlCharacters => {
                "kept raw newlines, tabs or control characters inside strings"
            }
            Repair::FixedInvalidEscapes => "fixed invalid escape sequences",
            Repair::ClosedTruncatedTail => "closed a truncated tail",
        })
    }
}

impl Serialize for Repair {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Why an answer could not be read as JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenientError {
    offset: usize,
    line: usize,
    column: usize,
    expected: String,
    found: String,
}

impl LenientError {
    /// Builds the error at byte `offset` of `text`, quoting what is there.
    fn at(text: &str, offset: usize, expected: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        let rest = text.get(offset..).unwrap_or("");
        let found = if rest.trim().is_empty() {
            "the end of the answer".to_owned()
        } else {
            match rest.lines().next() {
                Some(line_text) if !line_text.trim().is_empty() => {
                    let mut snippet: String = line_text.chars().take(24).collect();
                    if snippet.len() < line_text.len() {
                        snippet.push('…');
                    }
                    format!("`{snippet}`")
                }
                _ => "a line break".to_owned(),
            }
        };
        LenientError {
            offset,
            line,
            column,
            expected: expected.into(),
            found,
        }
    }

    /// Byte offset of the problem in the answer.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// 1-based line of the problem.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column (in characters) of the problem.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What the reader expected there.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// What it found instead (a short quote, or "the end of the answer").
    pub fn found(&self) -> &str {
        &self.found
    }
}

impl fmt::Display for LenientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the answer is not readable JSON at line {}, column {}: expected {}, found {}",
            self.line, self.column, self.expected, self.found
        )
    }
}

impl std::error::Error for LenientError {}

impl From<LenientError> for crate::Error {
    fn from(error: LenientError) -> Self {
        crate::Error::InvalidAiOutput {
            attempts: 1,
            errors: vec![error.to_string()],
        }
    }
}

/// How many start positions are tried before giving up (bounds the work on prose full of
/// brackets).
const MAX_ATTEMPTS: usize = 32;

/// Reads a model's answer as JSON, repairing what models commonly get wrong.
///
/// Strict JSON goes through serde_json directly and reports no repair. Otherwise the JSON is found
/// (after code fences, among prose: the first object or array that reads, or the largest when
/// text comes first) and read tolerantly. Never panics, on any input.
pub fn parse_lenient(text: &str) -> Result<Parsed, LenientError> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(Parsed {
            value,
            repairs: Vec::new(),
        });
    }
    repair(text)
}

fn repair(text: &str) -> Result<Parsed, LenientError> {
    let fences = skip_opening_fences(text);
    let first_content = skip_whitespace(text, fences.body);
    let mut best: Option<Found> = None;
    let mut farthest: Option<LenientError> = None;
    let mut search = fences.body;
    let mut attempts = 0;
    while attempts < MAX_ATTEMPTS {
        let Some(start) = find_open_bracket(text, search) else {
            break;
        };
        attempts += 1;
        match attempt(text, start) {
            Ok(found) => {
                let end = found.end;
                if best.as_ref().is_none_or(|b| found.len() > b.len()) {
                    best = Some(found);
                }
                if start == first_content {
                    // The answer starts with this value: it is the answer.
                    break;
                }
                // Text came first: a later, larger value may be the real answer.
                search = end;
            }
            Err(failure) if failure.progressed => return Err(failure.error),
            Err(failure) => {
                if farthest
                    .as_ref()
                    .is_none_or(|e| failure.error.offset > e.offset)
                {
                    farthest = Some(failure.error);
                }
                search = start + 1;
            }
        }
    }
    if let Some(found) = best {
        return Ok(finish(text, &fences, found));
    }
    if attempts > 0 {
        return Err(farthest
            .unwrap_or_else(|| LenientError::at(text, first_content, "a JSON object or array")));
    }
    // No bracket anywhere: the answer may be a bare scalar (`"text"`, `'text'`, `True`).
    let not_json = || LenientError::at(text, first_content, "a JSON object or array");
    if first_content >= text.len() {
        return Err(not_json());
    }
    match Parser::new(text, first_content).parse() {
        Ok(found) if trailing_text(text, found.end).0 => Ok(finish(text, &fences, found)),
        _ => Err(not_json()),
    }
}

/// Reads one value at `start`: strictly first (cheap, exact), then tolerantly.
fn attempt(text: &str, start: usize) -> Result<Found, parser::Failure> {
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
    if let Some(Ok(value)) = stream.next() {
        return Ok(Found {
            value,
            start,
            end: start + stream.byte_offset(),
            repairs: Vec::new(),
        });
    }
    Parser::new(text, start).parse()
}

/// Adds the fence and prose repairs to the value's own.
fn finish(text: &str, fences: &Fences, found: Found) -> Parsed {
    let mut repairs = Vec::new();
    let (after_clean, after_fence) = trailing_text(text, found.end);
    if fences.fenced || after_fence {
        repairs.push(Repair::StrippedCodeFence);
    }
    let before_clean = !fences.prose_before && text[fences.body..found.start].trim().is_empty();
    if !before_clean || !after_clean {
        repairs.push(Repair::ExtractedFromProse);
    }
    for r in found.repairs {
        if !repairs.contains(&r) {
            repairs.push(r);
        }
    }
    Parsed {
        value: found.value,
        repairs,
    }
}

/// Where the JSON search starts, past opening code fences.
#[derive(Debug)]
struct Fences {
    body: usize,
    fenced: bool,
    prose_before: bool,
}

/// Skips code fences that open before any bracket (nested fences included: ```` ````md ````
/// then ```` ```json ````), and the language tag after each.
fn skip_opening_fences(text: &str) -> Fences {
    let bytes = text.as_bytes();
    let mut fences = Fences {
        body: 0,
        fenced: false,
        prose_before: false,
    };
    for _ in 0..8 {
        let rest = &text[fences.body..];
        let Some(fence) = rest.find("```") else {
            break;
        };
        if rest.find(['{', '[']).is_some_and(|b| b < fence) {
            break;
        }
        if !rest[..fence].trim().is_empty() {
            fences.prose_before = true;
        }
        let mut p = fences.body + fence;
        while bytes.get(p) == Some(&b'`') {
            p += 1;
        }
        let line_end = text[p..].find('\n').map_or(text.len(), |i| p + i);
        if text[p..line_end].contains(['{', '[']) {
            // JSON on the fence's own line: skip only the language tag.
            while bytes
                .get(p)
                .is_some_and(|c| c.is_ascii_alphanumeric() || b"_-+.".contains(c))
            {
                p += 1;
            }
        } else {
            p = (line_end + 1).min(text.len());
        }
        fences.body = p;
        fences.fenced = true;
    }
    fences
}

/// Whether only whitespace and closing fences follow `end`, and whether a fence was among them.
fn trailing_text(text: &str, end: usize) -> (bool, bool) {
    let mut rest = &text[end..];
    let mut fence = false;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("```") {
            rest = rest.trim_start_matches('`');
            fence = true;
        } else {
            return (rest.is_empty(), fence);
        }
    }
}

fn skip_whitespace(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |i| from + i)
}

fn find_open_bracket(text: &str, from: usize) -> Option<usize> {
    text.get(from..)?.find(['{', '[']).map(|i| from + i)
}
