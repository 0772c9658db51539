//! Evaluating a compiled rule against bound values.

use crate::compile::Rule;
use crate::decimal;
use crate::value::to_text;
use cel::extractors::Arguments;
use cel::objects::Value;
use cel::{Context, ExecutionError, ResolveResult};
use std::cmp::Ordering;

/// What a rule says about a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The rule holds.
    Pass,
    /// The rule does not hold; the message says why.
    Fail {
        /// The rule's message (`messageExpression`, then `message`, then the rule itself).
        message: String,
    },
    /// The rule could not be evaluated on this value (a field it reads is
    /// missing, a value of another type): reported, never taken as a pass.
    Error {
        /// What went wrong.
        message: String,
    },
}

fn two(args: &Arguments) -> Result<(&Value, &Value), ExecutionError> {
    match args.0.as_slice() {
        [a, b] => Ok((a, b)),
        other => Err(ExecutionError::invalid_argument_count(2, other.len())),
    }
}

fn one(args: &Arguments) -> Result<&Value, ExecutionError> {
    match args.0.as_slice() {
        [a] => Ok(a),
        other => Err(ExecutionError::invalid_argument_count(1, other.len())),
    }
}

fn order(args: Arguments, ok: fn(Ordering) -> bool) -> ResolveResult {
    let (a, b) = two(&args)?;
    decimal::compare(a, b).map(|o| Value::Bool(ok(o)))
}

thread_local! {
    /// The functions every evaluation needs, registered once per thread;
    /// each evaluation binds its values in a scope inside it.
    static ROOT: Context<'static, 'static> = base();
}

/// A context with the exact operators, the conversions and `decimal()`.
fn base() -> Context<'static, 'static> {
    let mut ctx = Context::default();
    let add = |ctx: &mut Context, name: &str, f: fn(Arguments) -> ResolveResult| {
        // The names are Accord's own; they cannot clash with the standard library.
        let _ = ctx.add_function(name, f);
    };
    add(&mut ctx, "__accord_add", |a| two(&a).and_then(|(x, y)| decimal::arithmetic('+', x, y)));
    add(&mut ctx, "__accord_sub", |a| two(&a).and_then(|(x, y)| decimal::arithmetic('-', x, y)));
    add(&mut ctx, "__accord_mul", |a| two(&a).and_then(|(x, y)| decimal::arithmetic('*', x, y)));
    add(&mut ctx, "__accord_div", |a| two(&a).and_then(|(x, y)| decimal::arithmetic('/', x, y)));
    add(&mut ctx, "__accord_eq", |a| two(&a).map(|(x, y)| Value::Bool(decimal::equal(x, y))));
    add(&mut ctx, "__accord_ne", |a| two(&a).map(|(x, y)| Value::Bool(!decimal::equal(x, y))));
    add(&mut ctx, "__accord_lt", |a| order(a, Ordering::is_lt));
    add(&mut ctx, "__accord_le", |a| order(a, Ordering::is_le));
    add(&mut ctx, "__accord_gt", |a| order(a, Ordering::is_gt));
    add(&mut ctx, "__accord_ge", |a| order(a, Ordering::is_ge));
    add(&mut ctx, "__accord_neg", |a| one(&a).and_then(decimal::negate));
    add(&mut ctx, "__accord_string", |a| one(&a).and_then(|x| decimal::conversion("string", x)));
    add(&mut ctx, "__accord_double", |a| one(&a).and_then(|x| decimal::conversion("double", x)));
    add(&mut ctx, "__accord_int", |a| one(&a).and_then(|x| decimal::conversion("int", x)));
    add(&mut ctx, "decimal", |a| one(&a).and_then(decimal::convert));
    ctx
}

impl Rule {
    /// Evaluates the rule with `bindings` (`("self", value)`, or `request`,
    /// `response` and `operation`).
    pub fn evaluate(&self, bindings: &[(&str, Value)]) -> Verdict {
        ROOT.with(|root| {
            let mut ctx = root.new_inner_scope();
            for (name, value) in bindings {
                ctx.add_variable_from_value(*name, value.clone());
            }
            self.judge(&ctx)
        })
    }

    fn judge(&self, ctx: &Context) -> Verdict {
        match Value::resolve(&self.expr, ctx) {
            Ok(Value::Bool(true)) => Verdict::Pass,
            Ok(Value::Bool(false)) => Verdict::Fail { message: self.message_for(ctx) },
            Ok(other) => {
                Verdict::Error { message: format!("rule `{}` gave {}, not a bool", self.id, decimal::kind(&other)) }
            }
            Err(e) => Verdict::Error { message: format!("rule `{}` could not be evaluated: {e}", self.id) },
        }
    }

    fn message_for(&self, ctx: &Context) -> String {
        if let Some(expr) = &self.message_expr
            && let Ok(v) = Value::resolve(expr, ctx)
        {
            return to_text(&v);
        }
        match &self.message {
            Some(m) => m.clone(),
            None => format!("failed rule `{}`: {}", self.id, self.source),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Decimals, RuleSpec, Verdict, compile, to_cel};
    use serde_json::json;

    fn verdict(rule: &str, value: serde_json::Value) -> Verdict {
        let r = compile(&RuleSpec::new("r", rule), &["self"]).unwrap();
        r.evaluate(&[("self", to_cel(&value, &Decimals::new(vec![vec!["s".into()]])))])
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(verdict("100 - 10.1 == 89.9", json!({})), Verdict::Pass);
        assert_eq!(verdict("0.1 + 0.2 == 0.3", json!({})), Verdict::Pass);
        assert_eq!(verdict("self.a + self.b == 0.3", json!({"a": 0.1, "b": 0.2})), Verdict::Pass);
        assert_eq!(verdict("self.t - self.d == self.s", json!({"t": 100, "d": 10.1, "s": "89.9"})), Verdict::Pass);
        assert_eq!(verdict("89.9 == self.t - self.d", json!({"t": 100, "d": 10.1})), Verdict::Pass);
        assert_eq!(verdict("self.t * 0.1 == 10", json!({"t": 100})), Verdict::Pass);
        assert_eq!(verdict("-self.d < 0", json!({"d": 10.1})), Verdict::Pass);
        assert!(matches!(verdict("self.a + self.b == 0.31", json!({"a": 0.1, "b": 0.2})), Verdict::Fail { .. }));
    }

    #[test]
    fn integers_and_other_values_behave_as_in_cel() {
        assert_eq!(verdict("self.n / 2 == 3 && size(self.l) == 2", json!({"n": 7, "l": [1, 2]})), Verdict::Pass);
        // `s` is a decimal place, but "a" is no decimal: it stays a string.
        assert_eq!(
            verdict("self.s + 'x' == 'ax' && self.l + [3] == [1, 2, 3]", json!({"s": "a", "l": [1, 2]})),
            Verdict::Pass
        );
        assert_eq!(
            verdict("self.l == [1, 3]", json!({"l": [1, 2]})),
            Verdict::Fail { message: "failed rule `r`: self.l == [1, 3]".into() }
        );
        assert_eq!(verdict("self.q + 'x' == 'ax'", json!({"q": "a"})), Verdict::Pass);
        assert_eq!(
            verdict("self.orders.all(o, o.total >= 0.5)", json!({"orders": [{"total": 1}, {"total": 0.5}]})),
            Verdict::Pass
        );
    }

    #[test]
    fn a_missing_field_is_an_error_not_a_pass() {
        assert!(matches!(verdict("self.missing == 1", json!({})), Verdict::Error { .. }));
        assert!(matches!(verdict("self.n", json!({"n": 1})), Verdict::Error { .. }));
    }

    #[test]
    fn message_expressions_are_evaluated() {
        let r = compile(
            &RuleSpec {
                message_expression: Some("'total is ' + string(self.n) + ', ' + string(self.d * 2)"),
                ..RuleSpec::new("r", "self.n == 2")
            },
            &["self"],
        )
        .unwrap();
        assert_eq!(
            r.evaluate(&[("self", to_cel(&json!({"n": 3, "d": 0.55}), &Decimals::none()))]),
            Verdict::Fail { message: "total is 3, 1.1".into() }
        );
    }
}
