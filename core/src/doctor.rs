//! `doctor`: the seed's verification checklist, answered as data.
//!
//! Each check says what it looked at, whether it passed and, when it did not, the one thing to do.
//! Hosts add their own checks (broker reachable, worker running) with [`DoctorReport::push`].

use serde::{Deserialize, Serialize};

use crate::SiteBuilder;
use crate::model::OptionKind;

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoctorCheck {
    /// Short name (`database`, `migrations`, `options:business_types`, `provider`, …).
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to do when it failed.
    pub fix: Option<String>,
}

/// The whole checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoctorReport {
    /// True when every check passed.
    pub ok: bool,
    /// The checks, in order.
    pub checks: Vec<DoctorCheck>,
}

impl DoctorReport {
    /// Adds a check (hosts report broker and worker status this way).
    pub fn push(
        &mut self,
        name: impl Into<String>,
        ok: bool,
        detail: impl Into<String>,
        fix: Option<String>,
    ) {
        self.checks.push(DoctorCheck {
            name: name.into(),
            ok,
            detail: detail.into(),
            fix,
        });
        self.ok = self.checks.iter().all(|c| c.ok);
    }

    /// Human-readable lines, one per check.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            out.push_str(&format!(
                "[{}] {}: {}\n",
                if c.ok { "ok" } else { "FAIL" },
                c.name,
                c.detail
            ));
            if let (false, Some(fix)) = (c.ok, &c.fix) {
                out.push_str(&format!("       fix: {fix}\n"));
            }
        }
        out.push_str(if self.ok {
            "all checks passed\n"
        } else {
            "some checks failed\n"
        });
        out
    }
}

impl SiteBuilder {
    /// Runs every check the library can answer: database reachable, migrations applied, option
    /// tables seeded, provider configured and answering. Never fails: problems are in the report.
    pub async fn doctor(&self) -> DoctorReport {
        let mut r = DoctorReport {
            ok: true,
            checks: Vec::new(),
        };
        let storage = self.storage();
        match storage.ping().await {
            Ok(()) => r.push(
                "database",
                true,
                format!("{:?} reachable", storage.backend()),
                None,
            ),
            Err(e) => {
                r.push(
                    "database",
                    false,
                    e.to_string(),
                    Some(
                        "start the database or fix the database URL (sitebuilder --database-url …)"
                            .into(),
                    ),
                );
                return r;
            }
        }
        let mut schema_ok = false;
        match storage.migration_status().await {
            Ok(states) => {
                let pending: Vec<String> = states
                    .iter()
                    .filter(|m| !m.applied)
                    .map(|m| m.label())
                    .collect();
                let edited: Vec<String> = states
                    .iter()
                    .filter(|m| m.checksum_mismatch.is_some())
                    .map(|m| m.label())
                    .collect();
                let adopted = states.iter().filter(|m| m.adopted).count();
                if !edited.is_empty() {
                    r.push(
                        "migrations",
                        false,
                        format!("applied migrations differ from this library: {}", edited.join(", ")),
                        Some("restore the original schema or reconcile it by hand; never edit applied migrations".into()),
                    );
                } else if pending.is_empty() {
                    schema_ok = true;
                    let note = if adopted > 0 {
                        format!(" ({adopted} adopted from the seed's Django app)")
                    } else {
                        String::new()
                    };
                    r.push(
                        "migrations",
                        true,
                        format!("all {} applied{note}", states.len()),
                        None,
                    );
                } else {
                    r.push(
                        "migrations",
                        false,
                        format!("pending: {}", pending.join(", ")),
                        Some("run `sitebuilder migrate` or call migrate()".into()),
                    );
                }
            }
            Err(e) => r.push(
                "migrations",
                false,
                e.to_string(),
                Some("run `sitebuilder migrate`".into()),
            ),
        }
        if schema_ok {
            for kind in OptionKind::ALL {
                let name = format!("options:{}", kind.metadata_key());
                match storage.list_options(kind).await {
                    Ok(rows) if !rows.is_empty() => {
                        r.push(name, true, format!("{} active rows", rows.len()), None)
                    }
                    Ok(_) => r.push(
                        name,
                        false,
                        "no active rows: the wizard's dropdown would be empty".to_string(),
                        Some("re-run migrate() to insert the seed rows, or add options".into()),
                    ),
                    Err(e) => r.push(
                        name,
                        false,
                        e.to_string(),
                        Some("run `sitebuilder migrate`".into()),
                    ),
                }
            }
        }
        let label = self.provider_label();
        match self.provider().health_check().await {
            Ok(detail) => r.push("provider", true, format!("{label}: {detail}"), None),
            Err(e) => r.push(
                "provider",
                false,
                format!("{label}: {e}"),
                Some("check SITEBUILDER_AI_BASE_URL / SITEBUILDER_AI_API_KEY / SITEBUILDER_AI_MODEL, or unset them to use the offline planner".into()),
            ),
        }
        r
    }
}
