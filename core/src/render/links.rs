//! Internal links: `/contact`, `contact`, `/contact#form` or `/` become the file that page is
//! written to, so every internal link of an export resolves; in a live preview served over HTTP
//! they become the preview URL of that page instead (see [`page_href`]), so the preview can be
//! browsed like the site.

/// Where a page is linked from other pages: its file (`about.html`) in an export, or, in a
/// preview served under `preview_base` (`/api/v1/site-builder/blueprints/7/preview/`), the home
/// page at the base itself and every other page at `{base}{slug}/`.
pub(super) fn page_href(preview_base: Option<&str>, slug: &str, path: &str) -> String {
    match preview_base {
        None => path.to_string(),
        Some(base) if path == "index.html" => base.to_string(),
        Some(base) => format!("{base}{}/", url_segment(slug)),
    }
}

/// `segment` percent-encoded for a URL path (slugs are normally `[a-z0-9-]` already).
fn url_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The site's pages as `(slug, page type, file path, href)`, and the preview base when links
/// point at a preview.
#[derive(Debug, Clone)]
pub(super) struct Links {
    pages: Vec<(String, String, String, String)>,
    preview_base: Option<String>,
}

/// How an `href` was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Resolved {
    /// A URL that leaves the site (`https:`, `mailto:`, `tel:`) or an anchor on the same page.
    External(String),
    /// The file of a page of this site.
    Page(String),
    /// No page matches; the link goes home instead and the report says so.
    Missing { fallback: String },
}

impl Links {
    /// `pages` as `(slug, page type, file path)`; hrefs follow [`page_href`].
    pub(super) fn new(pages: Vec<(String, String, String)>, preview_base: Option<&str>) -> Links {
        Links {
            pages: pages
                .into_iter()
                .map(|(slug, kind, path)| {
                    let href = page_href(preview_base, &slug, &path);
                    (slug, kind, path, href)
                })
                .collect(),
            preview_base: preview_base.map(str::to_string),
        }
    }

    /// Where the home page is linked.
    pub(super) fn home(&self) -> String {
        self.pages
            .iter()
            .find(|(_, _, path, _)| path == "index.html")
            .map_or_else(
                || page_href(self.preview_base.as_deref(), "", "index.html"),
                |(_, _, _, href)| href.clone(),
            )
    }

    /// Where an exported file (`assets/12-logo.png`) is linked from a page: as is in an export,
    /// under the preview base in a preview (the preview routes serve the site's assets there).
    pub(super) fn file_href(&self, path: &str) -> String {
        match &self.preview_base {
            None => path.to_string(),
            Some(base) => format!("{base}{path}"),
        }
    }

    pub(super) fn resolve(&self, href: &str) -> Resolved {
        let href = href.trim();
        let lower = href.to_ascii_lowercase();
        if href.starts_with('#')
            || ["http://", "https://", "mailto:", "tel:", "sms:"]
                .iter()
                .any(|s| lower.starts_with(s))
        {
            return Resolved::External(href.to_string());
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (href, None),
        };
        let path = path.split('?').next().unwrap_or_default();
        let name = path
            .trim_matches('/')
            .trim_end_matches(".html")
            .trim_end_matches("/index")
            .trim_matches('/');
        let target = if name.is_empty() || name == "home" || name == "index" {
            Some(self.home())
        } else {
            let last = name.rsplit('/').next().unwrap_or(name);
            self.pages
                .iter()
                .find(|(slug, _, path, _)| slug == last || path == &format!("{last}.html"))
                .or_else(|| self.pages.iter().find(|(_, kind, _, _)| kind == last))
                .map(|(_, _, _, href)| href.clone())
        };
        let with_fragment = |p: String| match fragment {
            Some(f) if !f.is_empty() => format!("{p}#{f}"),
            _ => p,
        };
        match target {
            Some(p) => Resolved::Page(with_fragment(p)),
            None => Resolved::Missing {
                fallback: self.home(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Vec<(String, String, String)> {
        vec![
            ("home".into(), "home".into(), "index.html".into()),
            ("about-us".into(), "about".into(), "about-us.html".into()),
            ("contact".into(), "contact".into(), "contact.html".into()),
        ]
    }

    fn links() -> Links {
        Links::new(pages(), None)
    }

    #[test]
    fn in_a_preview_links_point_at_preview_urls() {
        let l = Links::new(pages(), Some("/p/bp/7/preview/"));
        assert_eq!(l.resolve("/"), Resolved::Page("/p/bp/7/preview/".into()));
        assert_eq!(
            l.resolve("/about#team"),
            Resolved::Page("/p/bp/7/preview/about-us/#team".into())
        );
        assert_eq!(
            l.resolve("contact.html"),
            Resolved::Page("/p/bp/7/preview/contact/".into())
        );
        assert_eq!(
            l.resolve("/pricing"),
            Resolved::Missing {
                fallback: "/p/bp/7/preview/".into()
            }
        );
        assert_eq!(
            l.file_href("assets/3-logo.png"),
            "/p/bp/7/preview/assets/3-logo.png"
        );
        assert_eq!(
            page_href(Some("/b/"), "caf\u{e9} x", "x.html"),
            "/b/caf%C3%A9%20x/"
        );
    }

    #[test]
    fn paths_slugs_and_page_types_resolve_to_files() {
        let l = links();
        assert_eq!(l.resolve("/"), Resolved::Page("index.html".into()));
        assert_eq!(l.resolve("/home"), Resolved::Page("index.html".into()));
        assert_eq!(l.resolve("/contact"), Resolved::Page("contact.html".into()));
        assert_eq!(l.resolve("contact/"), Resolved::Page("contact.html".into()));
        assert_eq!(
            l.resolve("/contact#booking"),
            Resolved::Page("contact.html#booking".into())
        );
        assert_eq!(l.resolve("/about"), Resolved::Page("about-us.html".into()));
        assert_eq!(
            l.resolve("about-us.html"),
            Resolved::Page("about-us.html".into())
        );
    }

    #[test]
    fn external_links_stay_and_unknown_pages_go_home() {
        let l = links();
        for href in ["https://x.pt", "mailto:a@b.pt", "tel:+351", "#form"] {
            assert_eq!(l.resolve(href), Resolved::External(href.into()));
        }
        assert_eq!(
            l.resolve("/pricing"),
            Resolved::Missing {
                fallback: "index.html".into()
            }
        );
    }
}
