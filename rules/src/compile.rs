//! Compiling a rule: parse the CEL, check every name is in scope, rewrite the
//! numeric operators to their exact decimal versions, and record the field
//! selections the catalog checks against the schema.

use cel::common::ast::{CallExpr, Expr, IdedExpr, LiteralValue, SourceInfo, operators};
use cel::parser::Parser;
use std::fmt;
use thiserror::Error;

/// A rule as written in a schema or an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec<'a> {
    /// Stable id, reported with every failure.
    pub id: &'a str,
    /// The CEL expression; true means the rule holds.
    pub rule: &'a str,
    /// Fixed message for a failure.
    pub message: Option<&'a str>,
    /// CEL expression giving the message (a string), over the same names.
    pub message_expression: Option<&'a str>,
    /// Where a failure points, below the place the rule applies: `.a.b`,
    /// `.items[0]` or `.map['key']` (Kubernetes' `fieldPath` syntax).
    pub field_path: Option<&'a str>,
}

impl<'a> RuleSpec<'a> {
    /// A rule with an id and an expression, and nothing else.
    pub fn new(id: &'a str, rule: &'a str) -> Self {
        RuleSpec { id, rule, message: None, message_expression: None, field_path: None }
    }
}

/// Which text of a rule an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// `rule`.
    Rule,
    /// `messageExpression`.
    MessageExpression,
    /// `fieldPath`.
    FieldPath,
}

impl Where {
    /// The key of the rule object it names.
    pub fn key(self) -> &'static str {
        match self {
            Where::Rule => "rule",
            Where::MessageExpression => "messageExpression",
            Where::FieldPath => "fieldPath",
        }
    }
}

/// What kind of mistake a rule has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleErrorKind {
    /// The text is not CEL.
    Syntax,
    /// A name that is not in scope.
    UnknownVariable,
    /// An operation on a value of the wrong type (found by the catalog, which knows the schema).
    Type,
    /// A `fieldPath` that is not a path, or that cannot exist in the schema.
    FieldPath,
}

/// A rule that does not compile: what, where in which text, and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct RuleError {
    /// The kind of mistake.
    pub kind: RuleErrorKind,
    /// Which text it is in.
    pub within: Where,
    /// 1-based line inside that text.
    pub line: usize,
    /// 1-based column (in characters) inside that text.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            RuleErrorKind::Syntax => "syntax error",
            RuleErrorKind::UnknownVariable => "unknown variable",
            RuleErrorKind::Type => "type error",
            RuleErrorKind::FieldPath => "bad fieldPath",
        };
        write!(f, "{kind} in `{}` at {}:{}: {}", self.within.key(), self.line, self.column, self.message)
    }
}

/// The kind of a literal a selection is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// `true`, `false`.
    Bool,
    /// An integer, unsigned or decimal literal.
    Number,
    /// A string literal.
    String,
    /// `null`.
    Null,
}

/// A field selection rooted at a variable (`self.orders.testOrder`), with
/// where it is written and what it is compared with, if a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The variable (`self`, `request`).
    pub root: String,
    /// The fields selected, outermost first.
    pub path: Vec<String>,
    /// Whether it is a presence test (`has(self.a)`).
    pub test: bool,
    /// 1-based line of the selection in the rule.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The literal it is compared with by `==`, `!=`, `<`, ... if any.
    pub compared_with: Option<Literal>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its id.
    pub id: String,
    /// The expression as written.
    pub source: String,
    /// The fixed message, if any.
    pub message: Option<String>,
    /// `fieldPath` as written.
    pub field_path: Option<String>,
    /// `fieldPath` as segments (a property name or an array index).
    pub field_segments: Vec<String>,
    pub(crate) expr: IdedExpr,
    pub(crate) message_expr: Option<IdedExpr>,
    /// Field selections rooted at a variable, for the schema checks.
    pub selections: Vec<Selection>,
    /// What the rule and its message read: (variable, path; `*` for every
    /// item of a list it iterates). A value is converted for CEL only as far
    /// as some rule reads it (see [`crate::Projection`]).
    pub uses: Vec<(String, Vec<String>)>,
}

/// The operators rewritten to exact decimal arithmetic, and the functions that replace them.
pub(crate) const EXACT: &[(&str, &str)] = &[
    (operators::ADD, "__accord_add"),
    (operators::SUBSTRACT, "__accord_sub"),
    (operators::MULTIPLY, "__accord_mul"),
    (operators::DIVIDE, "__accord_div"),
    (operators::EQUALS, "__accord_eq"),
    (operators::NOT_EQUALS, "__accord_ne"),
    (operators::LESS, "__accord_lt"),
    (operators::LESS_EQUALS, "__accord_le"),
    (operators::GREATER, "__accord_gt"),
    (operators::GREATER_EQUALS, "__accord_ge"),
    (operators::NEGATE, "__accord_neg"),
    ("string", "__accord_string"),
    ("double", "__accord_double"),
    ("int", "__accord_int"),
];

/// Conversions that must also understand decimals.
const CONVERSIONS: &[&str] = &["string", "double", "int"];

/// Compiles `spec`; `variables` are the names the expressions may use.
pub fn compile(spec: &RuleSpec, variables: &[&str]) -> Result<Rule, RuleError> {
    let (expr, selections) = parse(spec.rule, variables, Where::Rule)?;
    let message_expr = match spec.message_expression {
        Some(text) => Some(parse(text, variables, Where::MessageExpression)?.0),
        None => None,
    };
    let mut uses = Vec::new();
    for e in std::iter::once(&expr).chain(message_expr.as_ref()) {
        reads(e, variables, &mut Vec::new(), &mut uses);
    }
    let field_segments = match spec.field_path {
        Some(path) => field_path(path)?,
        None => Vec::new(),
    };
    Ok(Rule {
        id: spec.id.to_string(),
        source: spec.rule.to_string(),
        message: spec.message.map(str::to_string),
        field_path: spec.field_path.map(str::to_string),
        field_segments,
        expr,
        message_expr,
        selections,
        uses,
    })
}

/// A comprehension variable and what it stands for: (variable, path) of the
/// list element it iterates, or `None` for a computed list or an accumulator.
type Bound = (String, Option<(String, Vec<String>)>);

/// The (variable, path) a chain of selections ends at, through comprehension variables.
fn resolve(e: &IdedExpr, variables: &[&str], scope: &[Bound]) -> Option<(String, Vec<String>)> {
    let mut path = Vec::new();
    let mut cur = e;
    loop {
        match &cur.expr {
            Expr::Select(s) => {
                path.push(s.field.clone());
                cur = &s.operand;
            }
            Expr::Ident(name) => {
                path.reverse();
                if let Some((_, bound)) = scope.iter().rev().find(|(n, _)| n == name) {
                    return bound.as_ref().map(|(root, p)| (root.clone(), p.iter().cloned().chain(path).collect()));
                }
                return variables.contains(&name.as_str()).then(|| (name.clone(), path));
            }
            _ => return None,
        }
    }
}

/// Everything `e` reads of the variables (see [`Rule::uses`]).
fn reads(e: &IdedExpr, variables: &[&str], scope: &mut Vec<Bound>, out: &mut Vec<(String, Vec<String>)>) {
    match &e.expr {
        Expr::Select(_) | Expr::Ident(_) => match resolve(e, variables, scope) {
            // `has(self.a)` reads only whether `a` is there: `?` marks a presence test.
            Some((root, mut path)) if matches!(&e.expr, Expr::Select(s) if s.test) => {
                path.push("?".to_string());
                out.push((root, path));
            }
            Some(u) => out.push(u),
            None => {
                if let Expr::Select(s) = &e.expr {
                    reads(&s.operand, variables, scope, out);
                }
            }
        },
        Expr::Comprehension(c) => {
            // Iterating a list read from a variable: its items are read only as far as the body reads them.
            let range = resolve(&c.iter_range, variables, scope).filter(|_| c.iter_var2.is_none());
            let bound = range.map(|(root, mut p)| {
                p.push("*".to_string());
                (root, p)
            });
            if bound.is_none() {
                reads(&c.iter_range, variables, scope, out);
            }
            reads(&c.accu_init, variables, scope, out);
            let depth = scope.len();
            scope.push((c.iter_var.clone(), bound));
            if let Some(v) = &c.iter_var2 {
                scope.push((v.clone(), None));
            }
            scope.push((c.accu_var.clone(), None));
            for x in [&c.loop_cond, &c.loop_step, &c.result] {
                reads(x, variables, scope, out);
            }
            scope.truncate(depth);
        }
        Expr::Call(call) => {
            for x in call.target.iter().map(|t| &**t).chain(&call.args) {
                reads(x, variables, scope, out);
            }
        }
        Expr::List(l) => l.elements.iter().for_each(|x| reads(x, variables, scope, out)),
        Expr::Map(m) => {
            for entry in &m.entries {
                if let cel::common::ast::EntryExpr::MapEntry(me) = &entry.expr {
                    reads(&me.key, variables, scope, out);
                    reads(&me.value, variables, scope, out);
                }
            }
        }
        Expr::Struct(st) => {
            for entry in &st.entries {
                if let cel::common::ast::EntryExpr::StructField(f) = &entry.expr {
                    reads(&f.value, variables, scope, out);
                }
            }
        }
        Expr::Literal(_) | Expr::Unspecified => {}
    }
}

fn parse(text: &str, variables: &[&str], within: Where) -> Result<(IdedExpr, Vec<Selection>), RuleError> {
    let (mut expr, info) = Parser::new().parse_with_source_info(text).map_err(|e| {
        let first = e.errors.first();
        let (line, column) = first.map_or((1, 1), |e| (e.pos.0.max(1) as usize, e.pos.1.max(0) as usize + 1));
        RuleError {
            kind: RuleErrorKind::Syntax,
            within,
            line,
            column,
            message: first.map_or_else(|| "not a CEL expression".to_string(), |e| e.msg.clone()),
        }
    })?;
    let mut walk = Walk { info: &info, variables, scope: Vec::new(), selections: Vec::new(), within };
    walk.expr(&mut expr)?;
    Ok((expr, walk.selections))
}

struct Walk<'a> {
    info: &'a SourceInfo,
    variables: &'a [&'a str],
    /// Comprehension variables in scope (`o` in `self.orders.all(o, ...)`).
    scope: Vec<String>,
    selections: Vec<Selection>,
    within: Where,
}

impl Walk<'_> {
    fn at(&self, id: u64) -> (usize, usize) {
        self.info.offset_for(id).map_or((1, 1), |(start, _)| line_column(&self.info.source, start as usize))
    }

    fn expr(&mut self, e: &mut IdedExpr) -> Result<(), RuleError> {
        let id = e.id;
        if matches!(e.expr, Expr::Select(_))
            && let Some(sel) = self.selection(e, None)
        {
            self.selections.push(sel);
        }
        match &mut e.expr {
            Expr::Ident(name) => {
                // Names the parser makes up for comprehensions start with `@`.
                if !name.starts_with('@') && !self.variables.contains(&name.as_str()) && !self.scope.contains(name) {
                    let (line, column) = self.at(id);
                    let known = self.variables.join("`, `");
                    return Err(RuleError {
                        kind: RuleErrorKind::UnknownVariable,
                        within: self.within,
                        line,
                        column,
                        message: format!("`{name}` is not defined here; the names in scope are `{known}`"),
                    });
                }
            }
            Expr::Select(s) => {
                // Only the outermost selection of a chain is recorded.
                if let Expr::Select(inner) = &mut s.operand.expr {
                    let operand = &mut inner.operand;
                    self.chain(operand)?;
                } else {
                    self.expr(&mut s.operand)?;
                }
            }
            Expr::Call(call) => {
                // A comparison of a selection with a literal: remember the literal's kind.
                if call.target.is_none() && call.args.len() == 2 && is_comparison(&call.func_name) {
                    for (a, b) in [(0, 1), (1, 0)] {
                        if let Some(kind) = literal_kind(&call.args[b])
                            && let Some(sel) = self.selection(&call.args[a], Some(kind))
                        {
                            self.selections.push(sel);
                        }
                    }
                }
                self.call(call)?;
            }
            Expr::Comprehension(c) => {
                self.expr(&mut c.iter_range)?;
                self.expr(&mut c.accu_init)?;
                let pushed = 2 + usize::from(c.iter_var2.is_some());
                self.scope.push(c.iter_var.clone());
                self.scope.push(c.accu_var.clone());
                if let Some(v) = &c.iter_var2 {
                    self.scope.push(v.clone());
                }
                let r = self
                    .expr(&mut c.loop_cond)
                    .and_then(|()| self.expr(&mut c.loop_step))
                    .and_then(|()| self.expr(&mut c.result));
                self.scope.truncate(self.scope.len() - pushed);
                r?;
            }
            Expr::List(l) => {
                for x in &mut l.elements {
                    self.expr(x)?;
                }
            }
            Expr::Map(m) => {
                for entry in &mut m.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(me) = &mut entry.expr {
                        self.expr(&mut me.key)?;
                        self.expr(&mut me.value)?;
                    }
                }
            }
            Expr::Struct(s) => {
                for entry in &mut s.entries {
                    if let cel::common::ast::EntryExpr::StructField(f) = &mut entry.expr {
                        self.expr(&mut f.value)?;
                    }
                }
            }
            Expr::Literal(_) | Expr::Unspecified => {}
        }
        Ok(())
    }

    /// Walks below a selection chain without recording its inner selections.
    fn chain(&mut self, e: &mut IdedExpr) -> Result<(), RuleError> {
        match &mut e.expr {
            Expr::Select(s) => self.chain(&mut s.operand),
            _ => self.expr(e),
        }
    }

    fn call(&mut self, call: &mut CallExpr) -> Result<(), RuleError> {
        if let Some(t) = &mut call.target {
            self.expr(t)?;
        }
        for a in &mut call.args {
            self.expr(a)?;
        }
        let arity =
            if call.func_name == operators::NEGATE || CONVERSIONS.contains(&call.func_name.as_str()) { 1 } else { 2 };
        // A comprehension's accumulator (`@result + [x]` in `filter`/`map`) and
        // list literals keep CEL's own operator: it appends in place, where a
        // function call would copy the list at every step.
        // A comparison with a literal that is no number (`o.testOrder == false`)
        // is no numeric operation either: CEL's own operator is cheaper.
        let list_op = call.args.iter().any(|a| match &a.expr {
            Expr::Ident(name) => name.starts_with('@'),
            Expr::List(_) => true,
            Expr::Literal(
                LiteralValue::Boolean(_) | LiteralValue::String(_) | LiteralValue::Null | LiteralValue::Bytes(_),
            ) => true,
            _ => false,
        });
        if call.target.is_none()
            && call.args.len() == arity
            && !list_op
            && let Some((_, exact)) = EXACT.iter().find(|(op, _)| *op == call.func_name)
        {
            call.func_name = exact.to_string();
        }
        Ok(())
    }

    /// `root.a.b` (a chain of selections down to a variable in scope, not a
    /// comprehension variable), with the position of the outermost field.
    fn selection(&self, e: &IdedExpr, compared_with: Option<Literal>) -> Option<Selection> {
        let mut path = Vec::new();
        let mut cur = e;
        let mut test = false;
        loop {
            match &cur.expr {
                Expr::Select(s) => {
                    path.push(s.field.clone());
                    test |= s.test && path.len() == 1;
                    cur = &s.operand;
                }
                Expr::Ident(root) if !path.is_empty() && self.variables.contains(&root.as_str()) => {
                    path.reverse();
                    let (line, column) = self.at(e.id);
                    return Some(Selection { root: root.clone(), path, test, line, column, compared_with });
                }
                _ => return None,
            }
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn is_comparison(f: &str) -> bool {
    [
        operators::EQUALS,
        operators::NOT_EQUALS,
        operators::LESS,
        operators::LESS_EQUALS,
        operators::GREATER,
        operators::GREATER_EQUALS,
    ]
    .contains(&f)
}

fn literal_kind(e: &IdedExpr) -> Option<Literal> {
    match &e.expr {
        Expr::Literal(LiteralValue::Boolean(_)) => Some(Literal::Bool),
        Expr::Literal(LiteralValue::Int(_) | LiteralValue::UInt(_) | LiteralValue::Double(_)) => Some(Literal::Number),
        Expr::Literal(LiteralValue::String(_)) => Some(Literal::String),
        Expr::Literal(LiteralValue::Null) => Some(Literal::Null),
        _ => None,
    }
}

/// `.a.b`, `.items[0]`, `.map['key']` (a leading `self` allowed) as segments.
fn field_path(path: &str) -> Result<Vec<String>, RuleError> {
    let bad = |column: usize, message: String| RuleError {
        kind: RuleErrorKind::FieldPath,
        within: Where::FieldPath,
        line: 1,
        column,
        message,
    };
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    if path.starts_with("self") {
        i = 4;
    }
    let mut out = Vec::new();
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$') {
                    j += 1;
                }
                if j == start {
                    return Err(bad(i + 1, "expected a field name after `.`".into()));
                }
                out.push(chars[start..j].iter().collect());
                i = j;
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').map(|p| p + i);
                let Some(close) = close else { return Err(bad(i + 1, "`[` without `]`".into())) };
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                let key = if let Some(q) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                    q.to_string()
                } else if let Some(q) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    q.to_string()
                } else if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
                    inner.to_string()
                } else {
                    return Err(bad(i + 2, format!("`[{inner}]` is neither an index nor a quoted key")));
                };
                out.push(key);
                i = close + 1;
            }
            c => return Err(bad(i + 1, format!("unexpected `{c}`; a fieldPath looks like `.a.b[0]`"))),
        }
    }
    if out.is_empty() {
        return Err(bad(1, "a fieldPath names at least one field, e.g. `.total`".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(rule: &str) -> RuleError {
        compile(&RuleSpec::new("r", rule), &["self"]).unwrap_err()
    }

    #[test]
    fn syntax_errors_name_the_column() {
        let e = err("self.a == ");
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.line, 1);
        assert!(e.column >= 9, "{e}");
    }

    #[test]
    fn unknown_names_are_refused_with_their_column() {
        let e = err("self.a == other.b");
        assert_eq!(e.kind, RuleErrorKind::UnknownVariable);
        assert_eq!((e.line, e.column), (1, 11), "{e}");
        // Comprehension variables are in scope inside their macro only.
        assert!(compile(&RuleSpec::new("r", "self.orders.all(o, o.total > 0)"), &["self"]).is_ok());
        assert_eq!(err("self.orders.all(o, o.total > 0) && o.x").kind, RuleErrorKind::UnknownVariable);
    }

    #[test]
    fn selections_are_recorded_with_what_they_are_compared_with() {
        let r = compile(&RuleSpec::new("r", "self.total.count == 'x' && has(self.flag)"), &["self"]).unwrap();
        let paths: Vec<(Vec<String>, Option<Literal>)> =
            r.selections.iter().map(|s| (s.path.clone(), s.compared_with)).collect();
        assert!(paths.contains(&(vec!["total".into(), "count".into()], Some(Literal::String))), "{paths:?}");
        assert!(paths.contains(&(vec!["flag".into()], None)), "{paths:?}");
    }

    #[test]
    fn comprehensions_stay_linear() {
        use crate::{Decimals, Verdict, to_cel};
        let r = compile(&RuleSpec::new("r", "size(self.l.filter(x, x % 2 == 0)) == 25000"), &["self"]).unwrap();
        let list: Vec<i64> = (0..50_000).collect();
        let v = to_cel(&serde_json::json!({"l": list}), &Decimals::none());
        // Quadratic accumulation would take minutes here; linear takes milliseconds.
        assert_eq!(r.evaluate(&[("self", v)]), Verdict::Pass);
    }

    #[test]
    fn field_paths_parse_or_say_why_not() {
        assert_eq!(field_path(".a.b[0]['x y']").unwrap(), ["a", "b", "0", "x y"]);
        assert_eq!(field_path("self.total").unwrap(), ["total"]);
        assert_eq!(field_path(".a..b").unwrap_err().column, 3);
        assert_eq!(field_path("a").unwrap_err().kind, RuleErrorKind::FieldPath);
    }
}
