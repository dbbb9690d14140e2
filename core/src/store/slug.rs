//! Slug rules shared by every storage implementation.

use crate::{Error, Result};

/// Checks a page slug: lowercase `a-z`, `0-9` and `-`, 1–255 characters.
pub fn validate_slug(slug: &str) -> Result<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 255
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "slug {slug:?} is not valid: use 1-255 characters of lowercase a-z, 0-9 and '-'"
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
        for bad in ["", "About", "a b", "a/b", "é", &"x".repeat(256)] {
            let err = validate_slug(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
        }
    }
}
