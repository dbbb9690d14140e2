use serde_json::{Value, json};

use super::{Repair, parse_lenient};

/// A structure answer as a model writes it (shape of `generate_site_structure`).
const STRUCTURE: &str = r#"{
  "site": {
    "name": "Harbor Street Bakery",
    "tagline": "Sourdough, slow mornings & \"real\" butter",
    "tone": "warm",
    "layout": "default",
    "primary_navigation": ["home", "menu", "about", "contact"],
    "secondary_navigation": [],
    "hero_message": "Bread baked before sunrise — since 1998.\nCome early."
  },
  "pages": [
    {
      "slug": "home",
      "title": "Home",
      "type": "home",
      "objective": "Bring people into the shop",
      "primary_cta": "Visit us",
      "seo": {"meta_title": "Harbor Street Bakery", "meta_description": "Fresh bread daily \u00e9t\u00e9 \ud83e\udd50"},
      "blocks": [
        {"type": "hero", "data": {"heading": "Fresh every morning", "subheading": "Open 7–14", "cta": {"label": "Menu", "href": "/menu"}}},
        {"type": "stats", "data": {"items": [{"label": "Loaves a day", "value": 420}, {"label": "Rating", "value": 4.8}, {"label": "Delta", "value": -1.5e-3}]}},
        {"type": "faq", "data": {"items": [{"q": "Gluten free?", "a": "Some days."}], "open": true, "note": null}}
      ]
    },
    {
      "slug": "contact",
      "title": "Contact",
      "type": "contact",
      "objective": "Take orders",
      "primary_cta": "Call",
      "seo": {"meta_title": "Contact", "meta_description": "Find us"},
      "blocks": [{"type": "form", "data": {"fields": ["name", "email", "message"], "locked": false}}]
    }
  ]
}"#;

/// The numbers of [`STRUCTURE`] as written there.
const NUMBERS_AS_WRITTEN: &[&str] = &["420", "4.8", "-1.5e-3"];

fn structure() -> Value {
    serde_json::from_str(STRUCTURE).expect("the fixture is strict JSON")
}

fn repairs_of(text: &str) -> (Value, Vec<Repair>) {
    let parsed = parse_lenient(text).unwrap_or_else(|e| panic!("{e}\n--- input:\n{text}"));
    (parsed.value, parsed.repairs)
}

#[test]
fn strict_json_takes_the_fast_path_with_no_repair() {
    let parsed = parse_lenient(STRUCTURE).expect("strict");
    assert_eq!(parsed.value, structure());
    assert!(parsed.repairs.is_empty());
    assert!(!parsed.is_repaired());
    assert_eq!(parse_lenient("  42 ").expect("scalar").value, json!(42));
}

#[test]
fn code_fence_is_stripped() {
    let (v, r) = repairs_of(&format!("```json\n{STRUCTURE}\n```"));
    assert_eq!(v, structure());
    assert_eq!(r, [Repair::StrippedCodeFence]);
    // No language tag, no newline at the end, JSON on the fence line.
    let (v, r) = repairs_of("```{\"a\": 1}```");
    assert_eq!(v, json!({"a": 1}));
    assert_eq!(r, [Repair::StrippedCodeFence]);
    // A fence that is never closed (the answer was cut after the JSON).
    let (v, r) = repairs_of("```json\n[1, 2]\n");
    assert_eq!(v, json!([1, 2]));
    assert_eq!(r, [Repair::StrippedCodeFence]);
}

#[test]
fn nested_fences_and_fences_inside_strings() {
    let text = "````markdown\n```json\n{\"code\": \"```js\\nlet a = [1];\\n```\"}\n```\n````";
    let (v, r) = repairs_of(text);
    assert_eq!(v, json!({"code": "```js\nlet a = [1];\n```"}));
    assert_eq!(r, [Repair::StrippedCodeFence]);
}

#[test]
fn prose_before_and_after() {
    let text = format!(
        "Sure! Here is the structure you asked for:\n\n```json\n{STRUCTURE}\n```\n\nLet me know if you want changes [or more pages]."
    );
    let (v, r) = repairs_of(&text);
    assert_eq!(v, structure());
    assert_eq!(r, [Repair::StrippedCodeFence, Repair::ExtractedFromProse]);

    let (v, r) = repairs_of("The answer is {\"a\": [1, 2]} — enjoy.");
    assert_eq!(v, json!({"a": [1, 2]}));
    assert_eq!(r, [Repair::ExtractedFromProse]);

    // Brackets in the prose are skipped; the larger value after them wins.
    let (v, r) =
        repairs_of("Use {placeholders} and see [1]. Result: {\"pages\": [{\"slug\": \"home\"}]}");
    assert_eq!(v, json!({"pages": [{"slug": "home"}]}));
    assert_eq!(r, [Repair::ExtractedFromProse]);

    // Trailing prose only.
    let (v, r) = repairs_of("[true, false]\nThat is all.");
    assert_eq!(v, json!([true, false]));
    assert_eq!(r, [Repair::ExtractedFromProse]);
}

#[test]
fn trailing_commas_including_nested_arrays() {
    let (v, r) = repairs_of("{\"a\": [1, 2, [3, 4,],], \"b\": {\"c\": 1,},}");
    assert_eq!(v, json!({"a": [1, 2, [3, 4]], "b": {"c": 1}}));
    assert_eq!(r, [Repair::RemovedTrailingCommas]);
    let (v, _) = repairs_of("[ [ [], ], ]");
    assert_eq!(v, json!([[[]]]));
}

#[test]
fn comments_are_removed() {
    let text = "{\n  // the site\n  \"a\": 1, /* inline */ \"b\": \"// not a comment\",\n  \"c\": \"/* nor this */\" // end\n}";
    let (v, r) = repairs_of(text);
    assert_eq!(
        v,
        json!({"a": 1, "b": "// not a comment", "c": "/* nor this */"})
    );
    assert_eq!(r, [Repair::RemovedComments]);
}

#[test]
fn single_quotes_and_python_literals() {
    let (v, r) =
        repairs_of("{'name': 'Bob\\'s \"bakery\"', 'open': True, 'closed': False, 'note': None}");
    assert_eq!(
        v,
        json!({"name": "Bob's \"bakery\"", "open": true, "closed": false, "note": null})
    );
    assert_eq!(
        r,
        [
            Repair::ConvertedSingleQuotes,
            Repair::ConvertedPythonLiterals
        ]
    );
}

#[test]
fn raw_control_characters_and_bad_escapes() {
    let (v, r) = repairs_of("{\"text\": \"line one\nline\ttwo\"}");
    assert_eq!(v, json!({"text": "line one\nline\ttwo"}));
    assert_eq!(r, [Repair::EscapedControlCharacters]);

    let (v, r) = repairs_of(r#"{"a": "it\'s \d \ud800 x"}"#);
    assert_eq!(v, json!({"a": "it's \\d \u{FFFD} x"}));
    assert_eq!(r, [Repair::FixedInvalidEscapes]);
}

#[test]
fn truncated_inside_a_string() {
    let (v, r) = repairs_of(r#"{"site": {"name": "Harbor", "tagline": "Sourdough, slow"#);
    assert_eq!(
        v,
        json!({"site": {"name": "Harbor", "tagline": "Sourdough, slow"}})
    );
    assert_eq!(r, [Repair::ClosedTruncatedTail]);
    // Cut inside a key: the key is dropped.
    let (v, _) = repairs_of(r#"{"a": 1, "tag"#);
    assert_eq!(v, json!({"a": 1}));
    // Cut inside an escape.
    let (v, _) = repairs_of(r#"["caf\u00"#);
    assert_eq!(v, json!(["caf"]));
    let (v, _) = repairs_of(r#"["x\"#);
    assert_eq!(v, json!(["x"]));
    let (v, _) = repairs_of(r#"["\ud83e\udd"#);
    assert_eq!(v, json!([""]));
}

#[test]
fn truncated_inside_a_number() {
    let (v, r) = repairs_of(r#"{"stats": [420, 4.8, -1.5e-"#);
    assert_eq!(v, json!({"stats": [420, 4.8, -1.5]}));
    assert_eq!(r, [Repair::ClosedTruncatedTail]);
    let (v, _) = repairs_of(r#"{"a": 1, "b": -"#);
    assert_eq!(v, json!({"a": 1}));
    let (v, _) = repairs_of("[12.");
    assert_eq!(v, json!([12]));
}

#[test]
fn truncated_after_a_colon_a_comma_or_mid_word() {
    let (v, r) = repairs_of(r#"{"site": {"name": "x"}, "pages":"#);
    assert_eq!(v, json!({"site": {"name": "x"}}));
    assert_eq!(r, [Repair::ClosedTruncatedTail]);
    let (v, _) = repairs_of(r#"{"pages": [{"slug": "home"},"#);
    assert_eq!(v, json!({"pages": [{"slug": "home"}]}));
    let (v, _) = repairs_of(r#"{"open": tr"#);
    assert_eq!(v, json!({"open": true}));
    let (v, r) = repairs_of(r#"{"open": Fa"#);
    assert_eq!(v, json!({"open": false}));
    assert_eq!(
        r,
        [Repair::ConvertedPythonLiterals, Repair::ClosedTruncatedTail]
    );
    let (v, _) = repairs_of("[1, /* a comment that never");
    assert_eq!(v, json!([1]));
}

#[test]
fn everything_at_once() {
    let text = "Here you go:\n```json\n{'site': {'name': 'A', 'live': True,}, // ok\n 'pages': [{'slug': 'home', 'n': 1,},";
    let (v, r) = repairs_of(text);
    assert_eq!(
        v,
        json!({"site": {"name": "A", "live": true}, "pages": [{"slug": "home", "n": 1}]})
    );
    for expected in [
        Repair::StrippedCodeFence,
        Repair::ExtractedFromProse,
        Repair::ConvertedSingleQuotes,
        Repair::ConvertedPythonLiterals,
        Repair::RemovedTrailingCommas,
        Repair::RemovedComments,
        Repair::ClosedTruncatedTail,
    ] {
        assert!(r.contains(&expected), "{expected:?} missing from {r:?}");
    }
    assert_eq!(r.len(), 7, "each kind once: {r:?}");
}

#[test]
fn errors_say_where_and_what() {
    let err = parse_lenient("{\n  \"a\": 1\n  \"b\": 2\n}").expect_err("missing comma");
    assert_eq!((err.line(), err.column()), (3, 3));
    assert_eq!(err.expected(), "',' or '}' after a value");
    assert_eq!(err.found(), "`\"b\": 2`");
    let message = err.to_string();
    assert!(message.contains("line 3, column 3"), "{message}");

    let err = parse_lenient("Sorry, I cannot help with that.").expect_err("no JSON");
    assert_eq!(err.expected(), "a JSON object or array");
    assert!(
        err.found().starts_with("`Sorry, I cannot"),
        "{}",
        err.found()
    );

    let err = parse_lenient("   ").expect_err("empty");
    assert_eq!(err.found(), "the end of the answer");

    let err =
        parse_lenient(&format!("{}1{}", "[".repeat(200), "]".repeat(200))).expect_err("too deep");
    assert!(err.expected().contains("nesting"), "{err}");

    let error: crate::Error = err.into();
    assert_eq!(error.code(), "invalid_ai_output");
    assert!(
        matches!(error, crate::Error::InvalidAiOutput { attempts: 1, ref errors } if errors.len() == 1)
    );
}

#[test]
fn repair_names_are_stable_and_distinct() {
    let names: Vec<&str> = Repair::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        names,
        [
            "stripped_code_fence",
            "extracted_from_prose",
            "removed_trailing_commas",
            "removed_comments",
            "converted_single_quotes",
            "converted_python_literals",
            "escaped_control_characters",
            "fixed_invalid_escapes",
            "closed_truncated_tail",
        ]
    );
    for repair in Repair::ALL {
        assert_eq!(
            serde_json::to_value(repair).expect("serialize"),
            json!(repair.as_str())
        );
        assert!(!repair.to_string().is_empty());
    }
}

/// Every cut of a real answer reads (no panic, and a value comes out once the first `{` is in),
/// and what comes out never holds anything the answer did not.
#[test]
fn every_truncation_of_a_structure_answer_reads() {
    let full = structure();
    for (cut, _) in STRUCTURE.char_indices().skip(1) {
        let prefix = &STRUCTURE[..cut];
        let parsed = parse_lenient(prefix)
            .unwrap_or_else(|e| panic!("cut at byte {cut} failed: {e}\n{prefix}"));
        assert!(parsed.value.is_object(), "cut at {cut}");
        assert!(
            is_prefix_of(&parsed.value, &full),
            "cut at {cut} invented data: {}",
            parsed.value
        );
    }
}

/// Whether `part` could come from `whole` by cutting it: same keys and items, each shorter or equal.
fn is_prefix_of(part: &Value, whole: &Value) -> bool {
    match (part, whole) {
        (Value::Object(p), Value::Object(w)) => p
            .iter()
            .all(|(k, v)| w.get(k).is_some_and(|wv| is_prefix_of(v, wv))),
        (Value::Array(p), Value::Array(w)) => {
            p.len() <= w.len() && p.iter().zip(w).all(|(a, b)| is_prefix_of(a, b))
        }
        (Value::String(p), Value::String(w)) => w.starts_with(p.as_str()),
        // A cut number is a prefix of the number as written in the answer.
        (Value::Number(p), Value::Number(w)) => {
            let (p, w) = (p.as_f64(), w.as_f64());
            NUMBERS_AS_WRITTEN.iter().any(|literal| {
                literal.parse::<f64>().ok() == w
                    && (1..=literal.len()).any(|k| literal[..k].parse::<f64>().ok() == p)
            })
        }
        _ => part == whole,
    }
}

/// Random edits of a real answer (deleted, duplicated, replaced bytes) never panic.
#[test]
fn mutations_never_panic() {
    let inputs = [
        STRUCTURE.to_owned(),
        format!("Here:\n```json\n{STRUCTURE}\n```\nBye"),
    ];
    let alphabet: &[&str] = &[
        "{", "}", "[", "]", "\"", "'", ",", ":", "\\", "/", "*", "//", "/*", "\n", "`", "```", "-",
        "e", "1", ".", "True", "None", "\\u", "\\ud83e", "é", "🥐", "\u{0}",
    ];
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..3000 {
        let mut text = inputs[round % inputs.len()].clone();
        for _ in 0..(1 + next() % 4) {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            let at = boundaries[(next() % boundaries.len() as u64) as usize];
            let insert = alphabet[(next() % alphabet.len() as u64) as usize];
            match next() % 3 {
                0 => {
                    let len = text[at..].chars().next().map_or(0, char::len_utf8);
                    text.replace_range(at..at + len, "");
                }
                1 => text.insert_str(at, insert),
                _ => {
                    let len = text[at..].chars().next().map_or(0, char::len_utf8);
                    text.replace_range(at..at + len, insert);
                }
            }
        }
        // Also every tenth mutation is cut short.
        if round % 10 == 0 {
            let cut = text
                .char_indices()
                .map(|(i, _)| i)
                .nth(text.len() / 3)
                .unwrap_or(0);
            text.truncate(cut);
        }
        // Any outcome is fine, a panic is not; errors must point inside the text.
        if let Err(e) = parse_lenient(&text) {
            assert!(e.offset() <= text.len());
            assert!(e.line() >= 1 && e.column() >= 1);
        }
    }
}
