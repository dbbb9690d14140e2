//! The operations catalogue: every capability of [`SiteBuilder`] defined once, as data.
//!
//! An operation is a serde request type (its doc comment is the operation's doc) implementing
//! [`Operation`]: its name, whether it only reads, its HTTP route under [`HTTP_PREFIX`], the
//! order of its positional arguments and its response type. Everything else follows from that one
//! definition: the facade's typed methods call the same code, [`SiteBuilder::call`] runs any of
//! them by name from JSON (the one generic path the Python and Node bindings use),
//! [`catalogue`] lists them at run time and [`catalogue_json`] exports them with JSON Schema for
//! requests and responses (the source of the bindings' stubs, parity tests and OpenAPI document).
//!
//! Adding an operation: a request struct with `#[derive(Deserialize, Serialize, JsonSchema)]` and
//! a doc comment, an `impl Operation` next to its kin, and one line in the `operations!` list below.

mod account;
mod admin;
mod content;
mod history;
mod runs;
mod site;

use std::future::Future;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub use account::*;
pub use admin::*;
pub use content::*;
pub use history::*;
pub use runs::*;
pub use site::*;

use crate::ai::cancel::CancelToken;
use crate::tasks::ProgressCallback;
use crate::{Error, Result, SiteBuilder};

/// Where every HTTP route of the catalogue lives (the seed's prefix).
pub const HTTP_PREFIX: &str = "/api/v1/site-builder/";

/// How an operation is served over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Http {
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// Path under [`HTTP_PREFIX`]; `{field}` segments are request fields. The other fields come
    /// from the query string (`GET`, `DELETE`) or the JSON body. Scope fields (`account_id`,
    /// `site_id`, `sector_id`) come from the authenticated user, never from the request.
    pub path: &'static str,
    /// Success status (`200`, `201` for creates, `204` for deletes).
    pub status: u16,
}

/// An HTTP route (a `const fn` so that [`Spec`]s stay constants).
pub(crate) const fn route(method: &'static str, path: &'static str, status: u16) -> Option<Http> {
    Some(Http {
        method,
        path,
        status,
    })
}

/// What a surface needs to know about an operation besides its types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// snake_case name: the Rust and Python method; Node uses its camelCase.
    pub name: &'static str,
    /// Whether it only reads (safe to retry, `GET` over HTTP).
    pub read_only: bool,
    /// Whether it changes the whole installation (credit grants, policy, catalogues,
    /// migrations): HTTP surfaces serve it to staff only.
    pub admin: bool,
    /// Positional arguments in order, by request field name; `"scope"` stands for
    /// `account_id` (+ `site_id`, `sector_id`), passed the same way on every surface. Every
    /// other field is an option (keyword in Python, trailing options object in Node).
    pub args: &'static [&'static str],
    /// Its HTTP route, if it is served over HTTP.
    pub http: Option<Http>,
}

/// What a caller can hand a running operation besides its JSON: where progress goes and how to
/// stop it (only AI runs use them).
#[derive(Clone, Default)]
pub struct CallContext {
    /// Receives progress events of AI runs.
    pub on_progress: Option<ProgressCallback>,
    /// Stops an AI run at its next check.
    pub cancel: Option<CancelToken>,
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("on_progress", &self.on_progress.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// One operation: its request type (this type), response type and [`Spec`].
pub trait Operation: DeserializeOwned + Serialize + JsonSchema + Send + 'static {
    /// What it answers.
    type Response: Serialize + JsonSchema + Send;
    /// Name, access, arguments and route.
    const SPEC: Spec;
    /// Whether it is an AI run a caller can watch as it happens: the bindings add a streaming
    /// method (`stream_<name>`, `stream<Name>`) and its HTTP route a `stream/` twin answering
    /// server-sent events (see [`openapi`]).
    const STREAMS: bool = false;
    /// Runs it.
    fn execute(
        self,
        sb: &SiteBuilder,
        ctx: CallContext,
    ) -> impl Future<Output = Result<Self::Response>> + Send;
}

/// An operation as listed at run time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpInfo {
    /// snake_case name.
    pub name: &'static str,
    /// Node's name: the camelCase of `name`.
    pub node_name: String,
    /// What it does (the request type's doc comment).
    pub doc: String,
    /// Whether it only reads.
    pub read_only: bool,
    /// Whether HTTP surfaces serve it to staff only.
    pub admin: bool,
    /// Positional arguments in order (`"scope"` = account, site, sector).
    pub args: &'static [&'static str],
    /// HTTP route, if served over HTTP.
    pub http: Option<Http>,
    /// Whether it is an AI run a caller can watch as it happens ([`Operation::STREAMS`]): a
    /// streaming method on every binding, and a `stream/` twin of its HTTP route.
    pub streams: bool,
    /// JSON Schema of the request.
    pub request: Value,
    /// JSON Schema of the response.
    pub response: Value,
}

impl OpInfo {
    fn of<O: Operation>() -> OpInfo {
        let request = serde_json::to_value(schemars::schema_for!(O)).unwrap_or(Value::Null);
        let response =
            serde_json::to_value(schemars::schema_for!(O::Response)).unwrap_or(Value::Null);
        let doc = request
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        OpInfo {
            name: O::SPEC.name,
            node_name: camel_case(O::SPEC.name),
            doc,
            read_only: O::SPEC.read_only,
            admin: O::SPEC.admin,
            args: O::SPEC.args,
            http: O::SPEC.http,
            streams: O::STREAMS,
            request,
            response,
        }
    }
}

/// `generate_all_pages` → `generateAllPages`.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

async fn run<O: Operation>(sb: &SiteBuilder, request: Value, ctx: CallContext) -> Result<Value> {
    let request: O = serde_json::from_value(request)
        .map_err(|e| Error::invalid(format!("{}: {e}", O::SPEC.name)))?;
    let response = request.execute(sb, ctx).await?;
    serde_json::to_value(response).map_err(Error::json(O::SPEC.name))
}

/// Lists the operations once; `catalogue` and `SiteBuilder::call` both follow from the list.
macro_rules! operations {
    ($($op:ty),+ $(,)?) => {
        /// Every operation, in a stable order.
        pub fn catalogue() -> Vec<OpInfo> {
            vec![$(OpInfo::of::<$op>()),+]
        }

        fn catalogue_spec(name: &str) -> Option<Spec> {
            $(if name == <$op as Operation>::SPEC.name {
                return Some(<$op as Operation>::SPEC);
            })+
            None
        }

        async fn dispatch(sb: &SiteBuilder, name: &str, request: Value, ctx: CallContext) -> Result<Value> {
            $(if name == <$op as Operation>::SPEC.name {
                return run::<$op>(sb, request, ctx).await;
            })+
            Err(Error::not_found("operation", name))
        }
    };
}

operations![
    // content
    GetMetadata,
    CreateBlueprint,
    GetBlueprint,
    ListBlueprints,
    UpdateBlueprint,
    DeleteBlueprint,
    CreatePage,
    GetPage,
    ListPages,
    UpdatePage,
    DeletePage,
    ReorderPages,
    // history and hand edits
    EditBlueprint,
    ListVersions,
    GetVersion,
    DiffVersions,
    RestoreVersion,
    // the rendered site
    RenderPage,
    ExportSite,
    Publish,
    Unpublish,
    ListDeployments,
    // AI runs and the task log
    GenerateStructure,
    GeneratePageContent,
    RegeneratePage,
    RegenerateBlock,
    GenerateAllPages,
    Run,
    Dispatch,
    Task,
    WaitTask,
    Stats,
    RecoverStale,
    QueueTask,
    QueueStatus,
    Metrics,
    // an account's credits and prompts
    Balance,
    GrantCredits,
    ListTransactions,
    ListUsage,
    SetPromptOverride,
    GetAssetUsage,
    ListAssets,
    DeleteAsset,
    // installation
    ListOptions,
    CreateOption,
    UpdateOption,
    GetCreditPolicy,
    SetCreditCost,
    FunctionNames,
    Doctor,
    Migrate,
    MigrationStatus,
];

/// The catalogue as one JSON document: `{"http_prefix", "operations": [...]}`, each operation
/// with its JSON Schema for request and response.
pub fn catalogue_json() -> Value {
    json!({ "http_prefix": HTTP_PREFIX, "operations": catalogue() })
}

/// The DRF list envelope around `results`; a keyset page also carries `next_after_id`.
fn envelope(results: Value, keyset: bool) -> Value {
    let mut properties = json!({
        "count": {"type": "integer"},
        "next": {"type": ["string", "null"]},
        "previous": {"type": ["string", "null"]},
        "results": results,
    });
    let mut required = vec!["count", "next", "previous", "results"];
    if keyset {
        properties["next_after_id"] = json!({"type": ["integer", "null"]});
        required.push("next_after_id");
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// An OpenAPI 3.1 document of every operation served over HTTP: both HTTP surfaces (the Django
/// app and the Node router) publish this same document. List answers are wrapped in the
/// `count/next/previous/results` envelope; scope fields come from the authenticated user.
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for op in catalogue() {
        let Some(http) = op.http else { continue };
        let path = format!("{HTTP_PREFIX}{}", http.path);
        let params: Vec<Value> = http
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                let schema = op.request["properties"][name].clone();
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        let mut params = params;
        let props = op.request["properties"].as_object();
        let scoped = |name: &str| matches!(name, "account_id" | "site_id" | "sector_id");
        if matches!(http.method, "GET" | "DELETE") {
            // Filters come from the query string; scope fields from the authenticated user.
            for (name, schema) in props.into_iter().flatten() {
                let in_path = http.path.contains(&format!("{{{name}}}"));
                if !in_path && !scoped(name) {
                    params.push(
                        json!({"name": name, "in": "query", "required": false, "schema": schema}),
                    );
                }
            }
        }
        if !op.read_only && props.is_some_and(|p| p.contains_key("account_id")) {
            params.push(json!({
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": IDEMPOTENCY_KEY_DOC,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }));
        }
        // Lists (an array, or a keyset page `{items, next_after_id, count}`) are answered in the
        // DRF envelope by both HTTP surfaces; the document says so.
        let keyset = op.response["properties"]["items"].is_object()
            && op.response["properties"].get("next_after_id").is_some();
        let body = match op.response.get("type").and_then(Value::as_str) {
            Some("array") => envelope(op.response.clone(), false),
            _ if keyset => {
                let mut results = op.response["properties"]["items"].clone();
                if let (Some(defs), Value::Object(map)) = (op.response.get("$defs"), &mut results) {
                    map.insert("$defs".into(), defs.clone());
                }
                envelope(results, true)
            }
            _ => op.response.clone(),
        };
        let mut operation = json!({
            "operationId": op.name,
            "summary": op.doc,
            "parameters": params,
            "responses": {
                http.status.to_string(): if http.status == 204 {
                    json!({"description": "Done; no content"})
                } else {
                    json!({"description": "OK", "content": {"application/json": {"schema": body}}})
                },
                "default": {
                    "description": "An error: {success: false, code, error, message, ...fields}",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        });
        if !matches!(http.method, "GET" | "DELETE") {
            operation["requestBody"] =
                json!({"content": {"application/json": {"schema": op.request}}});
        }
        if op.admin {
            operation["x-staff-only"] = json!(true);
        }
        if op.streams {
            paths.insert(format!("{path}stream/"), stream_route(&op, &operation));
        }
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[http.method.to_lowercase()] = operation;
    }
    // Routes answering HTML or a file rather than JSON (preview, export download).
    for (path, item) in site::openapi_routes() {
        paths.insert(path, item);
    }
    let mut paths = Value::Object(paths);
    let mut schemas = serde_json::Map::new();
    hoist_defs(&mut paths, &mut schemas);
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "sitebuilder", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object",
            "required": ["success", "code", "error", "message"],
            "properties": {
                "success": {"const": false},
                "code": {"type": "string", "description": "Stable error code (`sitebuilder::ERROR_CODES`, or the surface's own: not_authenticated, no_account, forbidden, method_not_allowed)."},
                "error": {"type": "string", "description": "What went wrong and what to do, for a person."},
                "message": {"type": "string", "description": "The same text as `error`."},
            },
        }}},
    });
    for (name, schema) in schemas {
        doc["components"]["schemas"][name] = schema;
    }
    doc
}

/// What a run's `stream/` route sends, for the OpenAPI document (both HTTP surfaces answer it).
const STREAM_DOC: &str = "Server-sent events while the run goes on. `event: progress`: a progress \
    event (task_id, phase, percent, message, current, total, and `partial` of kind `site` or \
    `tokens` when one arrived); `event: page`: a progress event whose `partial` is \
    `{kind: \"page\", index, page}`, one per page as soon as it is complete, in answer order; \
    `event: done`: the outcome (the plain route's answer), last; `event: error`: the error JSON \
    (`{success: false, code, error, message, ...}`) of a run that failed once it reached the \
    model, last. Comment lines (`: keep-alive`) come while the model is quiet. A client that \
    disconnects cancels the run: nothing is charged.";

/// The `stream/` twin of a run's route: the same parameters and body as `plain`, answered as
/// server-sent events; refusals before the model is asked are the plain route's JSON errors.
fn stream_route(op: &OpInfo, plain: &Value) -> Value {
    let mut operation = plain.clone();
    operation["operationId"] = json!(format!("stream_{}", op.name));
    operation["summary"] = json!(format!("{} Streamed: {STREAM_DOC}", op.doc));
    let status = plain["responses"]
        .as_object()
        .and_then(|r| r.keys().find(|k| k.as_str() != "default").cloned())
        .unwrap_or_else(|| "200".into());
    let mut responses = serde_json::Map::new();
    responses.insert(
        status,
        json!({
            "description": STREAM_DOC,
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }),
    );
    responses.insert(
        "default".into(),
        json!({
            "description": "Refused before the run reached the model (unknown record, missing credits, bad input): {success: false, code, error, message, ...fields}",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }),
    );
    operation["responses"] = Value::Object(responses);
    json!({ "post": operation })
}

/// Moves each operation schema's `$defs` into `defs` and points its `$ref`s there: inside one
/// OpenAPI document `#/$defs/X` would name the document's root, where nothing is.
fn hoist_defs(value: &mut Value, defs: &mut serde_json::Map<String, Value>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(found)) = map.remove("$defs") {
                for (name, mut schema) in found {
                    hoist_defs(&mut schema, defs);
                    defs.entry(name).or_insert(schema);
                }
            }
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(name) = target.strip_prefix("#/$defs/")
            {
                *target = format!("#/components/schemas/{name}");
            }
            for item in map.values_mut() {
                hoist_defs(item, defs);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| hoist_defs(item, defs)),
        _ => {}
    }
}

/// What the OpenAPI document says of the `Idempotency-Key` header of write routes.
const IDEMPOTENCY_KEY_DOC: &str = "Makes a retry safe: the first request with a key runs; a later \
    one with the same key and the same request answers the first status and body without running \
    or charging again. The same key with another request is 409 `conflict`. Keys belong to the \
    caller's account.";

impl SiteBuilder {
    /// Runs the operation `name` of the [`catalogue`] with a JSON request, answering JSON.
    ///
    /// The bindings' one generic path. An unknown name is [`Error::NotFound`]; a request that does
    /// not match the operation's schema is [`Error::InvalidInput`] naming the field.
    pub async fn call(&self, name: &str, request: Value) -> Result<Value> {
        dispatch(self, name, request, CallContext::default()).await
    }

    /// [`SiteBuilder::call`] with progress reporting and cancellation for AI runs.
    pub async fn call_with(&self, name: &str, request: Value, ctx: CallContext) -> Result<Value> {
        dispatch(self, name, request, ctx).await
    }

    /// [`SiteBuilder::call_with`] made safe to retry: the first call with `key` runs the
    /// operation, a later one with the same key and request answers the first result without
    /// running (or charging) anything again (see [`SiteBuilder::idempotent`]). Keys belong to the
    /// request's `account_id`; read-only operations need none and ignore it.
    pub async fn call_idempotent(
        &self,
        name: &str,
        request: Value,
        key: &str,
        ctx: CallContext,
    ) -> Result<Value> {
        if catalogue_spec(name).is_some_and(|spec| spec.read_only) {
            return dispatch(self, name, request, ctx).await;
        }
        let account_id = request
            .get("account_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "{name}: an idempotency key needs the request's account_id (keys are per account)"
                ))
            })?;
        let body = request.clone();
        self.idempotent(account_id, key, name, &body, || {
            dispatch(self, name, request, ctx)
        })
        .await
    }
}

#[cfg(test)]
mod tests;
