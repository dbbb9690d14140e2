//! File names: what an uploader may call a file, and the safe key segment made from it.
//!
//! The name is user input that ends up in an object store key and, on the local filesystem, in a
//! path. Anything that could climb out of the account's prefix or confuse a filesystem is refused
//! with a message naming the problem, rather than silently rewritten, so the uploader knows why.

use crate::{Error, Result};

/// Longest file name accepted, in bytes (the common filesystem limit).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Longest key segment derived from a name: the `{uuid}-` in front must still fit a filesystem's
/// 255-byte name limit.
const MAX_SEGMENT_BYTES: usize = 150;

/// Checks an uploader's file name; the error says which rule it breaks.
pub fn validate_file_name(name: &str) -> Result<()> {
    let shown: String = name
        .chars()
        .take(60)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if name.trim().is_empty() {
        return Err(Error::invalid(
            "file_name is empty; give the file a name such as logo.png",
        ));
    }
    if name.len() > MAX_FILE_NAME_BYTES {
        return Err(Error::invalid(format!(
            "file_name is {} bytes long; the limit is {MAX_FILE_NAME_BYTES} bytes: shorten it",
            name.len()
        )));
    }
    if name.contains('\0') {
        return Err(Error::invalid(format!(
            "file_name \"{shown}\" contains a NUL byte; remove it"
        )));
    }
    if name.contains('/') || name.contains('\\') {
        return Err(Error::invalid(format!(
            "file_name \"{shown}\" contains a path separator ('/' or '\\'); give a plain file name without folders"
        )));
    }
    if name.contains("..") {
        return Err(Error::invalid(format!(
            "file_name \"{shown}\" contains \"..\"; give a plain file name without \"..\""
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "file_name \"{shown}\" contains control characters; remove them"
        )));
    }
    if name.trim() == "." {
        return Err(Error::invalid("file_name \".\" names a folder, not a file"));
    }
    Ok(())
}

/// The lowercase extension after the last `.`, if the name has one (`Logo.PNG` → `png`).
pub(crate) fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// The name as a key segment: ASCII letters, digits, `.`, `-`, `_` kept, everything else `_`,
/// no leading dot, at most [`MAX_SEGMENT_BYTES`] with the extension kept. Call it on a name that
/// passed [`validate_file_name`].
pub(crate) fn key_segment(name: &str) -> String {
    let mut safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.starts_with('.') {
        safe.replace_range(..1, "_");
    }
    if safe.len() > MAX_SEGMENT_BYTES {
        // Every char is ASCII now, so byte offsets are char boundaries.
        let ext = match safe.rsplit_once('.') {
            Some((_, e)) if e.len() <= 16 => format!(".{e}"),
            _ => String::new(),
        };
        safe.truncate(MAX_SEGMENT_BYTES - ext.len());
        safe.push_str(&ext);
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(name: &str) -> Option<&'static str> {
        validate_file_name(name).err().map(|e| e.code())
    }

    #[test]
    fn rejects_unsafe_names_with_a_reason() {
        for bad in [
            "",
            "   ",
            "..",
            "../etc/passwd",
            "a..b.png",
            "a/b.png",
            "a\\b.png",
            "a\0b.png",
            "a\nb.png",
            ".",
        ] {
            assert_eq!(code(bad), Some("invalid_input"), "{bad:?} was accepted");
        }
        let long = format!("{}.png", "a".repeat(252));
        assert_eq!(long.len(), 256);
        let e = validate_file_name(&long).expect_err("256 bytes must be refused");
        assert!(e.to_string().contains("256 bytes"), "{e}");
        let e = validate_file_name("a/b").expect_err("separator");
        assert!(e.to_string().contains("path separator"), "{e}");
        // 255 bytes of multi-byte characters is the limit in bytes, not characters.
        let accented = "é".repeat(128);
        assert!(accented.len() > MAX_FILE_NAME_BYTES);
        assert_eq!(code(&accented), Some("invalid_input"));
    }

    #[test]
    fn accepts_ordinary_names() {
        for ok in [
            "logo.png",
            "Hero Image (1).JPG",
            "brochure-2024_v2.pdf",
            "ünïcödé.svg",
            &format!("{}.png", "a".repeat(251)),
        ] {
            assert_eq!(code(ok), None, "{ok:?} was refused");
        }
    }

    #[test]
    fn key_segments_are_plain_ascii_and_bounded() {
        assert_eq!(key_segment("Hero Image (1).JPG"), "Hero_Image__1_.JPG");
        assert_eq!(key_segment(".hidden.png"), "_hidden.png");
        assert_eq!(key_segment("ünï.svg"), "_n_.svg");
        let long = key_segment(&format!("{}.jpeg", "b".repeat(250)));
        assert_eq!(long.len(), MAX_SEGMENT_BYTES);
        assert!(long.ends_with(".jpeg"));
    }

    #[test]
    fn extensions_are_lowercased() {
        assert_eq!(extension("Logo.PNG").as_deref(), Some("png"));
        assert_eq!(extension("archive.tar.gz").as_deref(), Some("gz"));
        assert_eq!(extension("README"), None);
        assert_eq!(extension(".png"), None);
        assert_eq!(extension("trailing."), None);
    }
}
