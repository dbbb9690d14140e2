//! Conversion of a block data schema to OpenAI's strict structured-output subset.
//!
//! Strict mode wants every object closed with every property listed in `required`; an optional
//! property becomes a union with `null`. It also ignores or rejects keywords outside its subset, so
//! those are dropped here: the full schema is still enforced by our own validation afterwards, the
//! strict form only has to steer the model's shape.

use serde_json::{Map, Value, json};

/// Keywords strict mode accepts per kind of schema (besides `type` and `description`).
const STRING_KEYWORDS: &[&str] = &["pattern", "enum", "const"];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "enum",
    "const",
];
const ARRAY_KEYWORDS: &[&str] = &["minItems", "maxItems"];
/// `format` values strict mode knows.
const FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];
/// Keywords with no strict equivalent: a schema using them cannot be converted faithfully.
const UNSUPPORTED: &[&str] = &[
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "prefixItems",
    "$ref",
    "$dynamicRef",
    "unevaluatedProperties",
];

/// The strict form of `schema`; `path` locates errors (`/properties/items`).
pub(super) fn to_strict(schema: &Value, path: &str) -> Result<Value, String> {
    let Some(s) = schema.as_object() else {
        return Err(format!(
            "{}: boolean schemas are not allowed; write an explicit schema",
            at(path)
        ));
    };
    if let Some(k) = UNSUPPORTED.iter().find(|k| s.contains_key(**k)) {
        return Err(format!(
            "{}: `{k}` is not supported; inline the schema without it",
            at(path)
        ));
    }
    let mut out = Map::new();
    if let Some(d) = s.get("description") {
        out.insert("description".into(), d.clone());
    }
    if let Some(variants) = s.get("anyOf").or_else(|| s.get("oneOf")) {
        let variants = variants
            .as_array()
            .ok_or_else(|| format!("{}: anyOf/oneOf must be an array", at(path)))?;
        let converted = variants
            .iter()
            .enumerate()
            .map(|(i, v)| to_strict(v, &format!("{path}/anyOf/{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        out.insert("anyOf".into(), Value::Array(converted));
        return Ok(Value::Object(out));
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => {
            for k in ["enum", "const"] {
                if let Some(v) = s.get(k) {
                    out.insert(k.into(), v.clone());
                    return Ok(Value::Object(out));
                }
            }
            return Err(format!(
                "{}: every schema needs a `type` in strict mode",
                at(path)
            ));
        }
    };
    out.insert("type".into(), s["type"].clone());
    if types.contains(&"object") {
        convert_object(s, path, &mut out)?;
    }
    if types.contains(&"array") {
        let items = s
            .get("items")
            .ok_or_else(|| format!("{}: arrays need an `items` schema", at(path)))?;
        out.insert("items".into(), to_strict(items, &format!("{path}/items"))?);
        copy(s, &mut out, ARRAY_KEYWORDS);
    }
    if types.contains(&"string") {
        copy(s, &mut out, STRING_KEYWORDS);
        if let Some(f) = s
            .get("format")
            .and_then(Value::as_str)
            .filter(|f| FORMATS.contains(f))
        {
            out.insert("format".into(), json!(f));
        }
    }
    if types.contains(&"number") || types.contains(&"integer") {
        copy(s, &mut out, NUMBER_KEYWORDS);
    }
    if types.contains(&"boolean") || types.contains(&"null") {
        copy(s, &mut out, &["enum", "const"]);
    }
    Ok(Value::Object(out))
}

fn convert_object(
    s: &Map<String, Value>,
    path: &str,
    out: &mut Map<String, Value>,
) -> Result<(), String> {
    let empty = Map::new();
    let props = match s.get("properties") {
        Some(Value::Object(p)) => p,
        None => &empty,
        Some(_) => return Err(format!("{}: `properties` must be an object", at(path))),
    };
    if props.is_empty() {
        return Err(format!(
            "{}: free-form objects cannot be carried in strict mode; list the object's `properties`",
            at(path)
        ));
    }
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut strict_props = Map::new();
    for (name, sub) in props {
        let converted = to_strict(sub, &format!("{path}/properties/{name}"))?;
        let converted = if required.contains(&name.as_str()) {
            converted
        } else {
            nullable(converted)
        };
        strict_props.insert(name.clone(), converted);
    }
    out.insert("additionalProperties".into(), Value::Bool(false));
    out.insert(
        "required".into(),
        Value::Array(props.keys().map(|k| json!(k)).collect()),
    );
    out.insert("properties".into(), Value::Object(strict_props));
    Ok(())
}

/// `schema` or `null`: scalars get `"null"` added to their type (and enum), structures and unions a
/// `{"type": "null"}` alternative.
fn nullable(mut schema: Value) -> Value {
    let scalar_type = match schema.get("type") {
        Some(Value::String(t)) if t != "object" && t != "array" => Some(vec![json!(t)]),
        Some(Value::Array(ts)) if !ts.iter().any(|t| t == "object" || t == "array") => {
            Some(ts.clone())
        }
        _ => None,
    };
    match scalar_type {
        Some(mut types) => {
            if !types.iter().any(|t| t == "null") {
                types.push(json!("null"));
            }
            schema["type"] = Value::Array(types);
            if let Some(Value::Array(values)) = schema.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
            schema
        }
        None => json!({"anyOf": [schema, {"type": "null"}]}),
    }
}

fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, keys: &[&str]) {
    for k in keys {
        if let Some(v) = from.get(*k) {
            to.insert((*k).to_string(), v.clone());
        }
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "schema root".to_string()
    } else {
        format!("schema{path}")
    }
}
