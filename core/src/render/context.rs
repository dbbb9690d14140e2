//! The site as templates see it: settings, pages with their prepared blocks, navigation, tokens.
//!
//! Built once per render from the stored structure and pages; everything a template needs is
//! resolved here (links to files, images to assets or placeholders, heading levels), so templates
//! stay simple and a host's template cannot produce a broken internal link by accident.

use std::collections::BTreeMap;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;
use serde_json::json;

use super::blocks::{self, PreparedBlock};
use super::links::Links;
use super::theme::{DesignTokens, design_tokens};
use super::{CSS_PATH, RenderIssue, RenderOptions, RenderReport, SiteInput, seo};
use crate::model::{Block, LAYOUTS, PageSpec, PageType, SiteStructure};

/// The base URL when neither the blueprint nor the options name one.
const PLACEHOLDER_BASE_URL: &str = "https://example.com/";

/// A site asset a page uses, copied into the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct UsedAsset {
    pub(super) id: i64,
    pub(super) path: String,
    pub(super) content_type: String,
}

/// One menu entry.
#[derive(Debug, Clone, Serialize)]
pub(super) struct NavItem {
    pub(super) slug: String,
    pub(super) label: String,
    pub(super) href: String,
}

/// A page ready to render.
#[derive(Debug, Clone)]
pub(super) struct Page {
    pub(super) slug: String,
    pub(super) title: String,
    pub(super) page_type: String,
    pub(super) path: String,
    /// Where other pages link to it: `path` in an export, its preview URL in a preview.
    pub(super) href: String,
    pub(super) canonical: String,
    pub(super) meta_title: String,
    pub(super) meta_description: String,
    pub(super) og_image: Option<String>,
    pub(super) blocks: Vec<PreparedBlock>,
}

/// The whole site ready to render.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) name: String,
    pub(super) tagline: String,
    pub(super) description: String,
    pub(super) layout: String,
    pub(super) base_url: String,
    pub(super) year: i32,
    pub(super) tokens: DesignTokens,
    pub(super) pages: Vec<Page>,
    pub(super) nav_primary: Vec<NavItem>,
    pub(super) nav_footer: Vec<NavItem>,
    pub(super) business_type: Option<String>,
    pub(super) form_action: String,
    pub(super) used_assets: BTreeMap<i64, UsedAsset>,
    /// Where the home page is linked (`index.html`, or the preview base).
    pub(super) home_href: String,
}

/// A page's source, whether it comes from the pages table or only from the structure.
struct Source<'a> {
    slug: &'a str,
    title: &'a str,
    page_type: PageType,
    blocks: &'a [Block],
    spec: Option<&'a PageSpec>,
}

/// `{slug}.html`, the home page `index.html`; slugs that would collide with a site file get a
/// suffix.
pub(super) fn page_path(slug: &str, is_home: bool) -> String {
    if is_home {
        "index.html".to_string()
    } else if ["index", "404", "sitemap", "robots"].contains(&slug) {
        format!("{slug}-page.html")
    } else {
        format!("{slug}.html")
    }
}

fn issue(report: &mut RenderReport, code: &str, message: String) {
    report.issues.push(RenderIssue {
        code: code.to_string(),
        page: None,
        block_index: None,
        block_type: None,
        message,
    });
}

fn normalise_base(url: &str) -> String {
    let url = url.trim();
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

impl Site {
    /// The site as templates see it; with `preview_base`, internal links point at preview URLs
    /// under it (see [`super::links::page_href`]) instead of the exported files.
    pub(super) fn build(
        input: &SiteInput<'_>,
        options: &RenderOptions,
        preview_base: Option<&str>,
        report: &mut RenderReport,
    ) -> Site {
        let bp = input.blueprint;
        let structure = match SiteStructure::from_stored(&bp.structure_json) {
            Ok(s) => s,
            Err(e) => {
                issue(
                    report,
                    "invalid_structure",
                    format!(
                        "structure_json could not be read ({e}); the blueprint's name and pages were used"
                    ),
                );
                None
            }
        };
        let info = structure.as_ref().map(|s| &s.site);
        let layout = options
            .layout
            .as_deref()
            .or(info.map(|i| i.layout.as_str()))
            .filter(|l| LAYOUTS.contains(l))
            .unwrap_or("default")
            .to_string();
        if let Some(i) = info
            && options.layout.is_none()
            && !LAYOUTS.contains(&i.layout.as_str())
        {
            issue(
                report,
                "invalid_structure",
                format!(
                    "layout {:?} is not one of {}; the default layout was used",
                    i.layout,
                    LAYOUTS.join(", ")
                ),
            );
        }
        let configured = bp
            .config
            .extra
            .get("base_url")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
            .or_else(|| options.base_url.clone())
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        let base_url = match configured {
            Some(u) => normalise_base(&u),
            None => {
                issue(
                    report,
                    "no_base_url",
                    format!(
                        "no base URL is configured, so canonical URLs and sitemap.xml use {PLACEHOLDER_BASE_URL}; set RenderOptions.base_url or config_json.base_url"
                    ),
                );
                PLACEHOLDER_BASE_URL.to_string()
            }
        };

        let mut ordered: Vec<&crate::model::PageBlueprint> = input.pages.iter().collect();
        ordered.sort_by_key(|p| (p.order, p.id));
        let specs: Vec<&PageSpec> = structure.iter().flat_map(|s| s.pages.iter()).collect();
        let sources: Vec<Source<'_>> = if ordered.is_empty() {
            specs
                .iter()
                .map(|s| Source {
                    slug: &s.slug,
                    title: &s.title,
                    page_type: s.page_type,
                    blocks: &s.blocks,
                    spec: Some(s),
                })
                .collect()
        } else {
            ordered
                .iter()
                .map(|p| {
                    let spec = specs.iter().copied().find(|s| s.slug == p.slug);
                    Source {
                        slug: &p.slug,
                        title: &p.title,
                        page_type: p.page_type,
                        // A page saved before its content was generated has no blocks yet; the
                        // structure's draft blocks stand in for them.
                        blocks: if p.blocks.is_empty() {
                            spec.map_or(&[][..], |s| &s.blocks[..])
                        } else {
                            &p.blocks
                        },
                        spec,
                    }
                })
                .collect()
        };
        let home = sources
            .iter()
            .position(|s| s.page_type == PageType::Home)
            .or_else(|| sources.iter().position(|s| s.slug == "home"))
            .unwrap_or(0);
        let links = Links::new(
            sources
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    (
                        s.slug.to_string(),
                        s.page_type.as_str().to_string(),
                        page_path(s.slug, i == home),
                    )
                })
                .collect(),
            preview_base,
        );

        let name = info
            .map(|i| i.name.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or(bp.name.as_str())
            .to_string();
        let tagline = info
            .map(|i| i.tagline.trim().to_string())
            .unwrap_or_default();
        let description = if tagline.is_empty() {
            bp.description.clone()
        } else {
            tagline.clone()
        };
        let mut used_assets = BTreeMap::new();
        let pages: Vec<Page> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let path = page_path(s.slug, i == home);
                let mut blocks = Vec::with_capacity(s.blocks.len());
                for (index, block) in s.blocks.iter().enumerate() {
                    blocks.push(blocks::prepare(
                        block,
                        index,
                        s.slug,
                        input,
                        &links,
                        &mut used_assets,
                        report,
                    ));
                }
                let seo = s.spec.map(|spec| &spec.seo);
                let meta_title = seo
                    .map(|x| x.meta_title.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| {
                        if i == home {
                            if tagline.is_empty() {
                                name.clone()
                            } else {
                                format!("{name} · {tagline}")
                            }
                        } else {
                            format!("{} · {name}", s.title)
                        }
                    });
                let meta_description = seo
                    .map(|x| x.meta_description.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .or_else(|| {
                        s.spec
                            .map(|x| x.objective.trim().to_string())
                            .filter(|t| !t.is_empty())
                    })
                    .unwrap_or_else(|| description.clone());
                let canonical = if i == home {
                    base_url.clone()
                } else {
                    format!("{base_url}{path}")
                };
                let og_image = blocks
                    .iter()
                    .find_map(|b| b.data.pointer("/image/src").and_then(|v| v.as_str()))
                    .map(|src| absolute(&base_url, src));
                Page {
                    slug: s.slug.to_string(),
                    title: s.title.to_string(),
                    page_type: s.page_type.as_str().to_string(),
                    href: super::links::page_href(preview_base, s.slug, &path),
                    path,
                    canonical,
                    meta_title,
                    meta_description,
                    og_image,
                    blocks,
                }
            })
            .collect();

        let nav = |slugs: Option<&Vec<String>>| -> Vec<NavItem> {
            let chosen: Vec<&Page> = match slugs.filter(|s| !s.is_empty()) {
                Some(slugs) => slugs
                    .iter()
                    .filter_map(|slug| pages.iter().find(|p| &p.slug == slug))
                    .collect(),
                None => pages.iter().collect(),
            };
            let mut items: Vec<NavItem> = Vec::new();
            for p in chosen {
                if items.iter().all(|i| i.slug != p.slug) {
                    items.push(NavItem {
                        slug: p.slug.clone(),
                        label: if p.path == "index.html" {
                            "Home".into()
                        } else {
                            p.title.clone()
                        },
                        href: p.href.clone(),
                    });
                }
            }
            items
        };
        let nav_primary = nav(info.map(|i| &i.primary_navigation));
        let nav_footer = nav(info.map(|i| &i.secondary_navigation));
        let personalities: Vec<&str> = input.personalities.iter().map(String::as_str).collect();
        Site {
            tokens: design_tokens(&layout, &personalities),
            name,
            tagline,
            description,
            layout,
            base_url,
            year: chrono::Datelike::year(&bp.updated_at),
            pages,
            nav_primary,
            nav_footer,
            business_type: input.business_type.map(str::to_string),
            form_action: options
                .form_action
                .clone()
                .unwrap_or_else(|| "#".to_string()),
            used_assets,
            home_href: links.home(),
        }
    }

    /// Where the home page is linked.
    pub(super) fn home_href(&self) -> &str {
        &self.home_href
    }
}

/// `src` as an absolute URL under the base.
fn absolute(base: &str, src: &str) -> String {
    if src.starts_with("http://") || src.starts_with("https://") {
        src.to_string()
    } else {
        format!("{base}{}", src.trim_start_matches('/'))
    }
}

/// The not-found page: a hero-like message and the way home.
pub(super) fn not_found_page(site: &Site) -> Page {
    let block = Block::new(
        "_not_found",
        json!({
            "heading": "This page could not be found",
            "body": "The address may be mistyped, or the page has moved.",
            "cta": {"label": format!("Go to the {} home page", site.name), "href": site.home_href()}
        }),
    );
    Page {
        slug: "404".into(),
        title: "Page not found".into(),
        page_type: "custom".into(),
        path: "404.html".into(),
        href: "404.html".into(),
        canonical: format!("{}404.html", site.base_url),
        meta_title: format!("Page not found · {}", site.name),
        meta_description: site.description.clone(),
        og_image: None,
        blocks: vec![PreparedBlock::builtin(block, 0)],
    }
}

/// The context `page.html` renders with.
pub(super) fn page_context(
    site: &Site,
    page: &Page,
    blocks: Vec<Value>,
    inline_css: Option<&str>,
) -> Value {
    let nav = |items: &[NavItem]| -> serde_json::Value {
        items
            .iter()
            .map(|i| json!({"label": i.label, "href": i.href, "current": i.slug == page.slug}))
            .collect()
    };
    let starts_with_hero = page.blocks.first().is_some_and(|b| b.heading_level == 1);
    let plain = json!({
        "site": site_json(site),
        "nav": {"primary": nav(&site.nav_primary), "footer": nav(&site.nav_footer)},
        "page": {
            "slug": page.slug,
            "title": page.title,
            "type": page.page_type,
            "path": page.path,
            "canonical": page.canonical,
            "meta_title": page.meta_title,
            "meta_description": page.meta_description,
            "og_image": page.og_image,
            "starts_with_hero": starts_with_hero,
        },
        "css_href": CSS_PATH,
    });
    minijinja::context! {
        blocks => blocks,
        json_ld => Value::from_safe_string(seo::json_ld(site, page)),
        inline_css => inline_css.map(|c| Value::from_safe_string(c.replace("</", "<\\/"))),
        ..Value::from(Serde(plain))
    }
}

/// The site settings every template sees as `site`.
pub(super) fn site_json(site: &Site) -> serde_json::Value {
    json!({
        "name": site.name,
        "tagline": site.tagline,
        "layout": site.layout,
        "lang": "en",
        "year": site.year,
        "home_href": site.home_href(),
        "form_action": site.form_action,
    })
}
