//! A minimal instance of a JSON schema, so that a host's declarative functions run offline.
//!
//! Strings are made from property names, numbers are 0 (or the minimum), enums take their first
//! value and arrays get the fewest items allowed (at least one). The result is meant to validate
//! against the schema for the schemas hosts write; it cannot satisfy every `pattern`.

use serde_json::{Map, Value, json};

/// How deep `$ref`s and nesting are followed; deeper parts become `null`.
const MAX_DEPTH: usize = 16;

/// A small value that fits `schema`.
pub(super) fn minimal(schema: &Value) -> Value {
    Walker { root: schema }.instance(schema, "value", 0)
}

struct Walker<'a> {
    root: &'a Value,
}

impl<'a> Walker<'a> {
    fn instance(&self, schema: &'a Value, name: &str, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let Some(s) = schema.as_object() else {
            // `true` or `{}` accept anything.
            return json!(words(name));
        };
        if let Some(target) = s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            return self.instance(target, name, depth + 1);
        }
        if let Some(v) = s.get("const") {
            return v.clone();
        }
        if let Some(v) = s.get("default") {
            return v.clone();
        }
        if let Some(first) = s
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        if let Some(variants) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
        {
            let pick = variants
                .iter()
                .find(|v| v.get("type") != Some(&json!("null")));
            if let Some(v) = pick.or(variants.first()) {
                return self.instance(v, name, depth + 1);
            }
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(m) = self.instance(part, name, depth + 1) {
                    merged.extend(m);
                }
            }
            return Value::Object(merged);
        }
        let kind = match s.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ if s.contains_key("properties") => "object",
            _ if s.contains_key("items") => "array",
            _ => "string",
        };
        match kind {
            "object" => {
                let mut out = Map::new();
                if let Some(props) = s.get("properties").and_then(Value::as_object) {
                    for (key, sub) in props {
                        out.insert(key.clone(), self.instance(sub, key, depth + 1));
                    }
                }
                Value::Object(out)
            }
            "array" => {
                let count = s
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                let item_name = singular(name);
                let items = s.get("items").unwrap_or(&Value::Bool(true));
                Value::Array(
                    (0..count)
                        .map(|_| self.instance(items, &item_name, depth + 1))
                        .collect(),
                )
            }
            "integer" => json!(lower_bound(s).ceil() as i64),
            "number" => json!(lower_bound(s)),
            "boolean" => json!(false),
            "null" => Value::Null,
            _ => json!(string_for(s, name)),
        }
    }

    /// A local reference (`#/$defs/x`, `#/definitions/x`).
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }
}

fn lower_bound(s: &Map<String, Value>) -> f64 {
    // 0 when the range allows it, otherwise the nearest bound.
    let min = s.get("minimum").and_then(Value::as_f64);
    let exclusive = s
        .get("exclusiveMinimum")
        .and_then(Value::as_f64)
        .map(|m| m + 1.0);
    let value = min.or(exclusive).map_or(0.0, |m| m.max(0.0));
    match s.get("maximum").and_then(Value::as_f64) {
        Some(max) if max < value => max,
        _ => value,
    }
}

fn string_for(s: &Map<String, Value>, name: &str) -> String {
    let mut text = match s.get("format").and_then(Value::as_str) {
        Some("email") => "name@example.com".to_string(),
        Some("date") => "1970-01-01".to_string(),
        Some("date-time") => "1970-01-01T00:00:00Z".to_string(),
        Some("time") => "00:00:00".to_string(),
        Some("uri" | "url" | "iri") => "https://example.com/".to_string(),
        Some("uuid") => "00000000-0000-0000-0000-000000000000".to_string(),
        _ => words(name),
    };
    if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
        while (text.chars().count() as u64) < min {
            text.push('.');
        }
    }
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
        text = text.chars().take(max as usize).collect();
    }
    text
}

/// `meta_title` → `Meta title`.
fn words(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Value".to_string(),
    }
}

/// `items` → `item`, for naming the members of an array.
fn singular(name: &str) -> String {
    name.strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| {
            name.strip_suffix('s')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_valid(schema: &Value) -> Value {
        let value = minimal(schema);
        let validator = jsonschema::draft202012::new(schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{value}: {errors:?}");
        value
    }

    #[test]
    fn instances_follow_the_schema() {
        let schema = json!({
            "type": "object",
            "required": ["keywords", "meta_title", "score", "tone", "published", "owner"],
            "properties": {
                "keywords": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                "meta_title": {"type": "string", "maxLength": 60},
                "score": {"type": "integer", "minimum": 3},
                "ratio": {"type": "number"},
                "tone": {"type": "string", "enum": ["warm", "formal"]},
                "published": {"type": "boolean"},
                "email": {"type": ["string", "null"], "format": "email"},
                "owner": {"$ref": "#/$defs/person"},
                "categories": {"type": "array", "items": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"name": {"type": "string", "minLength": 8}}}]}}
            },
            "$defs": {"person": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}
        });
        let v = assert_valid(&schema);
        assert_eq!(v["keywords"], json!(["Keyword", "Keyword"]));
        assert_eq!(v["meta_title"], "Meta title");
        assert_eq!(v["score"], 3);
        assert_eq!(v["ratio"], 0.0);
        assert_eq!(v["tone"], "warm");
        assert_eq!(v["published"], false);
        assert_eq!(v["email"], "name@example.com");
        assert_eq!(v["owner"], json!({"name": "Name"}));
        assert_eq!(v["categories"], json!([{"name": "Name...."}]));
    }

    #[test]
    fn scalars_and_unusual_roots() {
        assert_eq!(minimal(&json!({"type": "string"})), json!("Value"));
        assert_eq!(
            minimal(&json!({"type": "array", "items": {"type": "integer"}})),
            json!([0])
        );
        assert_eq!(minimal(&json!({"const": 5})), json!(5));
        assert_eq!(minimal(&json!(true)), json!("Value"));
        assert_valid(
            &json!({"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "object", "properties": {"b": {"type": "integer"}}}]}),
        );
        // A self-referencing schema stops at the depth bound instead of recursing forever.
        let recursive = json!({"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"});
        assert!(minimal(&recursive).is_object());
    }
}
