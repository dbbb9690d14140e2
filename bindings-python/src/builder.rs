//! The native `SiteBuilder`: one core handle per process, every method a [`Call`].
//!
//! The core handle owns a connection pool whose sockets a forked child shares with its parent, so
//! each process opens its own handle on first use (keyed by `std::process::id()`); the inherited
//! one is leaked, never dropped, because dropping it would talk to the parent's connections.
//! Declarative functions registered through this object are replayed onto every new handle.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serde_json::Value;
use sitebuilder::ops::CallContext;
use sitebuilder::tasks::ProgressCallback;
use sitebuilder::{AssetConfig, CancelToken, DeclarativeFunction, ProviderConfig, Scope};

use crate::call::{Call, Output};
use crate::cancel::{PyCancelToken, token_for};
use crate::convert;

#[derive(Debug)]
pub(crate) struct Config {
    database_url: Option<String>,
    /// As the Python provider classes send it (`to_native()`), straight into the core type.
    provider: ProviderConfig,
    table_prefix: String,
    auto_migrate: bool,
    pub(crate) assets: AssetConfig,
    /// Where `publish` puts `igny8_sites` sites, and how sites render (base URL, form action,
    /// template folder), passed through to the core builder.
    publish_url: Option<String>,
    render: sitebuilder::render::RenderOptions,
}

/// Shared by every call of one Python object.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: Config,
    handle: Mutex<Option<(u32, sitebuilder::SiteBuilder)>>,
    /// Declarative functions registered so far (the core type deserialises straight from Python).
    functions: Mutex<Vec<DeclarativeFunction>>,
}

impl Inner {
    /// The core handle of this process, opening it on first use and after a fork.
    pub(crate) async fn core(self: Arc<Self>) -> sitebuilder::Result<sitebuilder::SiteBuilder> {
        let pid = std::process::id();
        if let Some((owner, sb)) = self
            .handle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            && *owner == pid
        {
            return Ok(sb.clone());
        }
        let mut builder = sitebuilder::SiteBuilder::builder()
            .table_prefix(&self.config.table_prefix)
            .auto_migrate(self.config.auto_migrate)
            .asset_config(self.config.assets.clone())
            .render_options(self.config.render.clone())
            .provider(self.config.provider.clone());
        if let Some(url) = &self.config.publish_url {
            builder = builder.publish_url(url);
        }
        if let Some(url) = &self.config.database_url {
            builder = builder.database_url(url);
        }
        let sb = builder.build().await?;
        let functions = self
            .functions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for f in functions {
            sb.register_declarative(f)?;
        }
        let mut slot = self.handle.lock().unwrap_or_else(|p| p.into_inner());
        match slot.take() {
            Some((owner, existing)) if owner == pid => {
                // Another call of this process opened it first; keep theirs.
                *slot = Some((owner, existing.clone()));
                return Ok(existing);
            }
            Some((_, inherited)) => std::mem::forget(inherited),
            None => {}
        }
        *slot = Some((pid, sb.clone()));
        Ok(sb)
    }
}

pub(crate) fn json<T: Serialize>(value: T) -> sitebuilder::Result<Value> {
    serde_json::to_value(value).map_err(sitebuilder::Error::json("a result for Python"))
}

pub(crate) fn scope(account_id: i64, site_id: Option<i64>, sector_id: Option<i64>) -> Scope {
    Scope {
        account_id,
        site_id,
        sector_id,
    }
}

/// The asset settings: the core's defaults with what the host set.
fn asset_config(
    root: Option<PathBuf>,
    url: Option<String>,
    max_file_bytes: Option<u64>,
    account_quota_bytes: Option<u64>,
) -> AssetConfig {
    let defaults = AssetConfig::default();
    AssetConfig {
        root,
        url,
        max_file_bytes: max_file_bytes.unwrap_or(defaults.max_file_bytes),
        account_quota_bytes: account_quota_bytes.unwrap_or(defaults.account_quota_bytes),
        ..defaults
    }
}

/// The native engine handle. The public, typed API is `sitebuilder.SiteBuilder`, which wraps this.
#[pyclass(module = "sitebuilder._native", name = "SiteBuilder", frozen)]
#[derive(Debug)]
pub(crate) struct NativeSiteBuilder {
    pub(crate) inner: Arc<Inner>,
}

impl NativeSiteBuilder {
    /// A call that first gets this process's core handle.
    pub(crate) fn call<F, Fut>(&self, f: F) -> Call
    where
        F: FnOnce(sitebuilder::SiteBuilder) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = sitebuilder::Result<Value>> + Send + 'static,
    {
        self.output_call(move |sb| async move { f(sb).await.map(Output::Json) })
    }

    /// A call whose result is not (only) JSON.
    pub(crate) fn output_call<F, Fut>(&self, f: F) -> Call
    where
        F: FnOnce(sitebuilder::SiteBuilder) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = sitebuilder::Result<Output>> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        Call::plain(async move { f(inner.core().await?).await })
    }

    /// An AI run: reports progress to `on_progress` and stops when `cancel` is cancelled (also
    /// by asyncio cancellation and Ctrl-C, see `call`).
    fn run_call<F, Fut>(
        &self,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<&Bound<'_, PyCancelToken>>,
        f: F,
    ) -> Call
    where
        F: FnOnce(sitebuilder::SiteBuilder, Option<ProgressCallback>, CancelToken) -> Fut
            + Send
            + 'static,
        Fut: std::future::Future<Output = sitebuilder::Result<Value>> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let token = token_for(cancel);
        let run_token = token.clone();
        Call::new(
            on_progress,
            Box::new(move |cb| {
                Box::pin(async move {
                    f(inner.core().await?, cb, run_token)
                        .await
                        .map(Output::Json)
                })
            }),
        )
        .cancellable(token)
    }
}

#[pymethods]
impl NativeSiteBuilder {
    /// Stores the configuration; nothing is opened until the first call (see `open()`).
    #[new]
    #[pyo3(signature = (database_url=None, provider=None, table_prefix="igny8_", auto_migrate=true, asset_root=None, asset_url=None, max_file_bytes=None, account_quota_bytes=None, publish_url=None, render_options=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        database_url: Option<String>,
        provider: Option<&Bound<'_, PyAny>>,
        table_prefix: &str,
        auto_migrate: bool,
        asset_root: Option<PathBuf>,
        asset_url: Option<String>,
        max_file_bytes: Option<u64>,
        account_quota_bytes: Option<u64>,
        publish_url: Option<String>,
        render_options: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let render = match render_options {
            None => sitebuilder::render::RenderOptions::default(),
            Some(r) => convert::from_py(py, r, "render_options")?,
        };
        let provider = match provider {
            None => ProviderConfig::FromEnv,
            Some(p) => convert::from_py(py, p, "provider")?,
        };
        Ok(NativeSiteBuilder {
            inner: Arc::new(Inner {
                config: Config {
                    database_url,
                    provider,
                    table_prefix: table_prefix.to_string(),
                    auto_migrate,
                    assets: asset_config(
                        asset_root,
                        asset_url,
                        max_file_bytes,
                        account_quota_bytes,
                    ),
                    publish_url,
                    render,
                },
                handle: Mutex::new(None),
                functions: Mutex::new(Vec::new()),
            }),
        })
    }

    /// Opens this process's handle (connects, migrates when `auto_migrate`); returns the provider label.
    fn open(&self) -> Call {
        self.call(|sb| async move { json(sb.provider_label()) })
    }

    /// Process id that owns the open handle, or None before the first call.
    fn handle_pid(&self) -> Option<u32> {
        self.inner
            .handle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|(pid, _)| *pid)
    }

    /// Runs the catalogue operation `name` (`sitebuilder::ops`) with a JSON-shaped `request`;
    /// progress of AI runs goes to `on_progress`, `cancel` stops them. With `idempotency_key`, a
    /// retried write answers the first result instead of running (and charging) again.
    #[pyo3(name = "call", signature = (name, request, on_progress=None, cancel=None, idempotency_key=None))]
    fn call_op(
        &self,
        py: Python<'_>,
        name: String,
        request: &Bound<'_, PyAny>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<&Bound<'_, PyCancelToken>>,
        idempotency_key: Option<String>,
    ) -> PyResult<Call> {
        let request = convert::to_json(py, request, &name)?;
        Ok(self.run_call(
            on_progress,
            cancel,
            move |sb, on_progress, cancel| async move {
                let ctx = CallContext {
                    on_progress,
                    cancel: Some(cancel),
                };
                match idempotency_key {
                    Some(key) => sb.call_idempotent(&name, request, &key, ctx).await,
                    None => sb.call_with(&name, request, ctx).await,
                }
            },
        ))
    }

    /// Registers a declarative function on this process's handle and on every later one.
    fn register_function(&self, py: Python<'_>, spec: &Bound<'_, PyDict>) -> PyResult<Call> {
        let spec: DeclarativeFunction = convert::from_py(py, spec.as_any(), "function")?;
        let inner = Arc::clone(&self.inner);
        Ok(Call::plain(async move {
            let sb = Arc::clone(&inner).core().await?;
            sb.register_declarative(spec.clone())?;
            inner
                .functions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(spec);
            Ok(Output::Json(Value::Null))
        }))
    }
}
