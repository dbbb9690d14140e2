//! Content types detected from the bytes themselves.
//!
//! The file name and any MIME type a browser claims are uploader input; the magic bytes are not.
//! Only a short list of kinds is accepted, and SVG (the one text format, and the one that can
//! carry script) is accepted only when nothing in it can run.

use crate::{Error, Result};

/// A kind of file sites may store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssetKind {
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// SVG image without scripts.
    Svg,
    /// PDF document.
    Pdf,
}

/// What an upload may be, for error messages.
pub const ALLOWED: &str = "PNG, JPEG, GIF, WebP and SVG images, and PDF documents";

impl AssetKind {
    /// The MIME type stored with the asset.
    pub fn mime(self) -> &'static str {
        match self {
            AssetKind::Png => "image/png",
            AssetKind::Jpeg => "image/jpeg",
            AssetKind::Gif => "image/gif",
            AssetKind::Webp => "image/webp",
            AssetKind::Svg => "image/svg+xml",
            AssetKind::Pdf => "application/pdf",
        }
    }

    /// File extensions that name this kind.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            AssetKind::Png => &["png"],
            AssetKind::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            AssetKind::Gif => &["gif"],
            AssetKind::Webp => &["webp"],
            AssetKind::Svg => &["svg"],
            AssetKind::Pdf => &["pdf"],
        }
    }

    /// How messages name it.
    pub fn label(self) -> &'static str {
        match self {
            AssetKind::Png => "a PNG image",
            AssetKind::Jpeg => "a JPEG image",
            AssetKind::Gif => "a GIF image",
            AssetKind::Webp => "a WebP image",
            AssetKind::Svg => "an SVG image",
            AssetKind::Pdf => "a PDF document",
        }
    }
}

/// The kind of `bytes`, or `invalid_input` naming what they are and what is allowed.
pub fn sniff(bytes: &[u8]) -> Result<AssetKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(AssetKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(AssetKind::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(AssetKind::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(AssetKind::Webp);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(AssetKind::Pdf);
    }
    let detected = match binary_kind(bytes) {
        Some(label) => label.to_string(),
        None => match std::str::from_utf8(bytes) {
            Ok(text)
                if text
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) =>
            {
                "unrecognised binary data".to_string()
            }
            Ok(text) => match text_kind(text.strip_prefix('\u{feff}').unwrap_or(text)) {
                TextKind::Svg(body) => {
                    check_svg(body)?;
                    return Ok(AssetKind::Svg);
                }
                TextKind::Other(label) => label,
            },
            Err(_) => "unrecognised binary data".to_string(),
        },
    };
    Err(Error::invalid(format!(
        "the file's content is {detected}, which is not allowed; upload one of: {ALLOWED}"
    )))
}

/// Checks that a file's extension, if it has one, names the kind its content is.
pub(crate) fn check_extension(file_name: &str, ext: Option<&str>, kind: AssetKind) -> Result<()> {
    match ext {
        Some(ext) if !kind.extensions().contains(&ext) => Err(Error::invalid(format!(
            "file {file_name:?} is named .{ext} but its content is {}; rename it to .{} or upload the right file",
            kind.label(),
            kind.extensions()[0]
        ))),
        _ => Ok(()),
    }
}

/// Labels for common binary formats that are refused, so the message says what was sent.
fn binary_kind(b: &[u8]) -> Option<&'static str> {
    const KNOWN: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
        (b"\x7fELF", "an executable (ELF)"),
        (b"MZ", "an executable (Windows)"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"BM", "a BMP image"),
        (b"RIFF", "a RIFF file (WAV or AVI)"),
        (b"II*\0", "a TIFF image"),
        (b"MM\0*", "a TIFF image"),
        (b"\0\0\x01\0", "an ICO icon"),
    ];
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return Some("an ISO media file (MP4, HEIC or AVIF)");
    }
    KNOWN
        .iter()
        .find(|(magic, _)| b.starts_with(magic))
        .map(|(_, label)| *label)
}

enum TextKind<'a> {
    /// SVG; the text from the root element on.
    Svg(&'a str),
    /// Anything else, labelled.
    Other(String),
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The text after `end`, or "" when `end` never comes.
fn after<'a>(s: &'a str, end: &str) -> &'a str {
    s.find(end).map_or("", |i| &s[i + end.len()..])
}

/// Classifies UTF-8 text by its root element, after the XML prolog, comments and doctype.
fn text_kind(text: &str) -> TextKind<'_> {
    let mut rest = text;
    let mut doctype: Option<String> = None;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") {
            rest = after(rest, "?>");
        } else if rest.starts_with("<!--") {
            rest = after(rest, "-->");
        } else if starts_with_ci(rest, "<!doctype") {
            let name: String = rest[9..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == ':')
                .collect();
            let close = rest.find('>').unwrap_or(rest.len());
            if rest[..close].contains('[') {
                return TextKind::Other(
                    "a markup document whose doctype declares entities (an internal DTD subset)"
                        .to_string(),
                );
            }
            doctype = Some(name.to_ascii_lowercase());
            rest = after(rest, ">");
        } else {
            break;
        }
    }
    let root: String = rest
        .strip_prefix('<')
        .map(|r| {
            r.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
                .collect()
        })
        .unwrap_or_default();
    let root_lc = root.to_ascii_lowercase();
    let html = doctype.as_deref() == Some("html")
        || matches!(
            root_lc.as_str(),
            "html" | "head" | "body" | "script" | "iframe" | "div" | "p" | "a" | "meta" | "title"
        );
    if html {
        return TextKind::Other("an HTML document".to_string());
    }
    if root == "svg" && doctype.as_deref().is_none_or(|d| d == "svg") {
        return TextKind::Svg(rest);
    }
    if !root.is_empty() {
        return TextKind::Other(format!("an XML document with root element <{root}>"));
    }
    TextKind::Other("plain text".to_string())
}

/// Refuses SVG that can run code or pull in other documents when a browser renders it.
fn check_svg(svg: &str) -> Result<()> {
    let refuse = |what: &str| {
        Err(Error::invalid(format!(
            "the SVG file {what}; SVG uploads must not contain scripts, event handlers, javascript: URLs or embedded documents: remove them and upload again"
        )))
    };
    let lower = svg.to_ascii_lowercase();
    if lower.contains("<!entity") || lower.contains("<!doctype") {
        return refuse("declares a doctype or entities inside the document");
    }
    let squeezed = normalise(&lower);
    for scheme in ["javascript:", "vbscript:", "data:text/html"] {
        if squeezed.contains(scheme) {
            return refuse(&format!("contains a {scheme} URL"));
        }
    }
    for tag in Tags::new(svg) {
        let local = tag
            .name
            .rsplit(':')
            .next()
            .unwrap_or(&tag.name)
            .to_ascii_lowercase();
        if matches!(
            local.as_str(),
            "script" | "handler" | "foreignobject" | "iframe" | "embed" | "object"
        ) {
            return refuse(&format!("contains a <{}> element", tag.name));
        }
        if let Some(attr) = tag.attributes.iter().find(|a| {
            let local = a.rsplit(':').next().unwrap_or(a).to_ascii_lowercase();
            local.len() > 2 && local.starts_with("on")
        }) {
            return refuse(&format!(
                "has an event handler attribute {attr}= on <{}>",
                tag.name
            ));
        }
    }
    Ok(())
}

/// Lowercased text with numeric character references decoded and whitespace and control
/// characters removed, so `java&#x73;cript :` is still seen as `javascript:`.
fn normalise(lower: &str) -> String {
    let mut out = String::with_capacity(lower.len());
    let mut rest = lower;
    while let Some(c) = rest.chars().next() {
        if c == '&'
            && let Some((decoded, used)) = char_ref(rest)
        {
            if !decoded.is_whitespace() && !decoded.is_control() {
                out.extend(decoded.to_lowercase());
            }
            rest = &rest[used..];
            continue;
        }
        if !c.is_whitespace() && !c.is_control() {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Decodes `&#NN;`, `&#xHH;`, `&colon;`, `&tab;`, `&newline;` at the start of `s`.
fn char_ref(s: &str) -> Option<(char, usize)> {
    for (name, c) in [("&colon;", ':'), ("&tab;", '\t'), ("&newline;", '\n')] {
        if s.starts_with(name) {
            return Some((c, name.len()));
        }
    }
    let body = s.strip_prefix("&#")?;
    let (digits, radix, skip) = match body.strip_prefix('x') {
        Some(hex) => (hex, 16, 3),
        None => (body, 10, 2),
    };
    let len = digits.chars().take_while(|c| c.is_digit(radix)).count();
    if len == 0 {
        return None;
    }
    let value = u32::from_str_radix(&digits[..len.min(8)], radix).ok()?;
    let semi = usize::from(digits[len..].starts_with(';'));
    Some((
        char::from_u32(value).unwrap_or('\u{fffd}'),
        skip + len + semi,
    ))
}

/// One start tag: its name and attribute names.
struct Tag {
    name: String,
    attributes: Vec<String>,
}

/// Start tags of a markup text, skipping comments, CDATA, declarations and end tags.
struct Tags<'a> {
    rest: &'a str,
}

impl<'a> Tags<'a> {
    fn new(text: &'a str) -> Self {
        Tags { rest: text }
    }
}

impl Iterator for Tags<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        loop {
            let i = self.rest.find('<')?;
            self.rest = &self.rest[i..];
            for (open, close) in [
                ("<!--", "-->"),
                ("<![CDATA[", "]]>"),
                ("<?", "?>"),
                ("<!", ">"),
                ("</", ">"),
            ] {
                if self.rest.starts_with(open) {
                    self.rest = after(self.rest, close);
                    break;
                }
            }
            if !self.rest.starts_with('<') {
                continue;
            }
            let body = &self.rest[1..];
            let name_len = body
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(body.len());
            let name = body[..name_len].to_string();
            let (attributes, used) = attributes(&body[name_len..]);
            self.rest = &body[name_len + used..];
            if name.is_empty() {
                continue;
            }
            return Some(Tag { name, attributes });
        }
    }
}

/// Attribute names up to the end of a tag, and the bytes consumed (quotes respected).
fn attributes(s: &str) -> (Vec<String>, usize) {
    let b = s.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'>' => return (names, i + 1),
            c if c.is_ascii_whitespace() || c == b'/' => i += 1,
            _ => {
                let start = i;
                while i < b.len()
                    && !b[i].is_ascii_whitespace()
                    && !matches!(b[i], b'=' | b'>' | b'/')
                {
                    i += 1;
                }
                names.push(s[start..i].to_string());
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && b[i] == b'=' {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                        let quote = b[i];
                        i += 1;
                        while i < b.len() && b[i] != quote {
                            i += 1;
                        }
                        i += 1;
                    } else {
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                    }
                }
            }
        }
    }
    (names, b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const CLEAN_SVG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- logo -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="teal"/></svg>"#;

    fn refused(bytes: &[u8]) -> String {
        let e = sniff(bytes).expect_err("should be refused");
        assert_eq!(e.code(), "invalid_input");
        e.to_string()
    }

    #[test]
    fn magic_bytes_decide() {
        assert_eq!(sniff(PNG).ok(), Some(AssetKind::Png));
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF").ok(),
            Some(AssetKind::Jpeg)
        );
        assert_eq!(sniff(b"GIF89a\x01\0").ok(), Some(AssetKind::Gif));
        assert_eq!(sniff(b"GIF87a\x01\0").ok(), Some(AssetKind::Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 ").ok(), Some(AssetKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n").ok(), Some(AssetKind::Pdf));
        assert_eq!(sniff(CLEAN_SVG.as_bytes()).ok(), Some(AssetKind::Svg));
        assert!(refused(b"RIFF\x24\0\0\0WAVEfmt ").contains("RIFF file"));
        assert!(refused(b"\0\0\0\x18abcd").contains("binary"));
        assert!(refused(b"GIF88a").contains("plain text"));
    }

    #[test]
    fn other_content_is_named_in_the_error() {
        let html = refused(b"<!DOCTYPE html><html><body>hi</body></html>");
        assert!(
            html.contains("HTML document") && html.contains(ALLOWED),
            "{html}"
        );
        assert!(refused(b"  <html><script>alert(1)</script></html>").contains("HTML"));
        assert!(refused(b"PK\x03\x04\x14\0").contains("ZIP"));
        assert!(refused(b"hello world").contains("plain text"));
        assert!(refused(b"<?xml version=\"1.0\"?><note/>").contains("<note>"));
        assert!(refused(&[0u8, 159, 146, 150]).contains("binary"));
        assert!(refused(b"").contains("plain text"));
    }

    #[test]
    fn svg_with_anything_executable_is_refused() {
        let cases = [
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
                "<script>",
            ),
            (
                r#"<svg><svg:script>alert(1)</svg:script></svg>"#,
                "<svg:script>",
            ),
            (r#"<svg><SCRIPT >x</SCRIPT></svg>"#, "<SCRIPT>"),
            (r#"<svg onload="alert(1)"></svg>"#, "onload="),
            (r#"<svg><rect ONCLICK = 'x()'/></svg>"#, "ONCLICK="),
            (
                r#"<svg><a href="javascript:alert(1)"><text>x</text></a></svg>"#,
                "javascript:",
            ),
            (
                r#"<svg><a xlink:href="java&#x73;cript&colon;alert(1)">x</a></svg>"#,
                "javascript:",
            ),
            (
                r#"<svg><a href=" JaVa Script:alert(1)">x</a></svg>"#,
                "javascript:",
            ),
            (
                r#"<svg><foreignObject><iframe src="x"/></foreignObject></svg>"#,
                "<foreignObject>",
            ),
            (r#"<svg><!ENTITY x "y"></svg>"#, "entities"),
            (
                r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>"#,
                "declares entities",
            ),
        ];
        for (svg, needle) in cases {
            let msg = refused(svg.as_bytes());
            assert!(msg.contains(needle), "{svg}: {msg}");
        }
    }

    #[test]
    fn harmless_svg_features_are_kept() {
        let svg = r#"<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <style><![CDATA[ .a { fill: #0af } ]]></style>
  <!-- the word onload= in a comment is not an attribute -->
  <text x="1" y="5" font-family="sans-serif">Open &amp; online</text>
  <a xlink:href="https://example.com/"><rect class="a" width="4" height="4" opacity="0.5"/></a>
</svg>"#;
        assert_eq!(sniff(svg.as_bytes()).ok(), Some(AssetKind::Svg));
        let bom = format!("\u{feff}{CLEAN_SVG}");
        assert_eq!(sniff(bom.as_bytes()).ok(), Some(AssetKind::Svg));
    }

    #[test]
    fn extension_must_name_the_content() {
        let e = check_extension("logo.pdf", Some("pdf"), AssetKind::Png).expect_err("mismatch");
        assert!(
            e.to_string().contains("PNG image") && e.to_string().contains(".png"),
            "{e}"
        );
        assert!(check_extension("photo.JPG", Some("jpg"), AssetKind::Jpeg).is_ok());
        assert!(check_extension("logo", None, AssetKind::Png).is_ok());
        assert!(check_extension("doc.txt", Some("txt"), AssetKind::Pdf).is_err());
    }
}
