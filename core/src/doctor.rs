//! `doctor`: the seed's verification checklist, answered as data.
//!
//! Each check says what it looked at, whether it passed and, when it did not, the one thing to do.
//! Hosts add their own checks (broker reachable, worker running) with [`DoctorReport::push`].

use serde::{Deserialize, Serialize};

use crate::SiteBuilder;
use crate::model::OptionKind;
use crate::tasks::DEFAULT_STUCK_AFTER;

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
    /// The `queue` check: fails when a task has waited longer than `stuck_after` for a worker,
    /// which is what a queue with no live worker looks like from the task log.
    pub async fn queue_check(&self, stuck_after: std::time::Duration) -> DoctorCheck {
        let (ok, detail, fix) = match self.queue_status(stuck_after).await {
            Ok(q) if q.stuck_count == 0 => (
                true,
                format!(
                    "{} queued, none waiting longer than {}s",
                    q.queued, q.stuck_after_secs
                ),
                None,
            ),
            Ok(q) => (
                false,
                format!(
                    "{} of {} queued tasks waited longer than {}s for a worker (oldest {:.0}s): {}",
                    q.stuck_count,
                    q.queued,
                    q.stuck_after_secs,
                    q.oldest_wait_secs,
                    q.stuck.join(", ")
                ),
                Some("start a worker on this queue (`celery -A proj worker`, or a BullMQ worker from createWorker()); check that it uses the same broker and queue name".into()),
            ),
            Err(e) => (
                false,
                e.to_string(),
                Some("run `sitebuilder migrate`".into()),
            ),
        };
        DoctorCheck {
            name: "queue".into(),
            ok,
            detail,
            fix,
        }
    }

    /// Runs every check the library can answer: database reachable, migrations applied, option
    /// tables seeded, no task waiting for a worker longer than [`DEFAULT_STUCK_AFTER`], provider
    /// configured and answering. Never fails: problems are in the report.
    pub async fn doctor(&self) -> DoctorReport {
        self.doctor_with(DEFAULT_STUCK_AFTER).await
    }

    /// [`SiteBuilder::doctor`] with the wait after which a queued task counts as stuck.
    pub async fn doctor_with(&self, stuck_after: std::time::Duration) -> DoctorReport {
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
        if schema_ok {
            r.checks.push(self.queue_check(stuck_after).await);
            r.ok = r.checks.iter().all(|c| c.ok);
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

/// The `broker` check for a host that names its broker (`redis://host:port/db`, `amqp://…`): the
/// port accepts a connection within `timeout`, and a Redis answers `PING` (an authentication
/// error also proves it is there). Never fails: an unreachable broker is a failed check with
/// its fix.
pub async fn broker_check(url: &str, timeout: std::time::Duration) -> DoctorCheck {
    let (ok, detail) = match probe_broker(url, timeout).await {
        Ok(detail) => (true, detail),
        Err(detail) => (false, detail),
    };
    DoctorCheck {
        name: "broker".into(),
        ok,
        detail,
        fix: (!ok).then(|| {
            "start the broker (redis-server) or fix its URL; until it answers, queued work runs inline in the caller".into()
        }),
    }
}

async fn probe_broker(raw: &str, timeout: std::time::Duration) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let url = url::Url::parse(raw).map_err(|e| format!("broker URL {raw:?} is not a URL: {e}"))?;
    let scheme = url.scheme().to_string();
    let host = url.host_str().unwrap_or("127.0.0.1").to_string();
    let port = url.port().unwrap_or(match scheme.as_str() {
        "amqp" | "pyamqp" => 5672,
        "amqps" => 5671,
        _ => 6379,
    });
    let addr = format!("{host}:{port}");
    let talk = async {
        let mut stream = tokio::net::TcpStream::connect(&addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        if scheme != "redis" {
            return Ok(format!("{addr} accepts connections"));
        }
        stream
            .write_all(b"PING\r\n")
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let mut buf = [0u8; 64];
        let n = stream
            .read(&mut buf)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let answer = String::from_utf8_lossy(&buf[..n]).trim().to_string();
        if answer.starts_with("+PONG") || answer.starts_with("-NOAUTH") {
            Ok(format!("Redis at {addr} answers PING"))
        } else {
            Err(format!(
                "{addr} answered {answer:?} to PING: not a Redis server?"
            ))
        }
    };
    match tokio::time::timeout(timeout, talk).await {
        Ok(result) => result,
        Err(_) => Err(format!("{addr}: no answer within {timeout:?}")),
    }
}
