//! A rubric for generated sites: does the structure fit the brief it was made from?
//!
//! The same rubric judges the offline planner (the quality suite in `tests/quality.rs`) and any
//! model's answer (the local-model bench), so "fits the business" is one definition in code, not a
//! judgement per run. [`assess`] reads only the brief and the structure; [`assess_with`] adds what
//! a human reader expects of a particular brief ([`Expectations`]).
//!
//! The rules, each a [`Check`] of the [`QualityReport`]:
//! - `name`: the site name is the business's (the name the brief gives, when it gives one), at
//!   most 60 characters, never instruction-like text.
//! - `goals`: every goal the brief states ([`crate::planner::goals::read`]) has a page or block
//!   serving it (orders → an order page with a form, calls → a `tel:` button, …).
//! - `fit`: no page or phrase that only fits another business (a table booking for a shop that
//!   is not a restaurant, demo and integrations pages for a non-software business, appeals for a
//!   business that is not a charity) unless the brief suggests it.
//! - `buttons`: every page has a main call to action; a target is always offered with the same
//!   label; a `tel:` button says it calls.
//! - `repetition`: at most 5 % of long copy strings (25 characters or more) appear more than
//!   once across the site.
//! - `placeholders`: facts nobody can know from a brief are marked one way, `[Add …]`; no
//!   template leftovers, lorem ipsum or TODOs, and never a placeholder in a heading or the name.
//! - `faq`: no question is asked twice across the site.

mod copy;
mod serving;

pub use copy::{
    CopyString, LONG_COPY, ToFill, copy_strings, filler, is_copy_key, markers, normalize,
    repetition, to_fill, to_fill_page, walk_copy,
};
pub use serving::serves;

use serde::{Deserialize, Serialize};

use crate::model::SiteStructure;
use crate::planner::goals::{self, Goal};
use crate::planner::{business_name, reads_as_instructions};

/// The most long copy that may repeat across a site, as a share of its long copy strings.
pub const MAX_REPEAT_SHARE: f64 = 0.05;

/// What a reader expects of the site for one brief, beyond what [`assess`] reads from the
/// brief itself. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Expectations {
    /// The site's exact name.
    pub name: Option<String>,
    /// Goals the site must serve.
    pub goals: Vec<Goal>,
    /// Clues each of which some page's slug or title must contain ("order", "catering").
    pub pages: Vec<String>,
    /// Clues no page's slug or title may contain.
    pub forbidden_pages: Vec<String>,
    /// Phrases no copy may contain (case-insensitive).
    pub forbidden_phrases: Vec<String>,
}

/// One rule's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The rule (`name`, `goals`, `fit`, `buttons`, `repetition`, `placeholders`, `faq`,
    /// `expected`).
    pub rule: &'static str,
    /// Whether the site passes it.
    pub passed: bool,
    /// What was found: the failure's evidence, or a short summary when it passed.
    pub detail: String,
}

/// The rubric's verdict on one site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityReport {
    /// Every rule's verdict, in the order of the module documentation.
    pub checks: Vec<Check>,
    /// Long copy strings (25 characters or more).
    pub long_copy: usize,
    /// Long copy strings whose text appears more than once.
    pub repeated: usize,
    /// The goals the brief states.
    pub goals: Vec<Goal>,
    /// Placeholders left for the owner.
    pub to_fill: Vec<ToFill>,
}

impl QualityReport {
    /// Whether every rule passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The rules that failed.
    pub fn failures(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| !c.passed).collect()
    }

    /// The share of long copy that repeats (0 when there is none).
    pub fn repeat_share(&self) -> f64 {
        if self.long_copy == 0 {
            0.0
        } else {
            self.repeated as f64 / self.long_copy as f64
        }
    }
}

fn check(rule: &'static str, problems: Vec<String>, ok: impl Into<String>) -> Check {
    Check {
        rule,
        passed: problems.is_empty(),
        detail: if problems.is_empty() {
            ok.into()
        } else {
            problems.join("; ")
        },
    }
}

/// Judges `structure` against what `brief` says (see the module documentation for the rules).
pub fn assess(brief: &str, structure: &SiteStructure) -> QualityReport {
    let strings = copy_strings(structure);
    let stated = goals::read(brief);
    let buttons = serving::buttons(structure);
    let mut checks = Vec::new();

    // name
    let name = structure.site.name.trim();
    let mut problems = Vec::new();
    if name.is_empty() || name.chars().count() > 60 {
        problems.push(format!(
            "name {name:?} is empty or longer than 60 characters"
        ));
    }
    if reads_as_instructions(name) {
        problems.push(format!("name {name:?} reads as instructions"));
    }
    if let Some(given) = business_name(brief)
        && !name.to_lowercase().contains(&given.to_lowercase())
    {
        problems.push(format!(
            "the brief names the business {given:?}, the site {name:?}"
        ));
    }
    checks.push(check("name", problems, format!("{name:?}")));

    // goals
    let missing: Vec<String> = stated
        .iter()
        .filter(|g| !serves(structure, **g))
        .map(|g| format!("nothing serves the goal {g:?}"))
        .collect();
    checks.push(check("goals", missing, format!("{stated:?} served")));

    // fit
    let brief_lower = format!(" {} ", brief.to_lowercase());
    let copy_lower: Vec<String> = strings.iter().map(|s| normalize(&s.text)).collect();
    let mut problems = Vec::new();
    for (what, pages, phrases, licence) in serving::LICENSED {
        if licence.iter().any(|c| brief_lower.contains(c)) {
            continue;
        }
        for page in &structure.pages {
            if serving::page_matches(page, pages) {
                problems.push(format!(
                    "page /{} is {what}, which the brief does not suggest",
                    page.slug
                ));
            }
        }
        for phrase in *phrases {
            let in_buttons = buttons
                .iter()
                .any(|(l, _, _)| l.to_lowercase().contains(phrase));
            if in_buttons || copy_lower.iter().any(|c| c.contains(phrase)) {
                problems.push(format!(
                    "{phrase:?} is {what}, which the brief does not suggest"
                ));
            }
        }
    }
    checks.push(check(
        "fit",
        problems,
        "no page or phrase of another business",
    ));

    // buttons
    let mut problems = Vec::new();
    for page in &structure.pages {
        if page.primary_cta.trim().is_empty() {
            problems.push(format!("/{} has no main call to action", page.slug));
        }
    }
    let mut by_href: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for (label, href, key) in &buttons {
        if key == "cta" {
            by_href.entry(href).or_default().insert(label);
        }
        if href.starts_with("tel:") {
            let l = label.to_lowercase();
            if !["call", "phone", "ring"].iter().any(|w| l.contains(w)) {
                problems.push(format!("the tel: button {label:?} does not say it calls"));
            }
        }
    }
    for (href, labels) in &by_href {
        if labels.len() > 1 {
            problems.push(format!("{href} is offered as {labels:?}"));
        }
    }
    checks.push(check(
        "buttons",
        problems,
        format!("{} buttons, consistent", buttons.len()),
    ));

    // repetition
    let (long, repeated, examples) = repetition(&strings);
    let share = if long == 0 {
        0.0
    } else {
        repeated as f64 / long as f64
    };
    let problems = if share > MAX_REPEAT_SHARE {
        vec![format!(
            "{repeated} of {long} long copy strings repeat ({:.0} %): {}",
            share * 100.0,
            examples.join(", ")
        )]
    } else {
        Vec::new()
    };
    checks.push(check(
        "repetition",
        problems,
        format!("{repeated} of {long} repeat"),
    ));

    // placeholders
    let mut problems = Vec::new();
    for s in &strings {
        if let Some(f) = filler(&s.text) {
            problems.push(format!("{} has filler ({f}): {:?}", s.at, s.text));
        }
        if s.key == "heading" && !markers(&s.text).is_empty() {
            problems.push(format!("{} puts a placeholder in a heading", s.at));
        }
    }
    for m in markers(&structure.site.name) {
        problems.push(format!("the site name holds a placeholder [{m}]"));
    }
    let fills = to_fill(structure);
    checks.push(check(
        "placeholders",
        problems,
        format!("{} marked placeholders", fills.len()),
    ));

    // faq
    let mut seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for s in strings.iter().filter(|s| s.key == "question") {
        if !seen.insert(normalize(&s.text)) {
            problems.push(format!("{:?} is asked twice ({})", s.text, s.at));
        }
    }
    checks.push(check(
        "faq",
        problems,
        format!("{} questions, none repeated", seen.len()),
    ));

    QualityReport {
        checks,
        long_copy: long,
        repeated,
        goals: stated,
        to_fill: fills,
    }
}

/// [`assess`] plus what a reader expects of this brief (the `expected` check).
pub fn assess_with(brief: &str, structure: &SiteStructure, expect: &Expectations) -> QualityReport {
    let mut report = assess(brief, structure);
    let mut problems = Vec::new();
    if let Some(name) = &expect.name
        && structure.site.name != *name
    {
        problems.push(format!("name {:?}, expected {name:?}", structure.site.name));
    }
    for goal in &expect.goals {
        if !serves(structure, *goal) {
            problems.push(format!("nothing serves the expected goal {goal:?}"));
        }
    }
    for clue in &expect.pages {
        let clue = clue.to_lowercase();
        if !structure
            .pages
            .iter()
            .any(|p| serving::page_matches(p, &[clue.as_str()]))
        {
            problems.push(format!("no page about {clue:?}"));
        }
    }
    for clue in &expect.forbidden_pages {
        let clue = clue.to_lowercase();
        for p in &structure.pages {
            if serving::page_matches(p, &[clue.as_str()]) {
                problems.push(format!("page /{} should not exist ({clue:?})", p.slug));
            }
        }
    }
    let all_copy: Vec<String> = copy_strings(structure)
        .iter()
        .map(|s| normalize(&s.text))
        .chain(
            serving::buttons(structure)
                .iter()
                .map(|(l, _, _)| normalize(l)),
        )
        .chain(std::iter::once(normalize(&structure.site.name)))
        .collect();
    for phrase in &expect.forbidden_phrases {
        let phrase = normalize(phrase);
        if let Some(hit) = all_copy.iter().find(|c| c.contains(&phrase)) {
            problems.push(format!("{phrase:?} appears: {hit:?}"));
        }
    }
    report
        .checks
        .push(check("expected", problems, "as expected"));
    report
}

#[cfg(test)]
mod tests;
