//! Node.js binding of sitebuilder: the `sitebuilder` npm package's native part.
//!
//! Thin by design: catalogue operations all go through `SiteBuilder.call` (JSON both ways); the
//! modules here translate only what JSON cannot carry (options with callbacks, cancel handles,
//! bytes), and `error.rs` translates errors. No business logic lives here.

mod assets;
mod cancel;
mod error;
mod inputs;
mod runs;
mod site_builder;

use napi_derive::napi;

/// The stable error codes (`err.code`) the library can raise.
#[napi]
pub fn error_codes() -> Vec<String> {
    sitebuilder::ERROR_CODES
        .iter()
        .map(|c| (*c).to_string())
        .collect()
}

/// The core's operations catalogue as JSON text: names, positional arguments, HTTP routes and
/// JSON Schemas of every operation.
#[napi]
pub fn catalogue() -> String {
    sitebuilder::ops::catalogue_json().to_string()
}

/// The OpenAPI 3.1 document of the catalogue's HTTP routes, as JSON text (what the Django app
/// serves too).
#[napi]
pub fn openapi() -> String {
    sitebuilder::ops::openapi().to_string()
}

/// Version of the native library.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Test hook: throws the error a representative core failure with `code` becomes, so tests can
/// check the translation of every code, including those no call can provoke on a healthy machine.
#[napi(js_name = "__errorSample")]
pub fn error_sample(code: String) -> napi::Result<()> {
    match error::sample(&code) {
        Some(err) => Err(error::to_napi(err)),
        None => Err(error::invalid(format!("no sample for error code {code:?}"))),
    }
}
