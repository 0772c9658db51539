//! Rules beyond JSON Schema: CEL expressions over JSON messages, exchanges
//! and captures (`x-accord-rules`), compiled once and evaluated many times.
//!
//! A rule is compiled against the names it may use (`self` for a message
//! rule; `request`, `response` and `operation` for an exchange rule). Compiling
//! fails on a syntax error, on a name that is not in scope, and on a
//! `fieldPath` that is not a path; each error carries the line and column
//! inside the expression. The catalog adds the checks that need the schema
//! (a field that cannot exist, a comparison of a field with a literal of
//! another type) from [`Rule::selections`].
//!
//! Numbers are exact. A JSON number that is not an integer, a string the
//! schema tags `x-accord-type: decimal`, and a fractional literal in the
//! expression are all decimals ([`rust_decimal`], 28 significant digits), and
//! `+ - * / == != < <= > >=` on numbers are decimal arithmetic, so
//! `100 - 10.1 == 89.9` holds. Integers stay CEL integers.
//!
//! ```
//! use accord_rules::{RuleSpec, Verdict, compile};
//! use serde_json::json;
//!
//! let rule = compile(&RuleSpec::new("charged", "self.amountCharged == self.orderTotal - self.orderDiscount"), &["self"]).unwrap();
//! let ok = json!({"amountCharged": 89.9, "orderTotal": 100, "orderDiscount": 10.1});
//! assert_eq!(rule.evaluate(&[("self", accord_rules::to_cel(&ok, &accord_rules::Decimals::none()))]), Verdict::Pass);
//! let bad = json!({"amountCharged": 90, "orderTotal": 100, "orderDiscount": 10.1});
//! assert!(matches!(rule.evaluate(&[("self", accord_rules::to_cel(&bad, &accord_rules::Decimals::none()))]), Verdict::Fail { .. }));
//! ```

mod compile;
mod decimal;
mod eval;
mod value;

pub use compile::{Literal, Rule, RuleError, RuleErrorKind, RuleSpec, Selection, Where, compile};
pub use eval::Verdict;
pub use value::{Decimals, Projection, to_cel};
