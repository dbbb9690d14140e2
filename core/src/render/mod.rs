//! The site renderer: a blueprint and its pages become a complete static website.
//!
//! Rendering is pure: it reads only the stored structure, pages and asset records handed to it and
//! returns files in memory ([`RenderedSite`]); the facade decides where they go (a folder, a zip,
//! a hosting store). Templates are minijinja text files shipped in the crate (`core/templates/`);
//! a host directory given in [`RenderOptions::template_dir`] overrides any of them, per block type
//! (`blocks/hero.html`) and per layout (`layouts/magazine/blocks/hero.html`), without rebuilding.
//!
//! Bad data never panics and never stops a site from rendering: an unknown block type, data that
//! breaks its schema or a template that fails renders an annotated fallback, and the
//! [`RenderReport`] lists it with the page and block it concerns.

mod blocks;
mod context;
mod links;
mod seo;
mod templates;
mod theme;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::functions::blocks::BlockCatalogue;
use crate::model::{PageBlueprint, SiteAsset, SiteBlueprint};
use crate::{Error, Result};

pub use theme::{DesignTokens, design_tokens};

/// Path of the site's stylesheet inside an export.
pub const CSS_PATH: &str = "assets/site.css";

/// How a site is rendered: where it will live, where forms post, whose templates win.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenderOptions {
    /// Absolute URL the site is served from (`https://casa-lupa.pt/`), used for canonical URLs,
    /// Open Graph and `sitemap.xml`. A blueprint's `config_json.base_url` wins over it; without
    /// either, `https://example.com/` is used and the report says so.
    pub base_url: Option<String>,
    /// Where forms post (default `#`, which keeps visitors on the page).
    pub form_action: Option<String>,
    /// A folder of templates that override the shipped ones by relative path.
    pub template_dir: Option<PathBuf>,
    /// Render with this layout instead of the structure's (one of the seven), e.g. to preview a
    /// site in another look.
    pub layout: Option<String>,
}

/// Which page a preview shows and how its links are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PreviewRequest<'a> {
    /// The page's slug; empty for the home page, `404` for the not-found page.
    pub slug: &'a str,
    /// The URL prefix the preview is served under, ending in `/`
    /// (`/api/v1/site-builder/blueprints/7/preview/`): the home page links to it, other pages to
    /// `{link_base}{slug}/`, images to `{link_base}assets/…`. `None` links the exported files
    /// (`about.html`), as in an export.
    pub link_base: Option<&'a str>,
    /// Answer an unknown slug with the site's 404 page (`found: false`) instead of `not_found`,
    /// as a web server does.
    pub missing_as_404: bool,
}

/// A page rendered for a preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewPage {
    /// A self-contained HTML document.
    pub html: String,
    /// What the renderer worked around on this page.
    pub report: RenderReport,
    /// False when the slug named no page and the 404 page was rendered instead (serve it with
    /// status 404).
    pub found: bool,
}

/// Everything the renderer reads about one site.
#[derive(Debug, Clone)]
pub struct SiteInput<'a> {
    /// The blueprint, whose `structure_json` holds the site settings and page SEO.
    pub blueprint: &'a SiteBlueprint,
    /// Its pages in order; their blocks are what is rendered.
    pub pages: &'a [PageBlueprint],
    /// Its site assets, which image `src` values may name (by id as `asset:12`, key or file name).
    pub assets: &'a [SiteAsset],
    /// The chosen business type's name, for JSON-LD (`Restaurant & Café` → `Restaurant`).
    pub business_type: Option<&'a str>,
    /// The chosen brand personalities' names, which tune the design tokens.
    pub personalities: &'a [String],
    /// The block types and schemas the data is checked against.
    pub catalogue: &'a BlockCatalogue,
}

/// One file of a rendered site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedFile {
    /// Relative path with `/` separators (`index.html`, `about.html`, `assets/site.css`).
    pub path: String,
    /// MIME type.
    pub content_type: String,
    /// The content; for an asset, empty until the exporter copies its bytes (see `asset_id`).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// The site asset whose bytes this file holds, when it is one.
    pub asset_id: Option<i64>,
}

/// Something the renderer had to work around, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RenderIssue {
    /// `unknown_block_type`, `invalid_block_data`, `template_error`, `broken_link`,
    /// `missing_asset`, `no_base_url`, `invalid_structure`.
    pub code: String,
    /// The page's slug, when the issue belongs to one.
    pub page: Option<String>,
    /// The block's position on its page, when the issue belongs to one.
    pub block_index: Option<usize>,
    /// The block's type, when the issue belongs to one.
    pub block_type: Option<String>,
    /// What happened and what to do.
    pub message: String,
}

/// What the renderer worked around; empty when the site rendered as designed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderReport {
    /// Issues in page and block order.
    pub issues: Vec<RenderIssue>,
}

/// A rendered site: its files and the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedSite {
    /// Every file, pages first, then `404.html`, `sitemap.xml`, `robots.txt`, the stylesheet and
    /// the assets pages use.
    pub files: Vec<RenderedFile>,
    /// What was worked around.
    pub report: RenderReport,
}

/// The template environment and options; build once and reuse (templates are compiled on first
/// use and kept).
#[derive(Debug)]
pub struct Renderer {
    templates: templates::Templates,
    options: RenderOptions,
}

impl Renderer {
    /// A renderer with `options`; a `template_dir` that is not a folder is a configuration error.
    pub fn new(options: RenderOptions) -> Result<Renderer> {
        if let Some(layout) = options.layout.as_deref()
            && !crate::model::LAYOUTS.contains(&layout)
        {
            return Err(Error::invalid(format!(
                "layout {layout:?} is not one of {}",
                crate::model::LAYOUTS.join(", ")
            )));
        }
        if let Some(dir) = &options.template_dir
            && !dir.is_dir()
        {
            return Err(Error::config(format!(
                "template_dir {} is not a folder; create it or leave template_dir unset",
                dir.display()
            )));
        }
        Ok(Renderer {
            templates: templates::Templates::new(options.template_dir.clone()),
            options,
        })
    }

    /// The options in force.
    pub fn options(&self) -> &RenderOptions {
        &self.options
    }

    /// Every file of the site.
    pub fn render_site(&self, input: &SiteInput<'_>) -> RenderedSite {
        let mut report = RenderReport::default();
        let site = context::Site::build(input, &self.options, None, &mut report);
        let css = theme::stylesheet(&self.templates, &site.layout, &site.tokens);
        let mut files = Vec::with_capacity(site.pages.len() + 5);
        for page in &site.pages {
            let html = self.page_html(&site, page, None, &mut report);
            files.push(text_file(&page.path, "text/html; charset=utf-8", html));
        }
        let not_found = context::not_found_page(&site);
        let html = self.page_html(&site, &not_found, None, &mut report);
        files.push(text_file("404.html", "text/html; charset=utf-8", html));
        files.push(text_file(
            "sitemap.xml",
            "application/xml",
            seo::sitemap(&site),
        ));
        files.push(text_file(
            "robots.txt",
            "text/plain; charset=utf-8",
            seo::robots(&site),
        ));
        files.push(text_file(CSS_PATH, "text/css; charset=utf-8", css));
        for asset in site.used_assets.values() {
            files.push(RenderedFile {
                path: asset.path.clone(),
                content_type: asset.content_type.clone(),
                bytes: Vec::new(),
                asset_id: Some(asset.id),
            });
        }
        RenderedSite { files, report }
    }

    /// One page as a self-contained HTML document (the stylesheet inlined), for a live preview.
    /// `slug` is a page slug; `404` renders the not-found page; an unknown slug is `not_found`.
    pub fn render_page(&self, input: &SiteInput<'_>, slug: &str) -> Result<(String, RenderReport)> {
        let page = self.render_preview(
            input,
            &PreviewRequest {
                slug,
                ..PreviewRequest::default()
            },
        )?;
        Ok((page.html, page.report))
    }

    /// One page for a preview served over HTTP: the stylesheet inlined and, with
    /// [`PreviewRequest::link_base`], every internal link (menus, buttons, the 404 page's way
    /// home) and image pointing at preview URLs, so the preview can be browsed like the site.
    pub fn render_preview(
        &self,
        input: &SiteInput<'_>,
        request: &PreviewRequest<'_>,
    ) -> Result<PreviewPage> {
        let mut report = RenderReport::default();
        let site = context::Site::build(input, &self.options, request.link_base, &mut report);
        let css = theme::stylesheet(&self.templates, &site.layout, &site.tokens);
        let slug = request.slug.trim_matches('/');
        let found = if slug.is_empty() {
            site.pages
                .iter()
                .find(|p| p.path == "index.html")
                .or(site.pages.first())
                .cloned()
        } else if slug == "404" {
            None
        } else {
            site.pages.iter().find(|p| p.slug == slug).cloned()
        };
        let is_found = found.is_some();
        let page = match found {
            Some(page) => page,
            None if slug == "404" || request.missing_as_404 => context::not_found_page(&site),
            None => return Err(Error::not_found("page_blueprint", slug)),
        };
        let html = self.page_html(&site, &page, Some(&css), &mut report);
        report.issues.retain(|i| match &i.page {
            Some(p) => p == &page.slug,
            None => true,
        });
        Ok(PreviewPage {
            html,
            report,
            found: is_found,
        })
    }

    fn page_html(
        &self,
        site: &context::Site,
        page: &context::Page,
        inline_css: Option<&str>,
        report: &mut RenderReport,
    ) -> String {
        let blocks: Vec<minijinja::Value> = page
            .blocks
            .iter()
            .map(|b| {
                minijinja::Value::from_safe_string(blocks::render(
                    &self.templates,
                    site,
                    page,
                    b,
                    report,
                ))
            })
            .collect();
        let ctx = context::page_context(site, page, blocks, inline_css);
        match self.templates.render("page.html", &site.layout, &ctx) {
            Ok(html) => html,
            Err(e) => {
                report.issues.push(RenderIssue {
                    code: "template_error".into(),
                    page: Some(page.slug.clone()),
                    block_index: None,
                    block_type: None,
                    message: format!(
                        "page template failed ({e}); the built-in page template was used instead"
                    ),
                });
                self.templates
                    .render_builtin("page.html", &ctx)
                    .unwrap_or_else(|e| {
                        format!(
                            "<!doctype html><title>render error</title><p>{}</p>",
                            templates::escape(&e.to_string())
                        )
                    })
            }
        }
    }
}

fn text_file(path: &str, content_type: &str, text: String) -> RenderedFile {
    RenderedFile {
        path: path.to_string(),
        content_type: content_type.to_string(),
        bytes: text.into_bytes(),
        asset_id: None,
    }
}

#[cfg(test)]
mod tests;
