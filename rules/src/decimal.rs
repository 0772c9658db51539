//! Exact decimal numbers inside CEL, and the numeric operators over them.
//!
//! The compiler rewrites `+ - * / == != < <= > >=` and unary `-` into the
//! functions registered here. On two integers they do what CEL does; when a
//! decimal or a double is involved, both sides become decimals and the
//! arithmetic is exact (a double becomes the decimal its shortest printed
//! form names, so the literal `89.9` is exactly 89.9). Anything that is not a
//! number is handed to CEL's own operator.

use cel::objects::{Opaque, Value};
use cel::{ExecutionError, ResolveResult};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::str::FromStr;
use std::sync::Arc;

/// A CEL value holding an exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exact(pub Decimal);

impl Opaque for Exact {
    fn runtime_type_name(&self) -> &str {
        "accord.decimal"
    }
}

/// `value` as a CEL decimal.
pub fn value(d: Decimal) -> Value {
    Value::Opaque(Arc::new(Exact(d.normalize())))
}

/// The decimal a double names when printed shortest (`0.1` is 0.1), if it fits.
pub fn from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_str(&format!("{f}")).ok()
}

/// Parses a decimal string (`-12.50`), as a decimal-tagged field carries it.
pub fn parse(text: &str) -> Option<Decimal> {
    Decimal::from_str(text.trim()).ok()
}

/// A number operand: an integer stays one until it meets a decimal.
enum Num {
    Int(i64),
    Dec(Decimal),
}

fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Int(i) => Some(Num::Int(*i)),
        Value::UInt(u) => Some(i64::try_from(*u).map_or_else(|_| Num::Dec(Decimal::from(*u)), Num::Int)),
        Value::Float(f) => from_f64(*f).map(Num::Dec),
        Value::Opaque(o) => o.downcast_ref::<Exact>().map(|e| Num::Dec(e.0)),
        _ => None,
    }
}

fn dec(n: &Num) -> Decimal {
    match n {
        Num::Int(i) => Decimal::from(*i),
        Num::Dec(d) => *d,
    }
}

fn overflow(op: &str) -> ExecutionError {
    ExecutionError::function_error(op, "the result does not fit in a 28-digit decimal")
}

/// `a OP b` for `+ - * /`.
pub fn arithmetic(op: char, a: &Value, b: &Value) -> ResolveResult {
    match (num(a), num(b)) {
        (Some(Num::Int(_)), Some(Num::Int(_))) | (None, _) | (_, None) => match op {
            '+' => a.clone() + b.clone(),
            '-' => a.clone() - b.clone(),
            '*' => a.clone() * b.clone(),
            _ => a.clone() / b.clone(),
        },
        (Some(x), Some(y)) => {
            let (x, y) = (dec(&x), dec(&y));
            let name = op.to_string();
            let r = match op {
                '+' => x.checked_add(y),
                '-' => x.checked_sub(y),
                '*' => x.checked_mul(y),
                _ if y.is_zero() => return Err(ExecutionError::function_error("/", "division by zero")),
                _ => x.checked_div(y),
            };
            r.map(value).ok_or_else(|| overflow(&name))
        }
    }
}

/// Numeric order of `a` and `b`, or CEL's own for other values.
pub fn compare(a: &Value, b: &Value) -> Result<Ordering, ExecutionError> {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => Ok(dec(&x).cmp(&dec(&y))),
        _ => a.partial_cmp(b).ok_or_else(|| {
            ExecutionError::function_error("compare", format!("cannot order {} and {}", kind(a), kind(b)))
        }),
    }
}

/// Equality: numbers by value (`1 == 1.0`), other values as CEL compares them.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => dec(&x) == dec(&y),
        _ => a == b,
    }
}

/// `-a`.
pub fn negate(a: &Value) -> ResolveResult {
    match num(a) {
        Some(Num::Dec(d)) => Ok(value(-d)),
        Some(Num::Int(i)) => {
            i.checked_neg().map(Value::Int).ok_or_else(|| ExecutionError::function_error("-", "integer overflow"))
        }
        None => Err(ExecutionError::function_error("-", format!("cannot negate {}", kind(a)))),
    }
}

/// `decimal(x)`: a number or a decimal string as an exact decimal.
pub fn convert(a: &Value) -> ResolveResult {
    let d = match (num(a), a) {
        (Some(n), _) => Some(dec(&n)),
        (None, Value::String(s)) => parse(s),
        _ => None,
    };
    d.map(value).ok_or_else(|| ExecutionError::function_error("decimal", format!("{} is not a decimal", kind(a))))
}

/// The CEL type of a value, in words.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        Value::Function(..) => "a function",
        Value::Int(_) | Value::UInt(_) => "an integer",
        Value::Float(_) => "a double",
        Value::String(_) => "a string",
        Value::Bytes(_) => "bytes",
        Value::Bool(_) => "a bool",
        Value::Opaque(_) => "a decimal",
        Value::Null => "null",
        _ => "a value",
    }
}

/// `string(x)`, `double(x)`, `int(x)` as CEL has them, decimals included.
pub fn conversion(to: &str, a: &Value) -> ResolveResult {
    use rust_decimal::prelude::ToPrimitive;
    let fail = || ExecutionError::function_error(to, format!("cannot convert {} to {to}", kind(a)));
    match (to, a) {
        ("string", Value::String(_)) => Ok(a.clone()),
        ("string", Value::Int(i)) => Ok(Value::String(Arc::new(i.to_string()))),
        ("string", Value::UInt(u)) => Ok(Value::String(Arc::new(u.to_string()))),
        ("string", Value::Float(f)) => Ok(Value::String(Arc::new(f.to_string()))),
        ("string", Value::Bool(b)) => Ok(Value::String(Arc::new(b.to_string()))),
        ("string", Value::Bytes(b)) => {
            String::from_utf8(b.to_vec()).map(|s| Value::String(Arc::new(s))).map_err(|_| fail())
        }
        ("double", Value::Float(_)) => Ok(a.clone()),
        ("double", Value::Int(i)) => Ok(Value::Float(*i as f64)),
        ("double", Value::UInt(u)) => Ok(Value::Float(*u as f64)),
        ("double", Value::String(s)) => s.trim().parse::<f64>().map(Value::Float).map_err(|_| fail()),
        ("int", Value::Int(_)) => Ok(a.clone()),
        ("int", Value::UInt(u)) => i64::try_from(*u).map(Value::Int).map_err(|_| fail()),
        ("int", Value::Float(f)) if f.is_finite() && f.abs() < 9.2e18 => Ok(Value::Int(f.trunc() as i64)),
        ("int", Value::String(s)) => s.trim().parse::<i64>().map(Value::Int).map_err(|_| fail()),
        (_, Value::Opaque(o)) => {
            let d = o.downcast_ref::<Exact>().ok_or_else(fail)?.0;
            match to {
                "string" => Ok(Value::String(Arc::new(d.to_string()))),
                "double" => d.to_f64().map(Value::Float).ok_or_else(fail),
                _ => d.trunc().to_i64().map(Value::Int).ok_or_else(fail),
            }
        }
        _ => Err(fail()),
    }
}
