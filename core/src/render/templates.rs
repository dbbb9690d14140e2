//! Template sources: the host's folder first, then the templates shipped in the crate.
//!
//! Names are relative paths (`page.html`, `blocks/hero.html`, `css/base.css`). A layout-specific
//! file `layouts/<layout>/<name>` wins over `<name>`, so a host can restyle one block for one
//! layout only. Templates compile on first use and are kept for the renderer's lifetime.

use std::path::PathBuf;

use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

/// The shipped templates and stylesheets, by relative path.
const EMBEDDED: &[(&str, &str)] = &[
    ("page.html", include_str!("../../templates/page.html")),
    ("_macros.html", include_str!("../../templates/_macros.html")),
    (
        "partials/header.html",
        include_str!("../../templates/partials/header.html"),
    ),
    (
        "partials/footer.html",
        include_str!("../../templates/partials/footer.html"),
    ),
    (
        "blocks/_fallback.html",
        include_str!("../../templates/blocks/_fallback.html"),
    ),
    (
        "blocks/_not_found.html",
        include_str!("../../templates/blocks/_not_found.html"),
    ),
    (
        "blocks/hero.html",
        include_str!("../../templates/blocks/hero.html"),
    ),
    (
        "blocks/text.html",
        include_str!("../../templates/blocks/text.html"),
    ),
    (
        "blocks/features.html",
        include_str!("../../templates/blocks/features.html"),
    ),
    (
        "blocks/testimonials.html",
        include_str!("../../templates/blocks/testimonials.html"),
    ),
    (
        "blocks/services.html",
        include_str!("../../templates/blocks/services.html"),
    ),
    (
        "blocks/stats.html",
        include_str!("../../templates/blocks/stats.html"),
    ),
    (
        "blocks/cta.html",
        include_str!("../../templates/blocks/cta.html"),
    ),
    (
        "blocks/image.html",
        include_str!("../../templates/blocks/image.html"),
    ),
    (
        "blocks/video.html",
        include_str!("../../templates/blocks/video.html"),
    ),
    (
        "blocks/form.html",
        include_str!("../../templates/blocks/form.html"),
    ),
    (
        "blocks/faq.html",
        include_str!("../../templates/blocks/faq.html"),
    ),
    (
        "blocks/quote.html",
        include_str!("../../templates/blocks/quote.html"),
    ),
    (
        "blocks/grid.html",
        include_str!("../../templates/blocks/grid.html"),
    ),
    (
        "blocks/card.html",
        include_str!("../../templates/blocks/card.html"),
    ),
    (
        "blocks/list.html",
        include_str!("../../templates/blocks/list.html"),
    ),
    (
        "blocks/accordion.html",
        include_str!("../../templates/blocks/accordion.html"),
    ),
    ("css/base.css", include_str!("../../templates/css/base.css")),
    (
        "css/layouts/default.css",
        include_str!("../../templates/css/layouts/default.css"),
    ),
    (
        "css/layouts/minimal.css",
        include_str!("../../templates/css/layouts/minimal.css"),
    ),
    (
        "css/layouts/magazine.css",
        include_str!("../../templates/css/layouts/magazine.css"),
    ),
    (
        "css/layouts/ecommerce.css",
        include_str!("../../templates/css/layouts/ecommerce.css"),
    ),
    (
        "css/layouts/portfolio.css",
        include_str!("../../templates/css/layouts/portfolio.css"),
    ),
    (
        "css/layouts/blog.css",
        include_str!("../../templates/css/layouts/blog.css"),
    ),
    (
        "css/layouts/corporate.css",
        include_str!("../../templates/css/layouts/corporate.css"),
    ),
];

fn embedded(name: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Whether `name` is a safe relative path (no `..`, no absolute path) before it touches the disk.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && name
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Reads `name` from the host folder, then from the shipped set.
fn load(dir: Option<&PathBuf>, name: &str) -> Option<String> {
    if !safe_name(name) {
        return None;
    }
    if let Some(dir) = dir
        && let Ok(text) = std::fs::read_to_string(dir.join(name))
    {
        return Some(text);
    }
    embedded(name).map(str::to_string)
}

/// The template environments: the host's (folder + shipped) and the shipped one alone, which
/// renders when a host template fails.
#[derive(Debug)]
pub(super) struct Templates {
    dir: Option<PathBuf>,
    env: Environment<'static>,
    builtin: Environment<'static>,
}

fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    // Chainable: `data.cta.label` on a block without a cta prints nothing instead of failing, so
    // a template meets partial data gracefully; schema checks happen before rendering anyway.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_formatter(format_value);
    env.set_loader(move |name| Ok(load(dir.as_ref(), name)));
    env.add_filter("paragraphs", paragraphs);
    env.add_function("icon", super::theme::icon);
    env
}

/// Prints values HTML-escaped like minijinja's default, with two differences that keep output
/// readable: `/` stays as is (URLs), and `none` prints nothing instead of the word.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    if value.is_safe() || !matches!(state.auto_escape(), minijinja::AutoEscape::Html) {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.as_str() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(value.to_string()),
    };
    out.write_str(&escape(&text))
        .map_err(|e| minijinja::Error::new(ErrorKind::WriteFailure, e.to_string()))
}

/// `"a\n\nb"` → `["a", "b"]`: a body's paragraphs (single newlines stay inside a paragraph).
fn paragraphs(text: String) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

impl Templates {
    pub(super) fn new(dir: Option<PathBuf>) -> Templates {
        Templates {
            env: environment(dir.clone()),
            builtin: environment(None),
            dir,
        }
    }

    /// Raw text of a file (stylesheets): host folder first, per layout first.
    pub(super) fn text(&self, name: &str, layout: &str) -> Option<String> {
        load(self.dir.as_ref(), &format!("layouts/{layout}/{name}"))
            .or_else(|| load(self.dir.as_ref(), name))
    }

    /// Whether a template exists for `name` (per layout or shared).
    pub(super) fn exists(&self, name: &str, layout: &str) -> bool {
        self.text(name, layout).is_some()
    }

    /// Renders `layouts/<layout>/<name>` if it exists, else `<name>`.
    pub(super) fn render(
        &self,
        name: &str,
        layout: &str,
        ctx: &Value,
    ) -> Result<String, minijinja::Error> {
        let per_layout = format!("layouts/{layout}/{name}");
        let template = match self.env.get_template(&per_layout) {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::TemplateNotFound => self.env.get_template(name)?,
            Err(e) => return Err(e),
        };
        template.render(ctx)
    }

    /// Renders a shipped template, ignoring the host folder.
    pub(super) fn render_builtin(
        &self,
        name: &str,
        ctx: &Value,
    ) -> Result<String, minijinja::Error> {
        self.builtin.get_template(name)?.render(ctx)
    }
}

/// HTML-escapes text (`&`, `<`, `>`, `"`, `'`); `/` stays readable in URLs.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_template_compiles() {
        let env = environment(None);
        for (name, _) in EMBEDDED.iter().filter(|(n, _)| n.ends_with(".html")) {
            env.get_template(name)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }

    #[test]
    fn paths_outside_the_folder_are_never_read() {
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "a/../../b",
            "a//b",
            "",
            "a\\b",
        ] {
            assert!(!safe_name(bad), "{bad}");
        }
        assert!(safe_name("layouts/blog/blocks/hero.html"));
    }
}
