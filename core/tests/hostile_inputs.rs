//! Property tests for the parts that read untrusted text and JSON: the lenient answer parser and
//! the structure / page / block validators. On any input they return a value or a list of
//! problems; they never panic, never overflow the stack, and stay within their input-size bounds.
//! (The HTTP surfaces are fuzzed separately from their OpenAPI description.)

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sitebuilder::ai::lenient::parse_lenient;
use sitebuilder::functions::blocks::BlockCatalogue;
use sitebuilder::functions::validate::{Limits, validate_page_content, validate_structure};
use sitebuilder::model::{Block, InputLimits, check_blocks, check_json};

/// Text built from JSON's own punctuation and a few words: far likelier than random Unicode to
/// reach deep into the parser's repair paths.
fn jsonish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just(":".to_owned()),
            Just(",".to_owned()),
            Just("```json\n".to_owned()),
            Just("```".to_owned()),
            Just("// c\n".to_owned()),
            Just("/* c */".to_owned()),
            Just("\\".to_owned()),
            Just("\\u12".to_owned()),
            Just("\\ud800".to_owned()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("-1.5e309".to_owned()),
            Just("\"pages\"".to_owned()),
            Just("\"site\"".to_owned()),
            "[a-z ]{0,6}",
            any::<char>().prop_map(String::from),
        ],
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

/// Any JSON value, a few levels deep, with the keys the validators look for mixed in.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("site".to_owned()),
        Just("pages".to_owned()),
        Just("blocks".to_owned()),
        Just("type".to_owned()),
        Just("data".to_owned()),
        Just("slug".to_owned()),
        Just("title".to_owned()),
        Just("items".to_owned()),
        Just("heading".to_owned()),
        Just("primary_navigation".to_owned()),
        Just("seo".to_owned()),
        "[a-z_]{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::from),
        prop_oneof![
            Just("hero"),
            Just("home"),
            Just("faq"),
            Just("form"),
            Just("cta"),
            Just("")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn lenient_parser_never_panics_on_jsonish_text(text in jsonish()) {
        let _ = parse_lenient(&text);
    }

    #[test]
    fn lenient_parser_never_panics_on_any_text(text in any::<String>()) {
        let _ = parse_lenient(&text);
    }

    /// A value that parses is valid JSON: serialising and reading it back gives it again.
    #[test]
    fn lenient_parser_returns_real_json(text in jsonish()) {
        if let Ok(parsed) = parse_lenient(&text) {
            let again: Value = serde_json::from_str(&parsed.value.to_string()).expect("round trip");
            prop_assert_eq!(again, parsed.value);
        }
    }

    #[test]
    fn validators_never_panic(value in any_json()) {
        let catalogue = BlockCatalogue::default();
        let limits = Limits::default();
        let _ = validate_structure(&value, &catalogue, &limits);
        let _ = validate_page_content(&value, &catalogue, &limits);
        let _ = validate_structure(&json!({"site": value.clone(), "pages": [value.clone()]}), &catalogue, &limits);
        let _ = validate_page_content(&json!({"blocks": [value.clone()]}), &catalogue, &limits);
    }

    #[test]
    fn block_validation_never_panics(block_type in prop_oneof![Just("hero".to_owned()), Just("form".to_owned()), Just("faq".to_owned()), ".{0,12}"], data in any_json()) {
        let catalogue = BlockCatalogue::default();
        let block = Block::new(block_type, data);
        let errors = catalogue.validate_block(&block);
        // A refusal always says why.
        prop_assert!(errors.iter().all(|e| !e.is_empty()));
    }
}

/// 100,000 nested brackets (the attack on every JSON endpoint) is an error, not a stack overflow.
#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    for open in ["[", "{\"a\":", "```json\n["] {
        let text = format!("{}{}", open.repeat(100_000), "]".repeat(100_000));
        assert!(
            parse_lenient(&text).is_err(),
            "{open}: 100k levels must be refused"
        );
    }
    // Within the depth bound, nesting reads.
    let text = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    assert!(parse_lenient(&text).is_ok());
}

/// A few megabytes of brackets and quotes: the parser gives up after a bounded number of start
/// positions instead of retrying from each of them.
#[test]
fn large_prose_full_of_brackets_is_bounded() {
    let text = "{ [ \" ' , : ".repeat(200_000);
    let _ = parse_lenient(&text);
}

/// Structures far above the limits are refused with the limit named, without walking all of it.
#[test]
fn oversized_structures_are_refused_with_the_limit() {
    let page = json!({"slug": "p", "title": "P", "type": "custom", "blocks": []});
    let pages: Vec<Value> = (0..20_000).map(|_| page.clone()).collect();
    let value = json!({"site": {"name": "X"}, "pages": pages});
    let errors = validate_structure(&value, &BlockCatalogue::default(), &Limits::default())
        .expect_err("20,000 pages");
    assert!(errors.iter().any(|e| e.contains("30")), "{errors:?}");
    let blocks: Vec<Value> = (0..20_000)
        .map(|_| json!({"type": "text", "data": {}}))
        .collect();
    let errors = validate_page_content(
        &json!({"blocks": blocks}),
        &BlockCatalogue::default(),
        &Limits::default(),
    )
    .expect_err("20,000 blocks");
    assert!(errors.iter().any(|e| e.contains("24")), "{errors:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The input-side block check (page create/update from any caller): any blocks are accepted
    /// or refused as `invalid_input` naming the block, never a panic.
    #[test]
    fn input_block_check_never_panics(
        blocks in proptest::collection::vec(
            (prop_oneof![Just("hero".to_owned()), Just("text".to_owned()), Just("faq".to_owned()), ".{0,12}"], any_json()),
            0..6,
        )
    ) {
        let blocks: Vec<Block> = blocks.into_iter().map(|(t, data)| Block::new(t, data)).collect();
        if let Err(err) = check_blocks("blocks", &blocks, &BlockCatalogue::default(), &InputLimits::default()) {
            prop_assert_eq!(err.code(), "invalid_input");
            prop_assert!(err.to_string().contains("blocks"));
        }
    }
}

/// A JSON value nested 300 deep (built in memory, as a binding could hand it over; deeper values
/// overflow the test's own recursive clone and drop in a debug build) is refused
/// by the input checks with the depth named, without walking it recursively to the bottom.
#[test]
fn deep_values_are_refused_by_the_input_checks() {
    let limits = InputLimits::default();
    let mut array = json!(1);
    let mut object = json!(1);
    for _ in 0..300 {
        array = Value::Array(vec![array]);
        object = json!({ "a": object });
    }
    for value in [&array, &object] {
        let err = check_json("config", value, &limits).expect_err("300 levels");
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("config"), "{err}");
        let block = Block::new("text", value.clone());
        assert!(check_blocks("blocks", &[block], &BlockCatalogue::default(), &limits).is_err());
    }
}
