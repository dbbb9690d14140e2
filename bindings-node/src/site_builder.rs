//! The `SiteBuilder` class: one open library instance (database pool, provider, function registry).
//!
//! Every catalogue operation goes through the one generic [`SiteBuilder::call`] (JSON in, JSON
//! out); the package's `ops.js` builds the typed JavaScript methods on it from the catalogue. The
//! native methods here are only what JSON cannot carry: opening, progress callbacks and cancel
//! handles, synchronous registry calls, and byte uploads (`assets.rs`).

use napi_derive::napi;
use serde_json::Value;

use crate::error::{IntoNapi, invalid};
use crate::inputs::OpenOptions;
use crate::runs::{DeclarativeFunction, RunOptions, run_options};

/// An open sitebuilder: blueprints, pages, credits and AI runs over one database.
///
/// Create it with `await SiteBuilder.open({ databaseUrl, provider })`; it is cheap to share.
/// Failed calls reject with an `Error` whose `code` is one of `ERROR_CODES`.
#[napi]
#[derive(Debug)]
pub struct SiteBuilder {
    pub(crate) inner: sitebuilder::SiteBuilder,
}

#[napi]
impl SiteBuilder {
    /// Connects, applies pending migrations (unless `autoMigrate: false`) and sets up the provider.
    #[napi]
    pub async fn open(options: Option<OpenOptions>) -> napi::Result<SiteBuilder> {
        let options = options.unwrap_or_default();
        let mut builder = sitebuilder::SiteBuilder::builder();
        if let Some(url) = options.database_url {
            builder = builder.database_url(url);
        }
        if let Some(prefix) = options.table_prefix {
            builder = builder.table_prefix(prefix);
        }
        if let Some(auto) = options.auto_migrate {
            builder = builder.auto_migrate(auto);
        }
        if let Some(provider) = options.provider {
            builder = builder.provider(provider.try_into()?);
        }
        if let Some(assets) = options.assets {
            builder = builder.asset_config(assets.try_into()?);
        }
        if let Some(url) = options.publish_url {
            builder = builder.publish_url(url);
        }
        builder = builder.render_options(sitebuilder::render::RenderOptions {
            base_url: options.base_url,
            form_action: options.form_action,
            template_dir: options.template_dir.map(Into::into),
            layout: None,
        });
        let inner = builder.build().await.napi()?;
        Ok(SiteBuilder { inner })
    }

    /// Label of the configured provider (`offline`, `openai:<model>@<base url>`, …).
    #[napi(getter)]
    pub fn provider_label(&self) -> String {
        self.inner.provider_label()
    }

    /// Runs the catalogue operation `name` (`catalogue()`) with a JSON request and answers JSON
    /// text: the one generic path every typed method of the package is built on. `options` carries
    /// what JSON cannot: a progress callback and a cancel handle for AI runs, and the idempotency
    /// key of a write.
    #[napi]
    pub async fn call(
        &self,
        name: String,
        request: String,
        options: Option<RunOptions>,
    ) -> napi::Result<String> {
        let request: Value = serde_json::from_str(&request)
            .map_err(|e| invalid(format!("{name}: the request is not JSON: {e}")))?;
        let key = options.as_ref().and_then(|o| o.idempotency_key.clone());
        let options = run_options(options)?;
        let ctx = sitebuilder::ops::CallContext {
            on_progress: options.on_progress,
            cancel: options.cancel,
        };
        let answer = match key {
            Some(key) => self.inner.call_idempotent(&name, request, &key, ctx).await,
            None => self.inner.call_with(&name, request, ctx).await,
        }
        .napi()?;
        Ok(answer.to_string())
    }

    /// Sets what an operation costs from now on, in this process (default unit `per_request`).
    /// Synchronous, unlike the catalogue's other operations, because it only touches memory.
    #[napi(
        ts_args_type = "operation: string, credits: number, unit?: 'per_request' | 'per_100_words' | 'per_200_words' | 'per_item' | 'per_image'"
    )]
    pub fn set_credit_cost(
        &self,
        operation: String,
        credits: i64,
        unit: Option<String>,
    ) -> napi::Result<()> {
        let unit = unit.unwrap_or_else(|| "per_request".into());
        let unit = serde_json::from_value(Value::String(unit))
            .map_err(|e| invalid(format!("unit: {e}")))?;
        self.inner.set_credit_cost(&operation, credits, unit).napi()
    }

    /// Names of every registered AI function (synchronous: the registry is in memory).
    #[napi]
    pub fn function_names(&self) -> Vec<String> {
        self.inner.function_names()
    }

    /// Registers an AI function defined by a prompt and an output schema; `run` it by name.
    #[napi]
    pub fn register_function(&self, definition: DeclarativeFunction) -> napi::Result<()> {
        self.inner.register_declarative(definition.into()).napi()
    }
}
