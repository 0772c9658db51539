//! `oneOf` members pair by what identifies them (their meaning, their
//! discriminator value), and only then by position.

use accord_catalog::RootBuilder;
use accord_diff::{Contract, diff};
use serde_json::{Value, json};

fn contract(body: Value) -> Contract {
    let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/pets": {"post": {
        "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
        "responses": {"204": {"description": "done"}}}}}});
    Contract::new(RootBuilder::new().values([("openapi.json".to_string(), doc)], "v").unwrap()).unwrap()
}

fn member(kind: &str, max: u64) -> Value {
    json!({"type": "object", "properties": {"kind": {"const": kind}, "name": {"type": "string", "maxLength": max}}})
}

#[test]
fn inline_members_pair_by_their_discriminator_value() {
    let old =
        contract(json!({"discriminator": {"propertyName": "kind"}, "oneOf": [member("cat", 10), member("dog", 10)]}));
    // Reordered, and the cat's name limit lowered.
    let new =
        contract(json!({"discriminator": {"propertyName": "kind"}, "oneOf": [member("dog", 10), member("cat", 5)]}));
    let rules: Vec<&str> = diff(&old, &new).iter().map(|c| c.rule).collect();
    assert_eq!(rules, ["request-property-max-length-decreased"]);
    // A member whose tag is new is an alternative added.
    let more = contract(
        json!({"discriminator": {"propertyName": "kind"}, "oneOf": [member("cat", 10), member("dog", 10), member("eel", 10)]}),
    );
    let changes = diff(&old, &more);
    let rules: Vec<&str> = changes.iter().map(|c| c.rule).collect();
    assert_eq!(rules, ["request-body-one-of-added"]);
    assert!(changes[0].message.contains("kind=\"eel\""), "{}", changes[0].message);
}

#[test]
fn without_a_discriminator_inline_members_pair_by_meaning_then_position() {
    let old = contract(json!({"oneOf": [member("cat", 10), member("dog", 10)]}));
    // Reordered: the same alternatives, so no message changes.
    let new = contract(json!({"oneOf": [member("dog", 10), member("cat", 10)]}));
    assert_eq!(diff(&old, &new).len(), 0);
    // Reordered and one changed: the unchanged one pairs by meaning, the other by
    // position, and the change is found on it.
    let new = contract(json!({"oneOf": [member("dog", 10), member("cat", 5)]}));
    let rules: Vec<&str> = diff(&old, &new).iter().map(|c| c.rule).collect();
    assert_eq!(rules, ["request-property-max-length-decreased"]);
}
