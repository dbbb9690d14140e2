//! The AI task log of the in-memory store.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::store::traits::TaskLog;
use crate::store::traits::TaskStats;
use crate::tasks::{TaskQuery, TaskRecord, TaskStatus};
use crate::{Error, Result};
use async_trait::async_trait;

/// Task rows in insertion order, with an index by task id.
#[derive(Debug, Default)]
pub(super) struct TaskTable {
    rows: Vec<TaskRecord>,
    by_id: HashMap<String, usize>,
}

impl TaskTable {
    /// Inserts a row unless the task id exists; then returns the existing row and `false`.
    pub(super) fn insert(&mut self, record: TaskRecord) -> (TaskRecord, bool) {
        if let Some(&i) = self.by_id.get(&record.task_id) {
            return (self.rows[i].clone(), false);
        }
        self.by_id.insert(record.task_id.clone(), self.rows.len());
        self.rows.push(record.clone());
        (record, true)
    }

    /// `from` → running when the row is the account's and still in `from`.
    pub(super) fn claim(&mut self, account_id: i64, task_id: &str, from: TaskStatus) -> bool {
        let Some(&i) = self.by_id.get(task_id) else {
            return false;
        };
        let row = &mut self.rows[i];
        if row.account_id != account_id || row.status != from {
            return false;
        }
        let now = Utc::now();
        row.status = TaskStatus::Running;
        row.started_at = Some(now);
        row.updated_at = now;
        true
    }

    pub(super) fn update(&mut self, record: &TaskRecord) -> Result<()> {
        let i = *self
            .by_id
            .get(&record.task_id)
            .ok_or_else(|| Error::not_found("task", &record.task_id))?;
        self.rows[i] = record.clone();
        Ok(())
    }

    pub(super) fn get(&self, account_id: Option<i64>, task_id: &str) -> Result<TaskRecord> {
        self.by_id
            .get(task_id)
            .map(|&i| &self.rows[i])
            .filter(|r| account_id.is_none_or(|a| r.account_id == a))
            .cloned()
            .ok_or_else(|| Error::not_found("task", task_id))
    }

    /// Matching rows, newest first (by creation time, then insertion order).
    pub(super) fn list(&self, q: &TaskQuery) -> Vec<TaskRecord> {
        let limit = if q.limit == 0 { 500 } else { q.limit as usize };
        let mut rows: Vec<(usize, &TaskRecord)> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| q.account_id.is_none_or(|a| r.account_id == a))
            .filter(|(_, r)| {
                q.function_name
                    .as_deref()
                    .is_none_or(|f| r.function_name == f)
            })
            .filter(|(_, r)| q.status.is_none_or(|s| r.status == s))
            .filter(|(_, r)| q.since.is_none_or(|s| r.created_at >= s))
            .filter(|(_, r)| q.updated_before.is_none_or(|t| r.updated_at < t))
            .collect();
        rows.sort_by(|(ia, a), (ib, b)| (b.created_at, ib).cmp(&(a.created_at, ia)));
        rows.into_iter()
            .take(limit)
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Finished runs created since `since`, counted per function (ordered by function name).
    pub(super) fn stats(&self, since: DateTime<Utc>) -> Vec<TaskStats> {
        let mut out: BTreeMap<&str, TaskStats> = BTreeMap::new();
        for r in self
            .rows
            .iter()
            .filter(|r| r.status.is_finished() && r.created_at >= since)
        {
            let s = out.entry(&r.function_name).or_insert_with(|| TaskStats {
                function_name: r.function_name.clone(),
                ..TaskStats::default()
            });
            s.finished += 1;
            match r.status {
                TaskStatus::Succeeded => s.succeeded += 1,
                TaskStatus::Cancelled => s.cancelled += 1,
                _ => {
                    let code = r
                        .error_code
                        .clone()
                        .unwrap_or_else(|| "unknown".to_string());
                    *s.failed_by_code.entry(code).or_insert(0) += 1;
                }
            }
        }
        out.into_values().collect()
    }
}

#[async_trait]
impl TaskLog for MemoryStore {
    async fn insert_task(&self, record: TaskRecord) -> Result<(TaskRecord, bool)> {
        Ok(self.lock().tasks.insert(record))
    }

    async fn claim_task(&self, account_id: i64, task_id: &str, from: TaskStatus) -> Result<bool> {
        Ok(self.lock().tasks.claim(account_id, task_id, from))
    }

    async fn update_task(&self, record: &TaskRecord) -> Result<()> {
        self.lock().tasks.update(record)
    }

    async fn get_task(&self, account_id: Option<i64>, task_id: &str) -> Result<TaskRecord> {
        self.lock().tasks.get(account_id, task_id)
    }

    async fn list_tasks(&self, query: TaskQuery) -> Result<Vec<TaskRecord>> {
        Ok(self.lock().tasks.list(&query))
    }

    async fn task_stats(&self, since: DateTime<Utc>) -> Result<Vec<TaskStats>> {
        Ok(self.lock().tasks.stats(since))
    }
}
