//! The block catalogue: which block types a page may use and what each one's `data` must hold.
//!
//! The catalogue is closed for the model (an unknown type or key is an error it is re-asked about)
//! and open for the host, whose renderer may know more types than the seed's sixteen. Every type's
//! `data` has a JSON schema (draft 2020-12) that is compiled once; the same schemas feed the prompt
//! text and, converted to OpenAI's strict subset, the `response_format` of the two generators.

pub mod coerce;
mod defaults;
mod strict;
pub mod validate;

use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value, json};

use crate::model::{Block, LAYOUTS, PageType};
use crate::{Error, Result};

/// One block type: its name, what it is for and the schema of its `data`.
#[derive(Clone, Debug)]
pub struct BlockType {
    name: String,
    description: String,
    schema: Value,
    strict: Value,
    validator: Arc<jsonschema::Validator>,
}

impl BlockType {
    /// The `type` value of blocks of this kind.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One line saying when to use it; it goes into prompts verbatim.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The JSON schema of the block's `data`, as registered.
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// The same schema in OpenAI strict form (every property required, optional ones nullable).
    pub fn strict_schema(&self) -> &Value {
        &self.strict
    }
}

/// The block types a site may use, in prompt order.
///
/// Cloning is cheap: compiled validators are shared.
#[derive(Clone, Debug)]
pub struct BlockCatalogue {
    types: Vec<BlockType>,
}

static DEFAULT_CATALOGUE: LazyLock<BlockCatalogue> = LazyLock::new(|| {
    let mut catalogue = BlockCatalogue { types: Vec::new() };
    for (name, description, schema) in defaults::default_types() {
        // The built-in schemas are fixed at compile time and covered by tests, so a failure here is
        // a bug in this file, not a condition a host can cause.
        catalogue
            .register(name, description, schema)
            .expect("built-in block schema must compile");
    }
    catalogue
});

impl Default for BlockCatalogue {
    /// The seed renderer's sixteen block types.
    fn default() -> Self {
        DEFAULT_CATALOGUE.clone()
    }
}

/// Names of the seed renderer's block types, in catalogue order.
pub const DEFAULT_BLOCK_TYPES: &[&str] = &[
    "hero",
    "text",
    "features",
    "testimonials",
    "services",
    "stats",
    "cta",
    "image",
    "video",
    "form",
    "faq",
    "quote",
    "grid",
    "card",
    "list",
    "accordion",
];

impl BlockCatalogue {
    /// A catalogue with no types, for hosts whose renderer shares nothing with the seed's.
    pub fn empty() -> Self {
        BlockCatalogue { types: Vec::new() }
    }

    /// Adds a host block type, or replaces the one with the same name (a host renderer may extend a
    /// default block). The schema must be a valid JSON schema for an object that strict structured
    /// output can carry: closed objects, inline sub-schemas, no `allOf`/`not`/conditionals.
    pub fn register(&mut self, name: &str, description: &str, schema: Value) -> Result<()> {
        check_name(name)?;
        let description = description.trim();
        if description.is_empty() || description.contains('\n') || description.chars().count() > 200
        {
            return Err(Error::invalid(format!(
                "block type {name:?}: the description must be one line of 1-200 characters; it is shown to the model"
            )));
        }
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            return Err(Error::invalid(format!(
                "block type {name:?}: the data schema must have \"type\": \"object\" at its root"
            )));
        }
        if let Err(e) = jsonschema::meta::validate(&schema) {
            return Err(Error::invalid(format!(
                "block type {name:?}: the data schema is not a valid JSON schema: {e} (at {})",
                e.instance_path()
            )));
        }
        let validator = jsonschema::draft202012::new(&schema).map_err(|e| {
            Error::invalid(format!(
                "block type {name:?}: the data schema does not compile: {e}"
            ))
        })?;
        let strict = strict::to_strict(&schema, "").map_err(|e| {
            Error::invalid(format!(
                "block type {name:?}: the data schema cannot be sent in strict structured-output mode: {e}"
            ))
        })?;
        let block_type = BlockType {
            name: name.to_string(),
            description: description.to_string(),
            schema,
            strict,
            validator: Arc::new(validator),
        };
        match self.types.iter_mut().find(|t| t.name == name) {
            Some(existing) => *existing = block_type,
            None => self.types.push(block_type),
        }
        Ok(())
    }

    /// The type called `name`.
    pub fn get(&self, name: &str) -> Option<&BlockType> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Whether `name` is a type of this catalogue.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every type, in prompt order.
    pub fn types(&self) -> &[BlockType] {
        &self.types
    }

    /// Type names, in prompt order.
    pub fn names(&self) -> Vec<&str> {
        self.types.iter().map(|t| t.name.as_str()).collect()
    }

    /// The types whose names are in `names` (unknown names are ignored), for a site whose renderer
    /// only supports some of them.
    pub fn subset<S: AsRef<str>>(&self, names: &[S]) -> BlockCatalogue {
        BlockCatalogue {
            types: self
                .types
                .iter()
                .filter(|t| names.iter().any(|n| n.as_ref() == t.name))
                .cloned()
                .collect(),
        }
    }

    /// Everything wrong with a block, as `data.items[0].title: …` messages; empty when valid.
    ///
    /// A `null` property counts as absent, which is how strict structured output writes an
    /// optional field the model left out.
    pub fn validate_block(&self, block: &Block) -> Vec<String> {
        let Some(block_type) = self.get(&block.block_type) else {
            return vec![format!(
                "unknown block type {:?}; use one of {}",
                block.block_type,
                self.names().join(", ")
            )];
        };
        if !block.data.is_object() {
            return vec![format!(
                "data: must be a JSON object with the {} fields, got {}",
                block_type.name,
                kind_of(&block.data)
            )];
        }
        let data = strip_nulls(block.data.clone());
        block_type
            .validator
            .iter_errors(&data)
            .map(|e| {
                let mut path = String::from("data");
                for segment in e.instance_path().segments() {
                    match segment {
                        jsonschema::paths::LocationSegment::Property(p) => {
                            path.push('.');
                            path.push_str(&p);
                        }
                        jsonschema::paths::LocationSegment::Index(i) => {
                            path.push_str(&format!("[{i}]"));
                        }
                    }
                }
                let mut message = e.to_string();
                if message.chars().count() > 300 {
                    message = message.chars().take(300).collect::<String>() + "…";
                }
                format!("{path}: {message}")
            })
            .collect()
    }

    /// The catalogue as compact prompt text: each type, when to use it and its data fields
    /// (`*` marks required fields).
    pub fn prompt_description(&self) -> String {
        let mut out = String::from(
            "Each block is {\"type\": <name>, \"data\": {…}}; data fields marked * are required, no other keys are allowed.\n",
        );
        for t in &self.types {
            out.push_str(&format!(
                "- {}: {} data: {}\n",
                t.name,
                t.description,
                describe_fields(&t.schema)
            ));
        }
        out
    }

    /// The strict JSON schema of a block of any catalogue type: `anyOf` one closed variant per type.
    pub fn block_output_schema(&self) -> Value {
        let variants: Vec<Value> = self
            .types
            .iter()
            .map(|t| {
                json!({
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["type", "data", "id", "variant", "locked"],
                    "properties": {
                        "type": {"type": "string", "enum": [t.name]},
                        "data": t.strict,
                        "id": {"type": ["string", "null"], "description": "Stable block id; null for new blocks."},
                        "variant": {"type": ["string", "null"], "description": "Visual variant for the renderer, or null."},
                        "locked": {"type": ["boolean", "null"], "description": "Keep as-is when regenerating; null means false."}
                    }
                })
            })
            .collect();
        json!({"anyOf": variants})
    }

    /// The strict `response_format` schema of a whole structure answer (`site` + `pages`).
    pub fn structure_output_schema(&self) -> Value {
        let page_types: Vec<&str> = PageType::ALL.iter().map(|t| t.as_str()).collect();
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["site", "pages"],
            "properties": {
                "site": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "tagline", "tone", "layout", "primary_navigation", "secondary_navigation", "hero_message"],
                    "properties": {
                        "name": {"type": "string"},
                        "tagline": {"type": "string"},
                        "tone": {"type": "string"},
                        "layout": {"type": "string", "enum": LAYOUTS},
                        "primary_navigation": {"type": "array", "items": {"type": "string"}, "description": "Page slugs of the main menu, home first."},
                        "secondary_navigation": {"type": "array", "items": {"type": "string"}, "description": "Page slugs of the footer menu."},
                        "hero_message": {"type": "string"}
                    }
                },
                "pages": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["slug", "title", "type", "objective", "primary_cta", "seo", "blocks"],
                        "properties": {
                            "slug": {"type": "string", "description": "lowercase-with-dashes; the home page is \"home\"."},
                            "title": {"type": "string"},
                            "type": {"type": "string", "enum": page_types},
                            "objective": {"type": "string"},
                            "primary_cta": {"type": "string"},
                            "seo": seo_schema(),
                            "blocks": {"type": "array", "items": self.block_output_schema()}
                        }
                    }
                }
            }
        })
    }

    /// The strict `response_format` schema of one page's content answer (`blocks` + `seo`).
    pub fn page_output_schema(&self) -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["blocks", "seo"],
            "properties": {
                "blocks": {"type": "array", "items": self.block_output_schema()},
                "seo": seo_schema()
            }
        })
    }
}

fn seo_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["meta_title", "meta_description"],
        "properties": {
            "meta_title": {"type": "string", "description": "At most 60 characters."},
            "meta_description": {"type": "string", "description": "At most 155 characters."}
        }
    })
}

/// Block type names are what renderers switch on: lowercase snake_case, 1-40 characters.
fn check_name(name: &str) -> Result<()> {
    let ok = (1..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('_')
        && !name.contains("__")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "block type name {name:?} is not valid: use lowercase snake_case (a-z, 0-9, single '_'), starting with a letter, at most 40 characters"
        )))
    }
}

/// Removes `null`-valued object properties at any depth (strict output's way of saying "absent").
pub(crate) fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// `null`, `a string`, … for messages about a value of the wrong kind.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `heading*, items*[{title*, description*}], cta{label*, href*}` from an object schema.
fn describe_fields(schema: &Value) -> String {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return "{}".to_string();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // Required fields first, in the schema's order, so the prompt reads like the renderer's intent.
    let mut names: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| props.contains_key(*r))
        .collect();
    names.extend(
        props
            .keys()
            .map(String::as_str)
            .filter(|k| !required.contains(k)),
    );
    let fields: Vec<String> = names
        .into_iter()
        .map(|name| {
            let star = if required.contains(&name) { "*" } else { "" };
            format!("{name}{star}{}", describe_shape(&props[name]))
        })
        .collect();
    fields.join(", ")
}

fn describe_shape(schema: &Value) -> String {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => format!("{{{}}}", describe_fields(schema)),
        Some("array") => match schema.get("items") {
            Some(items) if items.get("type").and_then(Value::as_str) == Some("object") => {
                format!("[{{{}}}]", describe_fields(items))
            }
            Some(items) => format!(
                "[{}]",
                items.get("type").and_then(Value::as_str).unwrap_or("any")
            ),
            None => "[]".to_string(),
        },
        Some("integer") | Some("number") => match (schema.get("minimum"), schema.get("maximum")) {
            (Some(lo), Some(hi)) => format!(" (number {lo}-{hi})"),
            _ => " (number)".to_string(),
        },
        Some("boolean") => " (true/false)".to_string(),
        _ => match schema.get("enum").and_then(Value::as_array) {
            Some(values) => format!(
                " ({})",
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("|")
            ),
            None => String::new(),
        },
    }
}

#[cfg(test)]
mod tests;
