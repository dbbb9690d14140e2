//! Tasks handed to a queue: on record from the moment they are queued, their wait measured, and
//! metrics a host serves on `/metrics`.

use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use super::SiteBuilder;
use crate::tasks::{DEFAULT_STUCK_AFTER, QueueStatus, TaskQuery, TaskRecord, TaskStatus};
use crate::{Error, Result, telemetry};

/// Queued rows read at most per look (a queue this deep is a problem `doctor` already reports).
const QUEUE_SCAN_LIMIT: u32 = 100_000;

impl SiteBuilder {
    /// Records a task as `queued` before its message goes to a broker, so its id answers at once
    /// (status `queued`, function, account, payload, time) even while no worker runs. The worker's
    /// [`SiteBuilder::run`] with the same task id then claims it; a duplicate message finds it
    /// claimed and runs nothing. Checks the function and its input first: a bad call is an error
    /// here, not a failed job later. Queuing an existing id returns its row unchanged.
    pub async fn queue_task(
        &self,
        function_name: &str,
        payload: Value,
        account_id: i64,
        task_id: Option<String>,
    ) -> Result<TaskRecord> {
        if let Some(id) = &task_id {
            crate::model::check_task_id(id)?;
        }
        let f = self
            .engine
            .registry
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(function_name)?;
        f.validate(&payload)?;
        let task_id = task_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut record = TaskRecord::new(task_id.clone(), account_id, function_name, payload);
        record.message = "waiting for a worker".into();
        let (existing, _) = self.storage().insert_task(record).await?;
        if existing.account_id != account_id {
            return Err(Error::conflict(format!(
                "task id {task_id} belongs to another account; use a new task id"
            )));
        }
        Ok(existing)
    }

    /// How many tasks wait for a worker, for how long, and which wait longer than `stuck_after`.
    pub async fn queue_status(&self, stuck_after: Duration) -> Result<QueueStatus> {
        let queued = self
            .storage()
            .list_tasks(TaskQuery {
                status: Some(TaskStatus::Queued),
                limit: QUEUE_SCAN_LIMIT,
                ..TaskQuery::default()
            })
            .await?;
        let now = Utc::now();
        let wait = |t: &TaskRecord| (now - t.created_at).num_milliseconds().max(0) as f64 / 1000.0;
        let stuck_after_secs = stuck_after.as_secs_f64();
        // Listed newest first: the stuck ones are at the end.
        let stuck: Vec<&TaskRecord> = queued
            .iter()
            .rev()
            .filter(|t| wait(t) > stuck_after_secs)
            .collect();
        Ok(QueueStatus {
            queued: queued.len() as u64,
            oldest_wait_secs: queued.last().map(wait).unwrap_or(0.0),
            stuck_after_secs,
            stuck_count: stuck.len() as u64,
            stuck: stuck
                .iter()
                .take(QueueStatus::STUCK_SHOWN)
                .map(|t| t.task_id.clone())
                .collect(),
        })
    }

    /// Every metric in the Prometheus text format, for a host's `/metrics` endpoint: runs, phases,
    /// tokens, credits, task waiting time, and the queue's depth read from the task log now.
    /// Installs the library's Prometheus recorder on first use (install it earlier with
    /// [`telemetry::install_prometheus`] to count from the start); when the host installed a
    /// recorder of its own, the numbers go there and this returns the queue lines only.
    pub async fn metrics(&self) -> Result<String> {
        let handle = telemetry::install_prometheus().ok();
        let q = self.queue_status(DEFAULT_STUCK_AFTER).await?;
        telemetry::queue_depth(q.queued, q.oldest_wait_secs);
        Ok(match handle {
            Some(h) => h.render(),
            None => format!(
                "# TYPE {n} gauge\n{n} {}\n# TYPE {o} gauge\n{o} {}\n",
                q.queued,
                q.oldest_wait_secs,
                n = telemetry::TASKS_QUEUED,
                o = telemetry::OLDEST_QUEUED_SECONDS,
            ),
        })
    }
}
