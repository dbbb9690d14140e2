//! Slug rules shared by every storage implementation.

use crate::{Error, Result};

/// Checks a page slug, the one rule every surface and every stored page follows: 1–255 characters,
/// words of lowercase `a-z` and `0-9` joined by single dashes (`about-us`, `2024-menu`; not `-`,
/// `a--b` or `-a`), which is also what `normalize_slug` produces.
pub fn validate_slug(slug: &str) -> Result<()> {
    let ok = slug.len() <= 255
        && slug.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "slug {:?} is not valid: use 1-255 characters, words of lowercase a-z and 0-9 joined by single dashes (about-us)",
            slug.chars().take(80).collect::<String>()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        for good in ["home", "about-us", "a", "2024-menu"] {
            assert!(validate_slug(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "About",
            "a b",
            "a/b",
            "é",
            "-",
            "a--b",
            "-a",
            "a-",
            &"x".repeat(256),
        ] {
            let err = validate_slug(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
        }
    }
}
