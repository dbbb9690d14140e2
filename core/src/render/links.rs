//! Internal links: `/contact`, `contact`, `/contact#form` or `/` become the file that page is
//! written to, so every internal link of an export resolves.

/// The site's pages as `(slug, page type, file path)`.
#[derive(Debug, Clone)]
pub(super) struct Links {
    pages: Vec<(String, String, String)>,
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
    pub(super) fn new(pages: Vec<(String, String, String)>) -> Links {
        Links { pages }
    }

    fn home(&self) -> String {
        self.pages
            .iter()
            .find(|(_, _, path)| path == "index.html")
            .map_or_else(|| "index.html".to_string(), |(_, _, p)| p.clone())
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
                .find(|(slug, _, path)| slug == last || path == &format!("{last}.html"))
                .or_else(|| self.pages.iter().find(|(_, kind, _)| kind == last))
                .map(|(_, _, p)| p.clone())
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

    fn links() -> Links {
        Links::new(vec![
            ("home".into(), "home".into(), "index.html".into()),
            ("about-us".into(), "about".into(), "about-us.html".into()),
            ("contact".into(), "contact".into(), "contact.html".into()),
        ])
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
