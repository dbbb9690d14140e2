use serde_json::{Value, json};

use super::*;

/// Fails unless `schema` keeps strict mode's rules everywhere: every object closed with every
/// property required, and only keywords of the strict subset.
pub(crate) fn assert_strict(schema: &Value, path: &str) {
    const ALLOWED: &[&str] = &[
        "type",
        "description",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    ];
    let s = schema
        .as_object()
        .unwrap_or_else(|| panic!("{path}: not an object schema"));
    for key in s.keys() {
        assert!(
            ALLOWED.contains(&key.as_str()),
            "{path}: keyword {key} is not in the strict subset"
        );
    }
    let is_object = match s.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => false,
    };
    if is_object {
        assert_eq!(
            s.get("additionalProperties"),
            Some(&json!(false)),
            "{path}: not closed"
        );
        let props = s["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{path}: no properties"));
        let required: Vec<&str> = s["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: no required"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for (name, sub) in props {
            assert!(
                required.contains(&name.as_str()),
                "{path}: {name} not required"
            );
            assert_strict(sub, &format!("{path}.{name}"));
        }
        assert_eq!(
            required.len(),
            props.len(),
            "{path}: required lists unknown properties"
        );
    }
    if let Some(items) = s.get("items") {
        assert_strict(items, &format!("{path}[]"));
    }
    if let Some(Value::Array(variants)) = s.get("anyOf") {
        for (i, v) in variants.iter().enumerate() {
            assert_strict(v, &format!("{path}|{i}"));
        }
    }
}

fn block(kind: &str, data: Value) -> Block {
    Block::new(kind, data)
}

#[test]
fn default_catalogue_has_the_seed_renderers_sixteen_types() {
    let c = BlockCatalogue::default();
    assert_eq!(c.names(), DEFAULT_BLOCK_TYPES);
    for t in c.types() {
        assert!(jsonschema::meta::is_valid(t.schema()), "{}", t.name());
        assert_eq!(
            t.schema()["additionalProperties"],
            json!(false),
            "{}",
            t.name()
        );
        assert!(!t.description().is_empty());
    }
}

#[test]
fn good_data_passes_for_every_type() {
    let c = BlockCatalogue::default();
    let cta = json!({"label": "Book a table", "href": "/reservations"});
    let samples = [
        (
            "hero",
            json!({"heading": "Fresh pasta daily", "subheading": "Made by hand.", "cta": cta, "image": {"alt": "Chef rolling pasta", "prompt": "Chef at work"}}),
        ),
        (
            "text",
            json!({"heading": "Our story", "body": "Since the start.\n\nStill here."}),
        ),
        (
            "features",
            json!({"heading": "Why us", "items": [{"title": "Fast", "description": "Quick setup.", "icon": "bolt"}]}),
        ),
        (
            "testimonials",
            json!({"items": [{"quote": "Great.", "author": "Ana", "role": "Guest"}]}),
        ),
        (
            "services",
            json!({"heading": "Services", "items": [{"title": "Cleaning", "description": "Twice a year.", "cta": cta}]}),
        ),
        (
            "stats",
            json!({"items": [{"value": "12", "label": "years"}]}),
        ),
        ("cta", json!({"heading": "Hungry?", "cta": cta})),
        (
            "image",
            json!({"image": {"alt": "Dining room"}, "caption": "Our room"}),
        ),
        (
            "video",
            json!({"description": "A tour of the kitchen", "url": "https://example.com/v.mp4"}),
        ),
        (
            "form",
            json!({"heading": "Book", "purpose": "booking", "fields": [{"name": "email", "label": "Email", "type": "email", "required": true}], "submit_label": "Send"}),
        ),
        (
            "faq",
            json!({"items": [{"question": "Parking?", "answer": "Street parking nearby."}]}),
        ),
        ("quote", json!({"quote": "Cook what you love."})),
        (
            "grid",
            json!({"columns": 3, "items": [{"title": "Starters", "description": "Small plates."}]}),
        ),
        (
            "card",
            json!({"heading": "Gift cards", "body": "Give a dinner."}),
        ),
        (
            "list",
            json!({"ordered": true, "items": ["Choose", "Book", "Enjoy"]}),
        ),
        (
            "accordion",
            json!({"items": [{"title": "Allergens", "body": "Ask us."}]}),
        ),
    ];
    assert_eq!(samples.len(), 16);
    for (kind, data) in samples {
        let errors = c.validate_block(&block(kind, data));
        assert!(errors.is_empty(), "{kind}: {errors:?}");
    }
}

#[test]
fn bad_data_is_reported_with_paths() {
    let c = BlockCatalogue::default();
    let errors = c.validate_block(&block("hero", json!({"subheading": "x"})));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("data: ") && errors[0].contains("heading"),
        "{errors:?}"
    );

    let errors = c.validate_block(&block(
        "features",
        json!({"heading": "H", "items": [{"title": "T", "description": "D", "colour": "red"}]}),
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("data.items[0]: ") && errors[0].contains("colour"),
        "{errors:?}"
    );

    let errors = c.validate_block(&block("form", json!({"heading": "F", "fields": [{"name": "Email Address", "label": "E", "type": "phone", "required": true}], "submit_label": "Go"})));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("data.fields[0].name")));
    assert!(errors.iter().any(|e| e.starts_with("data.fields[0].type")));

    let errors = c.validate_block(&block("list", json!({"items": []})));
    assert!(errors[0].starts_with("data.items"), "{errors:?}");
    let errors = c.validate_block(&block("text", json!("just text")));
    assert!(errors[0].contains("must be a JSON object"), "{errors:?}");
    let errors = c.validate_block(&block("carousel", json!({})));
    assert!(
        errors[0].contains("unknown block type \"carousel\"") && errors[0].contains("hero, text")
    );
}

#[test]
fn nulls_count_as_absent() {
    let c = BlockCatalogue::default();
    let data = json!({"heading": "H", "subheading": null, "cta": null, "secondary_cta": null, "image": {"alt": "A", "src": null, "prompt": null}});
    assert!(c.validate_block(&block("hero", data)).is_empty());
    // A required field that is null is still missing.
    assert_eq!(
        c.validate_block(&block("hero", json!({"heading": null})))
            .len(),
        1
    );
}

#[test]
fn register_accepts_host_types_and_rejects_bad_ones() {
    let mut c = BlockCatalogue::default();
    let pricing = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["plans"],
        "properties": {
            "heading": {"type": "string"},
            "plans": {"type": "array", "minItems": 1, "items": {
                "type": "object", "additionalProperties": false, "required": ["name", "price"],
                "properties": {"name": {"type": "string"}, "price": {"type": "string"}, "features": {"type": "array", "items": {"type": "string"}}}
            }}
        }
    });
    c.register("pricing", "Plans side by side with their prices.", pricing)
        .expect("valid type");
    assert!(c.contains("pricing"));
    assert_eq!(c.types().len(), 17);
    assert!(
        c.validate_block(&block(
            "pricing",
            json!({"plans": [{"name": "Basic", "price": "€9"}]})
        ))
        .is_empty()
    );
    assert_eq!(
        c.validate_block(&block("pricing", json!({"plans": [{"name": "Basic"}]})))
            .len(),
        1
    );
    assert!(
        c.prompt_description()
            .contains("- pricing: Plans side by side")
    );

    let object = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    for bad in ["Pricing", "logo-cloud", "9lives", "", "a__b", "team_"] {
        let err = c.register(bad, "d", object.clone()).expect_err(bad);
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("snake_case"), "{err}");
    }
    c.register("logo_cloud", "Logos of clients.", object.clone())
        .expect("snake case is fine");
    let cases = [
        (json!({"type": "string"}), "\"type\": \"object\""),
        (
            json!({"type": "object", "properties": {"a": {"type": "strin"}}}),
            "not a valid JSON schema",
        ),
        (
            json!({"type": "object", "properties": {"a": {"minLength": -1, "type": "string"}}}),
            "not a valid JSON schema",
        ),
        (json!({"type": "object"}), "free-form objects"),
        (
            json!({"type": "object", "properties": {"a": {"allOf": [{"type": "string"}]}}}),
            "`allOf` is not supported",
        ),
    ];
    for (schema, expected) in cases {
        let err = c
            .register("team", "People.", schema.clone())
            .expect_err("bad schema");
        assert!(err.to_string().contains(expected), "{schema}: {err}");
    }
    let err = c
        .register("team", "", object)
        .expect_err("empty description");
    assert!(err.to_string().contains("description"));
    assert!(!c.contains("team"));
}

#[test]
fn output_schemas_satisfy_strict_mode_and_are_valid_schemas() {
    let mut c = BlockCatalogue::default();
    c.register(
        "team",
        "People of the business.",
        json!({"type": "object", "additionalProperties": false, "required": ["members"], "properties": {
            "members": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "maxLength": 80}, "role": {"type": "string", "enum": ["staff", "lead"]},
                "email": {"type": "string", "format": "email"}, "site": {"type": "string", "format": "uri"}}}}
        }}),
    )
    .expect("team");
    for (name, schema) in [
        ("structure", c.structure_output_schema()),
        ("page", c.page_output_schema()),
    ] {
        assert!(jsonschema::meta::is_valid(&schema), "{name}");
        assert_strict(&schema, name);
        assert_eq!(schema["type"], "object", "strict mode needs an object root");
    }
    let team = c.get("team").expect("team").strict_schema();
    let member = &team["properties"]["members"]["items"];
    assert_eq!(
        member["properties"]["role"]["enum"],
        json!(["staff", "lead", null])
    );
    assert_eq!(member["properties"]["email"]["format"], "email");
    assert!(
        member["properties"]["site"].get("format").is_none(),
        "uri is not a strict format"
    );
    assert!(member["properties"]["name"].get("maxLength").is_none());
    let hero = c.get("hero").expect("hero").strict_schema();
    assert_eq!(
        hero["properties"]["cta"]["anyOf"][1],
        json!({"type": "null"})
    );
}

#[test]
fn a_strict_style_answer_validates_against_the_output_schema() {
    let c = BlockCatalogue::default();
    let answer = json!({
        "blocks": [
            {"type": "hero", "id": null, "variant": "split", "locked": null, "data": {
                "heading": "Care that fits your life", "subheading": null,
                "cta": {"label": "Book", "href": "/appointments"}, "secondary_cta": null,
                "image": {"alt": "Doctor with patient", "src": null, "prompt": "Calm consultation room"}}},
            {"type": "list", "id": null, "variant": null, "locked": null, "data": {"heading": null, "ordered": null, "items": ["One"]}}
        ],
        "seo": {"meta_title": "Clinic", "meta_description": "Care."}
    });
    let validator = jsonschema::draft202012::new(&c.page_output_schema()).expect("compiles");
    let errors: Vec<String> = validator
        .iter_errors(&answer)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let wrong = json!({"blocks": [{"type": "hero", "id": null, "variant": null, "locked": null, "data": {"heading": "x"}}], "seo": {"meta_title": "", "meta_description": ""}});
    assert!(
        !validator.is_valid(&wrong),
        "strict variants require every key"
    );
}

#[test]
fn prompt_description_lists_every_type_and_its_fields() {
    let c = BlockCatalogue::default();
    let text = c.prompt_description();
    for name in DEFAULT_BLOCK_TYPES {
        assert!(text.contains(&format!("\n- {name}: ")), "{name}");
    }
    assert!(text.contains("data: heading*, cta{label*, href*}, image{alt*, prompt, src}, secondary_cta{label*, href*}, subheading\n"), "{text}");
    assert!(text.contains("items*[{question*, answer*}]"), "{text}");
    assert!(text.contains("columns (number 2-4)"), "{text}");
    assert!(
        text.contains("type* (text|email|tel|textarea|select|date|time|number|checkbox)"),
        "{text}"
    );
}

#[test]
fn subset_keeps_only_named_types() {
    let c = BlockCatalogue::default().subset(&["hero", "cta", "nope"]);
    assert_eq!(c.names(), ["hero", "cta"]);
    assert_eq!(BlockCatalogue::empty().names().len(), 0);
}

/// (object properties, deepest object nesting, characters of property names and enum values).
fn strict_size(schema: &Value, depth: usize) -> (usize, usize, usize) {
    let mut props = 0;
    let mut deepest = 0;
    let mut chars = 0;
    let is_object = schema.get("properties").is_some();
    let here = depth + usize::from(is_object);
    deepest = deepest.max(here);
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        for (name, sub) in p {
            props += 1;
            chars += name.len();
            let (a, b, c) = strict_size(sub, here);
            props += a;
            deepest = deepest.max(b);
            chars += c;
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        chars += values
            .iter()
            .filter_map(Value::as_str)
            .map(str::len)
            .sum::<usize>();
    }
    for key in ["items"] {
        if let Some(sub) = schema.get(key) {
            let (a, b, c) = strict_size(sub, here);
            props += a;
            deepest = deepest.max(b);
            chars += c;
        }
    }
    if let Some(variants) = schema.get("anyOf").and_then(Value::as_array) {
        for v in variants {
            let (a, b, c) = strict_size(v, here);
            props += a;
            deepest = deepest.max(b);
            chars += c;
        }
    }
    (props, deepest, chars)
}

#[test]
fn output_schemas_stay_within_openai_strict_limits() {
    // Documented limits of structured outputs: 5000 object properties, 10 levels of nesting,
    // 15000 characters of property names and enum values.
    let c = BlockCatalogue::default();
    for schema in [c.structure_output_schema(), c.page_output_schema()] {
        let (props, depth, chars) = strict_size(&schema, 0);
        assert!(props <= 5000, "{props} properties");
        assert!(depth <= 10, "{depth} levels");
        assert!(chars <= 15000, "{chars} characters");
    }
    let (props, depth, _) = strict_size(&c.structure_output_schema(), 0);
    assert!(
        props > 100 && depth >= 5,
        "the measure sees the whole schema: {props} properties, {depth} levels"
    );
}
