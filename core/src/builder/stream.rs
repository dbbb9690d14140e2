//! Runs as a [`futures_util::Stream`] of their events: what a Rust host iterates to show a site
//! taking shape (the site settings, then each page, token progress), ending with the outcome.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::sync::mpsc;

use super::SiteBuilder;
use crate::Result;
use crate::ai::engine::{RunOptions, RunOutcome};
use crate::model::Scope;
use crate::tasks::{Progress, ProgressCallback};

/// One item of a [`RunStream`].
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// A progress event, as the `on_progress` callback gets it ([`Progress::partial`] carries
    /// the site settings, a page or the token count in a streamed run).
    Progress(Progress),
    /// The run finished: the last item of a successful run.
    Done(RunOutcome),
}

/// The events of one run, in order. It ends after [`StreamEvent::Done`], or after one `Err`
/// when the run failed (with the same error `run` would return: nothing charged, the previous
/// structure intact).
///
/// The run is a task of its own: dropping the stream stops listening, not the run (it finishes
/// or fails cleanly). To stop it, cancel the [`RunOptions::cancel`] token.
#[derive(Debug)]
pub struct RunStream {
    events: mpsc::UnboundedReceiver<Result<StreamEvent>>,
}

impl futures_util::Stream for RunStream {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

impl SiteBuilder {
    /// [`SiteBuilder::run`] as a [`RunStream`] of its events. A callback in `opts.on_progress`
    /// still gets every event too. Must be called inside a tokio runtime (the run is spawned).
    pub fn run_stream(
        &self,
        function_name: &str,
        payload: Value,
        account_id: i64,
        mut opts: RunOptions,
    ) -> RunStream {
        let (tx, events) = mpsc::unbounded_channel();
        let host = opts.on_progress.take();
        let progress_tx = tx.clone();
        // Unbounded: the callback must not block the run; a run sends a few hundred events.
        let forward: ProgressCallback = Arc::new(move |p: &Progress| {
            if let Some(host) = &host {
                host(p);
            }
            let _ = progress_tx.send(Ok(StreamEvent::Progress(p.clone())));
        });
        opts.on_progress = Some(forward);
        let sb = self.clone();
        let name = function_name.to_owned();
        tokio::spawn(async move {
            let outcome = sb.run(&name, payload, account_id, opts).await;
            // Nobody listening any more is fine: the run is over either way.
            let _ = tx.send(outcome.map(StreamEvent::Done));
        });
        RunStream { events }
    }

    /// [`SiteBuilder::generate_structure`] as a [`RunStream`]: the site settings and each valid
    /// page arrive as [`crate::tasks::Partial`] events while the model writes, then
    /// [`StreamEvent::Done`] once the whole structure is validated and saved (one transaction,
    /// charged once).
    pub fn generate_structure_stream(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        opts: RunOptions,
    ) -> RunStream {
        let payload = super::generate::scoped_payload(scope, "blueprint_id", blueprint_id);
        self.run_stream("generate_site_structure", payload, scope.account_id, opts)
    }
}
