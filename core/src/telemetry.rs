//! Metrics of AI runs, through the `metrics` facade, and a Prometheus rendering for hosts.
//!
//! The library only *emits* (cheap no-ops when the host installed no recorder). Hosts that want
//! numbers either install their own `metrics` recorder, or call [`install_prometheus`] once and
//! serve [`render_prometheus`] from their `/metrics` endpoint. Labels are bounded (function name,
//! phase, outcome, error code, provider label) — never account ids or task ids.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::{Error, Result};

/// Runs finished, by `function` and `outcome` (`success`, `failure`, `cancelled`) and `code`.
pub const RUNS_TOTAL: &str = "sitebuilder_ai_runs_total";
/// Seconds spent per phase, by `function` and `phase`.
pub const PHASE_SECONDS: &str = "sitebuilder_ai_phase_seconds";
/// Tokens, by `function` and `direction` (`input`, `output`).
pub const TOKENS_TOTAL: &str = "sitebuilder_ai_tokens_total";
/// Credits captured, by `function`.
pub const CREDITS_CHARGED_TOTAL: &str = "sitebuilder_credits_charged_total";
/// Credits held then given back after a failure, by `function`.
pub const CREDITS_RELEASED_TOTAL: &str = "sitebuilder_credits_released_total";
/// Seconds a queued task waited for a worker before it started, by `function`.
pub const TASK_WAIT_SECONDS: &str = "sitebuilder_task_wait_seconds";
/// Tasks queued and not yet started (set when metrics are rendered by [`crate::SiteBuilder::metrics`]).
pub const TASKS_QUEUED: &str = "sitebuilder_tasks_queued";
/// Age in seconds of the oldest task still waiting for a worker (0 when none waits).
pub const OLDEST_QUEUED_SECONDS: &str = "sitebuilder_tasks_oldest_queued_seconds";
/// Transport retries made by providers, by `provider`.
pub const PROVIDER_RETRIES_TOTAL: &str = "sitebuilder_provider_retries_total";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs a process-wide Prometheus recorder (once; later calls return the same handle).
/// Fails if the host already installed a different `metrics` recorder.
pub fn install_prometheus() -> Result<PrometheusHandle> {
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .install_recorder()
        .map_err(|e| Error::config(format!("cannot install the Prometheus recorder: {e}")))?;
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// The Prometheus text exposition of every metric, when [`install_prometheus`] was called.
pub fn render_prometheus() -> Option<String> {
    HANDLE.get().map(PrometheusHandle::render)
}

pub(crate) fn run_finished(function: &str, outcome: &'static str, code: &'static str) {
    metrics::counter!(RUNS_TOTAL, "function" => function.to_string(), "outcome" => outcome, "code" => code).increment(1);
}

pub(crate) fn phase_time(function: &str, phase: &'static str, spent: Duration) {
    metrics::histogram!(PHASE_SECONDS, "function" => function.to_string(), "phase" => phase)
        .record(spent.as_secs_f64());
}

pub(crate) fn task_waited(function: &str, waited: chrono::Duration) {
    let secs = waited.num_milliseconds().max(0) as f64 / 1000.0;
    metrics::histogram!(TASK_WAIT_SECONDS, "function" => function.to_string()).record(secs);
}

pub(crate) fn queue_depth(queued: u64, oldest_secs: f64) {
    metrics::gauge!(TASKS_QUEUED).set(queued as f64);
    metrics::gauge!(OLDEST_QUEUED_SECONDS).set(oldest_secs);
}

pub(crate) fn tokens(function: &str, input: u64, output: u64) {
    metrics::counter!(TOKENS_TOTAL, "function" => function.to_string(), "direction" => "input")
        .increment(input);
    metrics::counter!(TOKENS_TOTAL, "function" => function.to_string(), "direction" => "output")
        .increment(output);
}

pub(crate) fn credits_charged(function: &str, credits: i64) {
    metrics::counter!(CREDITS_CHARGED_TOTAL, "function" => function.to_string())
        .increment(credits.max(0) as u64);
}

pub(crate) fn credits_released(function: &str, credits: i64) {
    metrics::counter!(CREDITS_RELEASED_TOTAL, "function" => function.to_string())
        .increment(credits.max(0) as u64);
}

/// Counts provider transport retries (providers call this on each retry).
pub fn provider_retry(provider: &str) {
    metrics::counter!(PROVIDER_RETRIES_TOTAL, "provider" => provider.to_string()).increment(1);
}
