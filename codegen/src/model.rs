//! The type model: what the generator will emit, with no token streams in
//! sight. Converting schemas fills it in (`convert`); emitting reads it
//! (`emit`). Types are identified by [`TypeId`]s handed out before their
//! schemas are converted, so forward and recursive references just work.

use crate::load::Loc;
use serde_json::Value;

/// Index of a type in [`TypeSpace::types`].
pub type TypeId = usize;
/// Index of a predicate function in [`TypeSpace::preds`].
pub type PredId = usize;
/// Index of a regular expression in [`TypeSpace::patterns`].
pub type PatternId = usize;

/// Everything one generator run produces.
#[derive(Debug, Default)]
pub struct TypeSpace {
    /// Every named type, in the order they were created.
    pub types: Vec<TypeEntry>,
    /// Predicate functions (one per schema reached by `$ref` inside a check).
    pub preds: Vec<PredEntry>,
    /// Regular expressions used by checks, in the engine's (Rust) syntax.
    pub patterns: Vec<String>,
    /// The same expressions as the schemas wrote them (ECMA-262), by index.
    pub pattern_sources: Vec<String>,
    /// Operation descriptors from the OpenAPI documents.
    pub operations: Vec<OperationDef>,
    /// Keywords the generated code does not enforce (validator only).
    pub validator_only: Vec<Unenforced>,
    /// The type of each schema document of the root, by document.
    pub roots: Vec<(String, TypeId)>,
    /// `x-accord-rules` lists, evaluated at run time by `accord-rules`.
    pub rule_sets: Vec<RuleSetDef>,
}

/// One rule of an `x-accord-rules` list, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    /// `id`.
    pub id: String,
    /// `rule`.
    pub rule: String,
    /// `message`.
    pub message: Option<String>,
    /// `messageExpression`.
    pub message_expression: Option<String>,
    /// `fieldPath`.
    pub field_path: Option<String>,
}

/// One `x-accord-rules` list, as the generated code compiles it at run time.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSetDef {
    /// Where the list is.
    pub origin: Loc,
    /// The rules, as written.
    pub rules: Vec<RuleDef>,
    /// Paths below the value where strings are decimals.
    pub decimals: Vec<Vec<String>>,
    /// The schema's own `type`, if any: a value of another type is not judged by the rules.
    pub types: Option<Vec<String>>,
}

/// A keyword the generated types do not enforce, and where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unenforced {
    /// Where the keyword is.
    pub loc: Loc,
    /// The keyword.
    pub keyword: String,
    /// Why it is not enforced.
    pub reason: String,
}

/// One named Rust item.
#[derive(Debug, Clone)]
pub struct TypeEntry {
    /// The Rust identifier.
    pub name: String,
    /// Module path (snake_case segments; empty for the top level).
    pub module: Vec<String>,
    /// The schema it comes from.
    pub origin: Loc,
    /// Doc comment text (`title` and `description`).
    pub doc: Option<String>,
    /// What it is; `None` only while it is being converted.
    pub shape: Option<Shape>,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A generated type.
    Named(TypeId),
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `i32`: OpenAPI's `format: int32` in a catalog.
    Int32,
    /// `serde_json::Number` (keeps integers integers).
    Number,
    /// `bool`.
    Bool,
    /// `()` (JSON `null`).
    Null,
    /// `serde_json::Value`.
    Any,
    /// `serde_json::Map<String, Value>`.
    Object,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `Option<T>` (JSON `null` or the value).
    Option(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
}

/// A rule checked on the JSON value of a type after it is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What must hold.
    pub pred: Pred,
    /// The error message when it does not (`x-accord-message`, or the schema location).
    pub message: String,
}

/// The kinds of named type.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `pub type Name = T;`
    Alias(TypeRef),
    /// An object with known properties.
    Struct(StructShape),
    /// A closed list of strings.
    Enum(Vec<EnumVariant>),
    /// Known strings plus `Other(String)`, for lists the schema says are open.
    OpenEnum(OpenEnumShape),
    /// A primitive with constraints, checked when read.
    Newtype(NewtypeShape),
    /// An exact decimal (`x-accord-type: decimal`) with checks.
    Decimal(Vec<Check>),
    /// Exactly one JSON value (`const`).
    Const(Value),
    /// `anyOf` / `oneOf` as a Rust enum.
    Union(UnionShape),
    /// `if`/`then`/`else` whose branches are types: a two-variant enum.
    Conditional(ConditionalShape),
    /// Any JSON value that passes the checks (what the type model cannot say more precisely).
    Json(Vec<Check>),
}

/// A struct's fields and rules.
#[derive(Debug, Clone, PartialEq)]
pub struct StructShape {
    /// The properties, in schema order.
    pub fields: Vec<Field>,
    /// What happens to properties not listed.
    pub additional: Additional,
    /// Cross-field rules (if/then, not, dependentRequired, ...), checked after reading.
    pub checks: Vec<Check>,
}

/// Properties a struct does not list.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// Rejected (`additionalProperties: false`).
    Deny,
    /// Kept, in a map of this value type (`Any` when the schema allows anything).
    Keep(TypeRef),
}

/// One property.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust field name.
    pub rust_name: String,
    /// JSON property name.
    pub json_name: String,
    /// Its type when present.
    pub ty: TypeRef,
    /// Whether the property must be present.
    pub required: bool,
    /// Doc comment.
    pub doc: Option<String>,
    /// Whether to `Box` it (a recursive type).
    pub boxed: bool,
}

/// One variant of a closed or open string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// Rust variant name.
    pub name: String,
    /// The JSON string.
    pub value: String,
}

/// Known strings plus any other string that passes `other`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenEnumShape {
    /// The documented values.
    pub known: Vec<EnumVariant>,
    /// Constraints every value (known or not) must meet.
    pub checks: Vec<PrimCheck>,
}

/// The primitive under a newtype.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `i32`: OpenAPI's `format: int32` in a catalog.
    Int32,
    /// `serde_json::Number`.
    Number,
}

/// A constrained primitive.
#[derive(Debug, Clone, PartialEq)]
pub struct NewtypeShape {
    /// The primitive.
    pub prim: Prim,
    /// Its constraints.
    pub checks: Vec<PrimCheck>,
    /// `x-accord-sensitive`: `Debug` shows only the length, and there is no `Display`.
    pub sensitive: bool,
}

/// A format the generated code checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 3339 date-time.
    DateTime,
    /// RFC 3339 full-date.
    Date,
    /// RFC 3339 full-time.
    Time,
    /// Hyphenated UUID.
    Uuid,
    /// Absolute URI.
    Uri,
    /// OpenAPI's `byte`: base64 (RFC 4648, padded).
    Byte,
}

impl Format {
    /// The format for a `format` keyword value, if the generated code checks it.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "date-time" => Format::DateTime,
            "date" => Format::Date,
            "time" => Format::Time,
            "uuid" => Format::Uuid,
            "uri" => Format::Uri,
            "byte" => Format::Byte,
            _ => return None,
        })
    }

    /// The keyword value.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Uuid => "uuid",
            Format::Uri => "uri",
            Format::Byte => "byte",
        }
    }
}

/// A constraint on one primitive value.
#[derive(Debug, Clone, PartialEq)]
pub enum PrimCheck {
    /// At least N characters.
    MinLength(u64),
    /// At most N characters.
    MaxLength(u64),
    /// Matches the regex.
    Pattern(PatternId),
    /// Is in the format.
    Format(Format),
    /// `>=`.
    Minimum(f64),
    /// `<=`.
    Maximum(f64),
    /// `>`.
    ExclusiveMinimum(f64),
    /// `<`.
    ExclusiveMaximum(f64),
    /// A multiple of.
    MultipleOf(f64),
    /// One of these values (`enum` of numbers).
    OneOf(Vec<Value>),
}

/// `anyOf` or `oneOf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnionKind {
    /// The first variant that fits is taken.
    AnyOf,
    /// Exactly one variant must fit.
    OneOf,
}

/// A union's variants.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionShape {
    /// anyOf or oneOf.
    pub kind: UnionKind,
    /// The variants, in schema order.
    pub variants: Vec<Variant>,
    /// A property whose `const` tells the variants apart, if there is one.
    pub tag: Option<Tag>,
    /// Rules of the union's own schema besides the variants.
    pub checks: Vec<Check>,
}

/// One variant of a union or conditional.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// Its content.
    pub ty: TypeRef,
}

/// A const discriminator: `property` holds `values[i]` in variant `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The JSON property.
    pub property: String,
    /// One value per variant.
    pub values: Vec<Value>,
}

/// `if`/`then`/`else` over two types.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionalShape {
    /// Rules of the schema's own keywords besides if/then/else.
    pub checks: Vec<Check>,
    /// The `if`.
    pub condition: Pred,
    /// Taken when the condition holds.
    pub then: Variant,
    /// Taken otherwise.
    pub otherwise: Variant,
}

/// Which properties of an object a schema evaluates, for
/// `unevaluatedProperties`: its own `properties`, `patternProperties` and
/// `additionalProperties`, and those of the in-place subschemas that hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Eval {
    /// These names (when present).
    Names(Vec<String>),
    /// Names matching these patterns.
    Patterns(Vec<PatternId>),
    /// Every property (`additionalProperties`, or a nested `unevaluatedProperties`).
    All,
    /// The inner set, when the predicate holds (an `anyOf`/`oneOf` member, a
    /// `dependentSchemas` entry whose property is present).
    When(Box<Pred>, Box<Eval>),
    /// `if`: the first set when the condition holds (with `then`'s), else the second.
    IfElse(Box<Pred>, Box<Eval>, Box<Eval>),
    /// All of these.
    Seq(Vec<Eval>),
}

/// A JSON Schema assertion compiled to a predicate over a `serde_json::Value`.
#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    /// Always holds.
    True,
    /// Never holds.
    False,
    /// Every property not in `eval`'s set satisfies the predicate (`unevaluatedProperties`).
    Unevaluated {
        /// The properties the schema evaluates.
        eval: Eval,
        /// What the others must satisfy.
        pred: Box<Pred>,
    },
    /// JSON type is one of these (`"integer"` counts `1.0`).
    Type(Vec<String>),
    /// Equal to.
    Const(Value),
    /// Equal to one of.
    Enum(Vec<Value>),
    /// A check on strings or numbers (other types pass).
    Prim(PrimCheck),
    /// Objects: these properties are present.
    Required(Vec<String>),
    /// Objects: if the property is present, its value satisfies the predicate.
    Property(String, Box<Pred>),
    /// Objects: properties not named in `known` nor matching `patterns` satisfy the predicate.
    Additional {
        /// Declared properties.
        known: Vec<String>,
        /// patternProperties patterns.
        patterns: Vec<PatternId>,
        /// What extra properties must satisfy.
        pred: Box<Pred>,
    },
    /// Objects: properties whose name matches satisfy the predicate.
    PatternProperty(PatternId, Box<Pred>),
    /// Objects: if `0` is present, all of `1` are.
    DependentRequired(String, Vec<String>),
    /// Objects: if the property is present, the object satisfies the predicate.
    DependentSchema(String, Box<Pred>),
    /// Objects: property count bounds.
    Properties {
        /// Minimum.
        min: Option<u64>,
        /// Maximum.
        max: Option<u64>,
    },
    /// Objects: every property name satisfies the predicate.
    PropertyNames(Box<Pred>),
    /// Arrays: items from index `from` on satisfy the predicate.
    Items {
        /// First index checked (after prefixItems).
        from: usize,
        /// The predicate.
        pred: Box<Pred>,
    },
    /// Arrays: item `i` satisfies predicate `i`.
    PrefixItems(Vec<Pred>),
    /// Arrays: length bounds.
    ItemCount {
        /// Minimum.
        min: Option<u64>,
        /// Maximum.
        max: Option<u64>,
    },
    /// Arrays: no two items equal.
    UniqueItems,
    /// Arrays: between min and max items satisfy the predicate.
    Contains {
        /// The predicate.
        pred: Box<Pred>,
        /// minContains (default 1).
        min: u64,
        /// maxContains.
        max: Option<u64>,
    },
    /// `x-accord-maxSerializedLength`.
    MaxSerializedLength(u64),
    /// `x-accord-rules`: the CEL rules of rule set `usize` hold.
    Rules(usize),
    /// All hold.
    AllOf(Vec<Pred>),
    /// At least one holds.
    AnyOf(Vec<Pred>),
    /// Exactly one holds.
    OneOf(Vec<Pred>),
    /// Does not hold.
    Not(Box<Pred>),
    /// `if`/`then`/`else`.
    If(Box<Pred>, Box<Pred>, Box<Pred>),
    /// Calls predicate function `PredId` (a `$ref`).
    Call(PredId),
}

/// A predicate function: the compiled schema at `origin`.
#[derive(Debug, Clone)]
pub struct PredEntry {
    /// The schema.
    pub origin: Loc,
    /// Its predicate; `None` while being compiled.
    pub pred: Option<Pred>,
}

/// An operation of an OpenAPI document.
#[derive(Debug, Clone)]
pub struct OperationDef {
    /// `<folder>.<operationId>`.
    pub id: String,
    /// Rust type name of the descriptor.
    pub name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary, for the doc comment.
    pub summary: Option<String>,
    /// The request body (or `x-accord-request-schema`) type.
    pub request: Option<TypeRef>,
    /// Responses by status key (`200`, `2XX`, `default`), in document order.
    pub responses: Vec<ResponseDef>,
    /// Exchange rules (`x-accord-rules` on the operation).
    pub exchange_rules: Vec<RuleDef>,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct ResponseDef {
    /// `200`, `4XX`, `default`.
    pub status: String,
    /// Rust variant name.
    pub variant: String,
    /// Its body.
    pub body: BodyDef,
    /// Its description.
    pub description: Option<String>,
}

/// How a response body is read.
#[derive(Debug, Clone)]
pub enum BodyDef {
    /// No body documented.
    None,
    /// JSON, into this type.
    Json(TypeRef),
    /// Not JSON (HTML, plain text): the text as it is.
    Text,
}
