//! The downstream crate's generated types, used as a service would.

use accord_downstream_example::operations::{Operation, ShopGetPet, ShopGetPetResponse, ShopPutPet};
use accord_downstream_example::shop::{Pet, PetBreed, PetId, PetSpecies};
use accord_downstream_example::{Circle, Shape};
use serde_json::{Value, json};

fn pet(v: Value) -> Result<Pet, serde_json::Error> {
    serde_json::from_value(v)
}

#[test]
fn a_valid_pet_reads_and_round_trips() {
    let text = r#"{"id": "123e4567-e89b-12d3-a456-426614174000", "name": "Rex", "species": "dog",
        "breed": "beagle", "nickname": null, "price": 12345678901234567.89, "born": "2024-02-29",
        "mother": {"id": 1, "name": "Ma", "species": "dog"}, "litter": [{"id": 2, "name": "Pup", "species": "dog"}],
        "tags": {"good": 1}, "status": "sold", "soldTo": "Ann"}"#;
    let p: Pet = serde_json::from_str(text).unwrap();
    assert!(matches!(p.id, PetId::String(_)));
    assert_eq!(p.breed, Some(PetBreed::Other("beagle".into())), "open enum keeps other values");
    assert_eq!(p.nickname, Some(None), "null and absent stay apart");
    assert_eq!(p.mother.as_ref().unwrap().name.as_str(), "Ma");
    let back = serde_json::to_string(&p).unwrap();
    assert!(back.contains("12345678901234567.89"), "{back}");
    assert_eq!(serde_json::from_str::<Value>(&back).unwrap(), serde_json::from_str::<Value>(text).unwrap());
}

#[test]
fn invalid_pets_are_rejected() {
    let base = json!({"id": 1, "name": "Rex", "species": "dog"});
    assert!(pet(base.clone()).is_ok());
    let with = |k: &str, v: Value| {
        let mut p = base.clone();
        p[k] = v;
        p
    };
    for (why, bad) in [
        ("species misspelt", with("species", json!("dgo"))),
        ("name too long", with("name", json!("x".repeat(41)))),
        ("id below minimum", with("id", json!(0))),
        ("id not a uuid", with("id", json!("not-a-uuid"))),
        ("price with three decimals", with("price", json!("1.234"))),
        ("negative price", with("price", json!(-1))),
        ("not a date", with("born", json!("2023-02-29"))),
        ("unknown field", with("colour", json!("brown"))),
        ("nickname not a string", with("nickname", json!(3))),
        ("sold without buyer", with("status", json!("sold"))),
        ("tag not an integer", with("tags", json!({"a": "b"}))),
        ("bad pet in litter", with("litter", json!([{"id": 2}]))),
    ] {
        assert!(pet(bad.clone()).is_err(), "{why}: {bad} was accepted");
    }
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("name");
    let e = pet(missing).unwrap_err().to_string();
    assert!(e.contains("missing field `name`"), "{e}");
}

#[test]
fn tagged_union_dispatches_on_its_const() {
    let s: Shape = serde_json::from_str(r#"{"kind": "circle", "radius": 2}"#).unwrap();
    assert!(matches!(s, Shape::Circle(Circle { .. })));
    assert!(serde_json::from_str::<Shape>(r#"{"kind": "circle", "radius": 0}"#).is_err(), "exclusiveMinimum");
    assert!(serde_json::from_str::<Shape>(r#"{"kind": "hexagon"}"#).is_err());
    assert!(serde_json::from_str::<Shape>(r#"{"kind": "rect", "width": 1}"#).is_err());
}

#[test]
fn operation_descriptors_read_responses_by_status() {
    assert_eq!((ShopGetPet::ID, ShopGetPet::METHOD, ShopGetPet::PATH), ("shop.getPet", "GET", "/pets/{id}"));
    assert_eq!(ShopGetPet::STATUSES, ["200", "404", "5XX", "default"]);
    let ok = ShopGetPet::parse_response(200, r#"{"id": 1, "name": "Rex", "species": "cat"}"#).unwrap();
    assert!(matches!(ok, ShopGetPetResponse::Status200(p) if p.species == PetSpecies::Cat));
    assert_eq!(ShopGetPet::parse_response(404, "no pet").unwrap(), ShopGetPetResponse::Status404("no pet".into()));
    assert_eq!(ShopGetPet::parse_response(503, "").unwrap(), ShopGetPetResponse::Status5xx { status: 503 });
    let problem = ShopGetPet::parse_response(418, r#"{"title": "teapot"}"#).unwrap();
    assert!(matches!(problem, ShopGetPetResponse::Default { status: 418, .. }));
    assert!(ShopGetPet::parse_response(200, r#"{"id": 1}"#).is_err());
    assert!(ShopPutPet::parse_request(r#"{"id": 1, "name": "Rex", "species": "bird"}"#).is_ok());
}

#[test]
fn constants_and_enum_values_with_awkward_characters_survive() {
    use accord_downstream_example::{Marker, Odd};
    let text = serde_json::to_string(&Marker::value()).unwrap();
    assert_eq!(text, r#""tab\tquote\"ctl\u0001é😀""#);
    assert!(serde_json::from_str::<Marker>(&text).is_ok());
    assert!(serde_json::from_str::<Marker>(r#""tab quote""#).is_err());
    for value in ["a b", "A-B", "", "ünï", "\u{2}"] {
        let json = serde_json::to_string(value).unwrap();
        let odd: Odd = serde_json::from_str(&json).unwrap();
        assert_eq!(odd.as_str(), value);
        assert_eq!(serde_json::to_string(&odd).unwrap(), json);
    }
}

#[test]
fn type_names_that_look_like_generated_internals_work() {
    use accord_downstream_example::A;
    let a: A = serde_json::from_str(r#"{"d": "x", "s": "x", "v": {"x": 1}}"#).unwrap();
    assert_eq!(a.d.as_str(), "x");
    assert!(serde_json::from_str::<A>(r#"{"d": ""}"#).is_err());
}

#[test]
fn an_object_that_allows_no_properties() {
    use accord_downstream_example::Nothing;
    assert!(serde_json::from_str::<Nothing>("{}").is_ok());
    let e = serde_json::from_str::<Nothing>(r#"{"x": 1}"#).unwrap_err().to_string();
    assert!(e.contains("unknown field `x`"), "{e}");
}

#[test]
fn a_const_that_is_not_required_is_not_used_as_a_tag() {
    use accord_downstream_example::Loose;
    assert!(serde_json::from_str::<Loose>(r#"{"n": 1}"#).is_ok(), "no kind, first variant fits");
    assert!(serde_json::from_str::<Loose>(r#"{"kind": "b", "s": "x"}"#).is_ok());
    assert!(serde_json::from_str::<Loose>(r#"{"kind": "a", "s": "x"}"#).is_err(), "kind a needs n");
}

#[test]
fn an_operation_without_id_or_responses_is_named_by_method_and_path() {
    use accord_downstream_example::operations::{OPERATION_IDS, Operation, ShopGetHealth};
    assert!(OPERATION_IDS.contains(&"shop.get:/health"), "{OPERATION_IDS:?}");
    assert_eq!(ShopGetHealth::PATH, "/health");
    assert!(ShopGetHealth::STATUSES.is_empty());
    // No response is documented, so none parses.
    assert!(ShopGetHealth::parse_response(200, "{}").is_err());
}

/// One format policy for one schema root: the types generated with the
/// default policy accept exactly the pets `accord check` accepts, formats
/// included (JSON Schema's `date`, `date-time`; OpenAPI's `int32`, `float`, `byte`).
#[test]
fn formats_agree_with_the_validator() {
    use accord_validator::capture::{BodyText, Exchange, Message};
    use accord_validator::contract::Catalog;
    use accord_validator::diagnostic::Severity;
    use accord_validator::{CheckOptions, Checker};
    let schemas = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let catalog = Catalog::load(&schemas).unwrap();
    let options = CheckOptions { operation: Some("shop.putPet".into()), strict: true, ..CheckOptions::default() };
    let checker = Checker::new(catalog, options).unwrap();
    let validator_accepts = |v: &Value| {
        let message = Message { body: Some(BodyText::standalone(v.to_string())), ..Message::default() };
        let exchange = Exchange { request: Some(message), ..Exchange::default() };
        !checker.check("pet", &exchange).diagnostics.iter().any(|d| d.severity == Severity::Error)
    };
    let base = json!({"id": 1, "name": "Rex", "species": "dog"});
    let cases = [
        ("born", json!("2024-02-29"), true),
        ("born", json!("2023-02-29"), false),
        ("born", json!("yesterday"), false),
        ("checkedAt", json!("2024-02-29T10:00:00Z"), true),
        ("checkedAt", json!("2024-02-29 10:00"), false),
        ("age", json!(2147483647), true),
        ("age", json!(2147483648_u64), false),
        ("age", json!(-2147483649_i64), false),
        ("weight", json!(12.5), true),
        ("weight", json!(3.5e38), false),
        ("chip", json!("aGVsbG8="), true),
        ("chip", json!("not base64!"), false),
        ("chip", json!("aGVsbG8"), false),
    ];
    // OpenAPI's `int32` is an `i32` (the compiler checks this line); `1.0` is an integer too.
    let age: Option<i32> = pet(json!({"id": 1, "name": "Rex", "species": "dog", "age": 7.0})).unwrap().age;
    assert_eq!(age, Some(7));
    for (field, value, valid) in cases {
        let mut payload = base.clone();
        payload[field] = value.clone();
        assert_eq!(validator_accepts(&payload), valid, "validator on {field} = {value}");
        assert_eq!(pet(payload).is_ok(), valid, "generated type on {field} = {value}");
    }
}
