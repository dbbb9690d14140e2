//! The seed renderer's sixteen block types and the schemas of their `data`.
//!
//! Field names follow what the seed's renderer reads (`heading`, `subheading`, `items`, `cta`…).
//! Every object is closed (`additionalProperties: false`) so a misspelt key is reported instead of
//! silently not rendering. Length limits on free text live in `validate::Limits`, not here, so a
//! host can tune them without re-registering schemas.

use serde_json::{Value, json};

/// A non-empty string.
fn text(description: &str) -> Value {
    json!({"type": "string", "minLength": 1, "description": description})
}

/// A closed object with `required` fields.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties
    })
}

/// An array of `min..=max` items.
fn array(items: Value, min: u64, max: u64) -> Value {
    json!({"type": "array", "items": items, "minItems": min, "maxItems": max})
}

/// A link button.
fn cta() -> Value {
    object(
        json!({
            "label": text("Button text, a verb first: \"Book a table\"."),
            "href": text("A page path like /contact, a full URL, mailto: or tel:.")
        }),
        &["label", "href"],
    )
}

/// An image: a source when one exists, otherwise what it should show.
fn image() -> Value {
    object(
        json!({
            "alt": text("What the image shows, for screen readers."),
            "src": text("URL or asset path; leave out when no image exists yet."),
            "prompt": text("What the picture should show, for a photographer or an image model.")
        }),
        &["alt"],
    )
}

/// A short icon name the renderer maps to its icon set.
fn icon() -> Value {
    text("Icon name, e.g. calendar, shield, leaf, chart.")
}

/// The root schema of a block's data.
fn root(block: &str, properties: Value, required: &[&str]) -> Value {
    let mut schema = object(properties, required);
    schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    schema["title"] = json!(format!("{block} block data"));
    schema
}

/// `(name, description, data schema)` of every default block type, in catalogue order.
pub(super) fn default_types() -> Vec<(&'static str, &'static str, Value)> {
    let feature_item = object(
        json!({
            "title": text("Short name of the feature or benefit."),
            "description": text("One or two sentences."),
            "icon": icon(),
            "image": image(),
            "href": text("Where to read more.")
        }),
        &["title", "description"],
    );
    vec![
        (
            "hero",
            "Opening banner: the page's promise in one heading, a supporting line and the main call to action.",
            root(
                "hero",
                json!({
                    "heading": text("The promise, under 12 words."),
                    "subheading": text("One or two sentences that back the promise."),
                    "cta": cta(),
                    "secondary_cta": cta(),
                    "image": image()
                }),
                &["heading"],
            ),
        ),
        (
            "text",
            "A section of running text: story, explanation or policy.",
            root(
                "text",
                json!({
                    "heading": text("Section heading."),
                    "body": text("Plain text; separate paragraphs with a blank line.")
                }),
                &["body"],
            ),
        ),
        (
            "features",
            "Three to six benefits or capabilities, each with a title and a sentence.",
            root(
                "features",
                json!({
                    "heading": text("Section heading."),
                    "subheading": text("One sentence."),
                    "items": array(feature_item.clone(), 1, 12)
                }),
                &["heading", "items"],
            ),
        ),
        (
            "testimonials",
            "Quotes from customers; only real quotes from the brief, otherwise marked for the owner to fill in.",
            root(
                "testimonials",
                json!({
                    "heading": text("Section heading."),
                    "items": array(object(
                        json!({
                            "quote": text("The customer's words."),
                            "author": text("Who said it."),
                            "role": text("Their role, company or neighbourhood.")
                        }),
                        &["quote", "author"],
                    ), 1, 12)
                }),
                &["items"],
            ),
        ),
        (
            "services",
            "What the business offers, one item per service, each with an optional link.",
            root(
                "services",
                json!({
                    "heading": text("Section heading."),
                    "subheading": text("One sentence."),
                    "items": array(object(
                        json!({
                            "title": text("Service name."),
                            "description": text("What the client gets, one or two sentences."),
                            "icon": icon(),
                            "image": image(),
                            "cta": cta()
                        }),
                        &["title", "description"],
                    ), 1, 24),
                    "cta": cta()
                }),
                &["heading", "items"],
            ),
        ),
        (
            "stats",
            "Two to four key figures with labels; figures only from the brief.",
            root(
                "stats",
                json!({
                    "heading": text("Section heading."),
                    "items": array(object(
                        json!({
                            "value": text("The figure as shown: 12, 98%, 24/7."),
                            "label": text("What it counts."),
                            "description": text("One short sentence of context.")
                        }),
                        &["value", "label"],
                    ), 1, 8)
                }),
                &["items"],
            ),
        ),
        (
            "cta",
            "A call-to-action band: one heading, a line of reassurance and a button.",
            root(
                "cta",
                json!({
                    "heading": text("The invitation."),
                    "body": text("One sentence that removes a doubt."),
                    "cta": cta(),
                    "secondary_cta": cta()
                }),
                &["heading", "cta"],
            ),
        ),
        (
            "image",
            "A single wide image with an optional caption.",
            root(
                "image",
                json!({"image": image(), "caption": text("Caption under the image.")}),
                &["image"],
            ),
        ),
        (
            "video",
            "An embedded video with a description of what it shows.",
            root(
                "video",
                json!({
                    "heading": text("Section heading."),
                    "description": text("What the video shows."),
                    "url": text("Video URL (YouTube, Vimeo or a file); leave out when none exists yet."),
                    "caption": text("Caption under the video."),
                    "poster": image()
                }),
                &["description"],
            ),
        ),
        (
            "form",
            "A form the visitor fills in: contact, booking, quote request, sign-up or application.",
            root(
                "form",
                json!({
                    "heading": text("What the form is for."),
                    "subheading": text("What happens after sending."),
                    "purpose": {"type": "string", "enum": ["contact", "booking", "quote", "newsletter", "application", "donation", "other"], "description": "How the host routes submissions."},
                    "fields": array(object(
                        json!({
                            "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "Machine name, snake_case."},
                            "label": text("Label shown to the visitor."),
                            "type": {"type": "string", "enum": ["text", "email", "tel", "textarea", "select", "date", "time", "number", "checkbox"]},
                            "required": {"type": "boolean"},
                            "placeholder": text("Example input."),
                            "options": array(text("One choice."), 1, 30)
                        }),
                        &["name", "label", "type", "required"],
                    ), 1, 20),
                    "submit_label": text("Button text."),
                    "success_message": text("Shown after sending.")
                }),
                &["heading", "fields", "submit_label"],
            ),
        ),
        (
            "faq",
            "Questions visitors ask before buying or booking, with direct answers.",
            root(
                "faq",
                json!({
                    "heading": text("Section heading."),
                    "items": array(object(
                        json!({"question": text("The question."), "answer": text("A direct answer.")}),
                        &["question", "answer"],
                    ), 1, 20)
                }),
                &["items"],
            ),
        ),
        (
            "quote",
            "One highlighted statement: a founder's belief, a mission line or a customer quote.",
            root(
                "quote",
                json!({
                    "quote": text("The words."),
                    "author": text("Who said it."),
                    "role": text("Their role.")
                }),
                &["quote"],
            ),
        ),
        (
            "grid",
            "A grid of cards linking onward: categories, projects, listings, programmes.",
            root(
                "grid",
                json!({
                    "heading": text("Section heading."),
                    "subheading": text("One sentence."),
                    "columns": {"type": "integer", "minimum": 2, "maximum": 4},
                    "items": array(feature_item, 1, 24)
                }),
                &["items"],
            ),
        ),
        (
            "card",
            "One standalone card: an offer, a highlight or a next step.",
            root(
                "card",
                json!({
                    "heading": text("Card title."),
                    "body": text("Two or three sentences."),
                    "image": image(),
                    "cta": cta()
                }),
                &["heading", "body"],
            ),
        ),
        (
            "list",
            "A list of short points: steps, inclusions, opening hours, requirements.",
            root(
                "list",
                json!({
                    "heading": text("Section heading."),
                    "ordered": {"type": "boolean", "description": "Numbered steps instead of bullets."},
                    "items": array(text("One point."), 1, 30)
                }),
                &["items"],
            ),
        ),
        (
            "accordion",
            "Collapsible sections for detail most visitors skip: policies, specifications, menu sections.",
            root(
                "accordion",
                json!({
                    "heading": text("Section heading."),
                    "items": array(object(
                        json!({"title": text("Section title."), "body": text("Its text.")}),
                        &["title", "body"],
                    ), 1, 20)
                }),
                &["items"],
            ),
        ),
    ]
}
