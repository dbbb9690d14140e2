//! The theme: design tokens from the layout and the brand personality, exposed as CSS custom
//! properties in front of the shared and the layout stylesheet, and the small icon set.
//!
//! Every palette keeps text readable (WCAG AA): the primary colour carries white text and reads
//! as link text on the page and on the soft tint; the tests check the ratios.

use serde::{Deserialize, Serialize};

use super::templates::Templates;

const SANS: &str =
    "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif";
const SERIF: &str =
    "Georgia, \"Iowan Old Style\", \"Palatino Linotype\", \"Times New Roman\", serif";
const ROUNDED: &str = "ui-rounded, \"SF Pro Rounded\", \"Nunito\", system-ui, -apple-system, \"Segoe UI\", sans-serif";

/// A site's design decisions, each one a CSS custom property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignTokens {
    /// Buttons, links, accents that carry meaning (white text on it, readable on the page).
    pub primary: String,
    /// The primary colour for dark backgrounds (links in a dark layout).
    pub primary_light: String,
    /// Decorative highlights (rules, icon backgrounds); never carries text.
    pub accent: String,
    /// A light tint of the primary colour for alternate sections.
    pub soft: String,
    /// Page background.
    pub background: String,
    /// Cards and panels.
    pub surface: String,
    /// Body text.
    pub text: String,
    /// Secondary text.
    pub muted: String,
    /// Hairlines.
    pub border: String,
    /// Heading font stack.
    pub font_heading: String,
    /// Body font stack.
    pub font_body: String,
    /// Heading weight (600–800).
    pub heading_weight: u16,
    /// Ratio of the modular type scale (1.2–1.333).
    pub scale: f32,
    /// Spacing unit in rem; every gap is a multiple of it.
    pub space: f32,
    /// Corner radius in px.
    pub radius: u16,
}

struct Palette {
    primary: &'static str,
    primary_light: &'static str,
    accent: &'static str,
    soft: &'static str,
}

const BLUE: Palette = Palette {
    primary: "#1d4ed8",
    primary_light: "#93c5fd",
    accent: "#0ea5e9",
    soft: "#eff4ff",
};
const NAVY: Palette = Palette {
    primary: "#1f4e79",
    primary_light: "#9cc3e6",
    accent: "#2a9d8f",
    soft: "#edf3f9",
};
const PURPLE: Palette = Palette {
    primary: "#5b21b6",
    primary_light: "#c4b5fd",
    accent: "#f59e0b",
    soft: "#f4efff",
};
const TERRACOTTA: Palette = Palette {
    primary: "#a63a17",
    primary_light: "#fdba9b",
    accent: "#e9a23b",
    soft: "#fdf3ec",
};
const INK: Palette = Palette {
    primary: "#1c1917",
    primary_light: "#e7d9b8",
    accent: "#b08d3c",
    soft: "#f6f2ea",
};
const MAGENTA: Palette = Palette {
    primary: "#be185d",
    primary_light: "#f9a8d4",
    accent: "#facc15",
    soft: "#fdf0f6",
};
const TEAL: Palette = Palette {
    primary: "#0f6b63",
    primary_light: "#99e2d8",
    accent: "#f4a261",
    soft: "#eef8f5",
};
const GRAPHITE: Palette = Palette {
    primary: "#111827",
    primary_light: "#d1d5db",
    accent: "#2563eb",
    soft: "#f3f4f6",
};
const CRIMSON: Palette = Palette {
    primary: "#9f1239",
    primary_light: "#fda4af",
    accent: "#111827",
    soft: "#fbf1f3",
};
const ORANGE: Palette = Palette {
    primary: "#b93c0a",
    primary_light: "#fdba74",
    accent: "#0f766e",
    soft: "#fff4ec",
};

/// The tokens of a layout, tuned by the first brand personality the theme knows.
pub fn design_tokens(layout: &str, personalities: &[&str]) -> DesignTokens {
    let (palette, heading, body, weight, scale, space, radius) = match layout {
        "minimal" => (&GRAPHITE, SANS, SANS, 600, 1.25, 1.1, 4),
        "magazine" => (&CRIMSON, SERIF, SERIF, 700, 1.333, 1.0, 2),
        "ecommerce" => (&ORANGE, SANS, SANS, 700, 1.2, 0.95, 10),
        "portfolio" => (&PURPLE, SANS, SANS, 700, 1.333, 1.1, 4),
        "blog" => (&TEAL, SERIF, SERIF, 700, 1.25, 1.0, 6),
        "corporate" => (&NAVY, SANS, SANS, 700, 1.25, 1.0, 4),
        _ => (&BLUE, SANS, SANS, 700, 1.25, 1.0, 10),
    };
    let mut t = DesignTokens {
        primary: palette.primary.into(),
        primary_light: palette.primary_light.into(),
        accent: palette.accent.into(),
        soft: palette.soft.into(),
        background: "#ffffff".into(),
        surface: "#f7f7f8".into(),
        text: "#1a1d23".into(),
        muted: "#545b66".into(),
        border: "#e2e4e8".into(),
        font_heading: heading.into(),
        font_body: body.into(),
        heading_weight: weight,
        scale,
        space,
        radius,
    };
    if layout == "portfolio" {
        t.background = "#101012".into();
        t.surface = "#1b1b1f".into();
        t.text = "#f2f2f3".into();
        t.muted = "#b4b4bb".into();
        t.border = "#2e2e34".into();
    }
    let personality = personalities
        .iter()
        .map(|p| p.to_lowercase())
        .find_map(|p| {
            Some(match () {
                _ if p.contains("trusted") => (&NAVY, Some(SERIF), 700, 1.25, 8),
                _ if p.contains("bold") => (&PURPLE, None, 800, 1.333, 6),
                _ if p.contains("friendly") => (&TERRACOTTA, Some(ROUNDED), 700, 1.25, 14),
                _ if p.contains("premium") => (&INK, Some(SERIF), 600, 1.25, 2),
                _ if p.contains("playful") => (&MAGENTA, Some(ROUNDED), 800, 1.333, 18),
                _ if p.contains("analytical") => (&BLUE, None, 700, 1.2, 6),
                _ if p.contains("caring") => (&TEAL, Some(ROUNDED), 700, 1.25, 16),
                _ if p.contains("minimalist") => (&GRAPHITE, None, 600, 1.25, 2),
                _ => return None,
            })
        });
    if let Some((palette, heading, weight, scale, radius)) = personality {
        t.primary = palette.primary.into();
        t.primary_light = palette.primary_light.into();
        t.accent = palette.accent.into();
        t.soft = palette.soft.into();
        if let Some(h) = heading {
            t.font_heading = h.into();
        }
        t.heading_weight = weight;
        t.scale = scale;
        t.radius = radius;
    }
    t
}

impl DesignTokens {
    /// The `:root { --… }` rule.
    pub fn css(&self) -> String {
        let step = |n: i32| -> String {
            let size = self.scale.powi(n);
            if n >= 3 {
                // Large headings shrink on small screens instead of overflowing them.
                format!(
                    "clamp({:.3}rem, {:.3}rem + 2.4vw, {:.3}rem)",
                    size * 0.68,
                    size * 0.5,
                    size
                )
            } else {
                format!("{size:.3}rem")
            }
        };
        let space = |f: f32| format!("{:.3}rem", f * self.space);
        format!(
            ":root {{\n  --color-primary: {};\n  --color-primary-light: {};\n  --color-on-primary: #ffffff;\n  --color-accent: {};\n  --color-soft: {};\n  --color-bg: {};\n  --color-surface: {};\n  --color-text: {};\n  --color-muted: {};\n  --color-border: {};\n  --font-heading: {};\n  --font-body: {};\n  --heading-weight: {};\n  --step--1: {};\n  --step-0: 1rem;\n  --step-1: {};\n  --step-2: {};\n  --step-3: {};\n  --step-4: {};\n  --step-5: {};\n  --space-1: {};\n  --space-2: {};\n  --space-3: {};\n  --space-4: {};\n  --space-5: {};\n  --space-6: {};\n  --space-7: {};\n  --radius: {}px;\n  --radius-lg: {}px;\n  --max-width: 72rem;\n  --measure: 68ch;\n}}\n",
            self.primary,
            self.primary_light,
            self.accent,
            self.soft,
            self.background,
            self.surface,
            self.text,
            self.muted,
            self.border,
            self.font_heading,
            self.font_body,
            self.heading_weight,
            format_args!("{:.3}rem", 1.0 / self.scale),
            step(1),
            step(2),
            step(3),
            step(4),
            step(5),
            space(0.25),
            space(0.5),
            space(1.0),
            space(1.5),
            space(2.5),
            space(4.0),
            space(6.0),
            self.radius,
            self.radius * 2,
        )
    }
}

/// The site's stylesheet: tokens, the shared rules, then the layout's.
pub(super) fn stylesheet(templates: &Templates, layout: &str, tokens: &DesignTokens) -> String {
    let mut css = tokens.css();
    for name in [
        "css/base.css".to_string(),
        format!("css/layouts/{layout}.css"),
    ] {
        if let Some(text) = templates.text(&name, layout) {
            css.push('\n');
            css.push_str(&text);
        }
    }
    css
}

/// Icon paths (24×24, stroked) by the names the block schemas suggest.
const ICONS: &[(&[&str], &str)] = &[
    (
        &["calendar", "booking", "date", "schedule"],
        "<rect x=\"3\" y=\"5\" width=\"18\" height=\"16\" rx=\"2\"/><path d=\"M3 10h18M8 3v4M16 3v4\"/>",
    ),
    (
        &["shield", "security", "safe", "trust"],
        "<path d=\"M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z\"/><path d=\"M9 12l2 2 4-4\"/>",
    ),
    (
        &["leaf", "eco", "organic", "nature", "fresh"],
        "<path d=\"M5 19c0-8 5-14 15-14 0 10-6 15-14 15\"/><path d=\"M5 19l8-8\"/>",
    ),
    (
        &["chart", "growth", "analytics", "data"],
        "<path d=\"M4 20V4M4 20h16\"/><path d=\"M8 16l4-5 3 3 5-6\"/>",
    ),
    (
        &["star", "quality", "award", "rating"],
        "<path d=\"M12 3l2.8 5.8 6.2.9-4.5 4.4 1 6.3L12 17.5 6.5 20.4l1-6.3L3 9.7l6.2-.9z\"/>",
    ),
    (
        &["heart", "care", "love", "health"],
        "<path d=\"M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.5-7 10-7 10z\"/>",
    ),
    (
        &["clock", "time", "hours", "fast"],
        "<circle cx=\"12\" cy=\"12\" r=\"9\"/><path d=\"M12 7v5l3 2\"/>",
    ),
    (
        &["phone", "call", "support"],
        "<path d=\"M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z\"/>",
    ),
    (
        &["map", "pin", "location", "local"],
        "<path d=\"M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12z\"/><circle cx=\"12\" cy=\"9\" r=\"2.5\"/>",
    ),
    (
        &["mail", "email", "message", "newsletter"],
        "<rect x=\"3\" y=\"5\" width=\"18\" height=\"14\" rx=\"2\"/><path d=\"M3 7l9 6 9-6\"/>",
    ),
    (
        &["users", "team", "people", "community"],
        "<circle cx=\"9\" cy=\"8\" r=\"3.5\"/><path d=\"M2.5 20a6.5 6.5 0 0 1 13 0\"/><path d=\"M16 4.5a3.5 3.5 0 0 1 0 7M18 14a6.5 6.5 0 0 1 3.5 6\"/>",
    ),
    (
        &["truck", "delivery", "shipping"],
        "<path d=\"M3 6h11v10H3zM14 10h4l3 3v3h-7z\"/><circle cx=\"7\" cy=\"18\" r=\"2\"/><circle cx=\"17\" cy=\"18\" r=\"2\"/>",
    ),
    (
        &["gift", "offer", "reward"],
        "<rect x=\"3\" y=\"9\" width=\"18\" height=\"12\" rx=\"1\"/><path d=\"M3 13h18M12 9v12M12 9c-2-4-6-4-6-1.5S10 9 12 9zm0 0c2-4 6-4 6-1.5S14 9 12 9z\"/>",
    ),
    (
        &["home", "house", "property"],
        "<path d=\"M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z\"/>",
    ),
    (
        &["tool", "wrench", "repair", "service"],
        "<path d=\"M14.5 5.5a4 4 0 0 0 5 5L12 18l-3 3-3-3 3-3 7.5-7.5a4 4 0 0 1-2-2z\"/>",
    ),
    (
        &["coffee", "cup", "cafe", "drink", "food", "bread"],
        "<path d=\"M4 9h13v5a6 6 0 0 1-6 6h-1a6 6 0 0 1-6-6z\"/><path d=\"M17 11h1.5a2.5 2.5 0 0 1 0 5H17M8 3v3M12 3v3\"/>",
    ),
];

/// Default icon: a check in a circle.
const CHECK: &str = "<circle cx=\"12\" cy=\"12\" r=\"9\"/><path d=\"M8 12.5l2.5 2.5L16 9.5\"/>";

/// `icon("calendar")` in templates: an inline, decorative SVG (hidden from screen readers).
pub(super) fn icon(name: Option<String>) -> minijinja::Value {
    let name = name.unwrap_or_default().to_lowercase();
    let paths = ICONS
        .iter()
        .find(|(names, _)| names.iter().any(|n| name.contains(n)))
        .map_or(CHECK, |(_, p)| p);
    minijinja::Value::from_safe_string(format!(
        "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.8\" stroke-linecap=\"round\" stroke-linejoin=\"round\" aria-hidden=\"true\" focusable=\"false\">{paths}</svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
        let channel = |shift: u32| {
            let c = f64::from((v >> shift) & 0xff) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn every_layout_and_personality_keeps_text_readable() {
        let personalities = [
            "",
            "Trusted Advisor",
            "Bold Visionary",
            "Friendly Neighbour",
            "Premium & Refined",
            "Playful Creative",
            "Analytical Expert",
            "Caring & Compassionate",
            "Minimalist Modern",
        ];
        for layout in crate::model::LAYOUTS {
            for p in personalities {
                let t = design_tokens(layout, &[p]);
                let at = format!("{layout}/{p}");
                assert!(contrast(&t.text, &t.background) >= 7.0, "{at} text");
                assert!(contrast(&t.muted, &t.background) >= 4.5, "{at} muted");
                assert!(
                    contrast(&t.muted, &t.surface) >= 4.5,
                    "{at} muted on surface"
                );
                assert!(contrast("#ffffff", &t.primary) >= 4.5, "{at} on primary");
                assert!(contrast(&t.primary, &t.soft) >= 4.5, "{at} primary on soft");
                assert!(
                    contrast(&t.text, &t.soft) >= 7.0 || *layout == "portfolio",
                    "{at} text on soft"
                );
                if *layout == "portfolio" {
                    assert!(
                        contrast(&t.primary_light, &t.background) >= 4.5,
                        "{at} link on dark"
                    );
                    assert!(
                        contrast(&t.primary_light, &t.surface) >= 4.5,
                        "{at} link on dark surface"
                    );
                } else {
                    assert!(contrast(&t.primary, &t.background) >= 4.5, "{at} link");
                    assert!(
                        contrast(&t.primary, &t.surface) >= 4.5,
                        "{at} link on surface"
                    );
                }
            }
        }
    }

    #[test]
    fn tokens_become_custom_properties() {
        let css = design_tokens("blog", &["Friendly Neighbour"]).css();
        assert!(css.contains("--color-primary: #a63a17;"), "{css}");
        assert!(css.contains("--radius: 14px;"));
        assert!(css.contains("--step-5: clamp("));
    }

    #[test]
    fn unknown_icons_fall_back_to_a_check() {
        assert!(icon(Some("Calendar".into())).to_string().contains("rect"));
        assert!(icon(None).to_string().contains("M8 12.5"));
    }
}
