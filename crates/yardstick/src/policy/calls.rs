//! Every function call of a set of Rego modules, resolved at load time: regorus looks a
//! function up only when evaluation reaches the call, so a misspelled builtin behind a
//! guard would otherwise surface as an error cell for every entity.
//!
//! The walk uses regorus's syntax tree (`regorus::unstable`, pinned in Cargo.toml) and
//! resolves names the way regorus 0.14's interpreter does (`eval_call_impl`): an import
//! alias when its target is a function, then a function of the module's package (or the
//! `data.` path written out), then `print`, then the builtins compiled into this build that
//! are not refused (`unavailable`).

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Literal, Module, Query, Ref, Rule, RuleHead};

use super::load::in_characters;
use super::unavailable::{callable_builtins, refused_builtin, unavailable_builtin};
use super::PolicyError;

/// Functions defined by the modules: `data.<package>.<name>` to arity.
type Functions = BTreeMap<String, usize>;

/// Problems with the calls of `modules` (`(origin, source)` pairs), reported only for the
/// modules whose origin is in `report`. The modules must parse (see `check_syntax`); one
/// that does not is reported as regorus words it.
pub(crate) fn check_calls(modules: &[(&str, &str)], report: &BTreeSet<&str>) -> Vec<PolicyError> {
    let mut engine = regorus::Engine::new();
    let mut errors = Vec::new();
    for (origin, text) in modules {
        if let Err(e) = engine.add_policy((*origin).to_string(), (*text).to_string()) {
            if report.contains(origin) {
                let error = super::regorus_error(origin, &e.to_string());
                errors.push(in_characters(error, modules));
            }
        }
    }
    let parsed = engine.get_modules().clone();
    let functions = defined_functions(&parsed);
    for module in &parsed {
        let origin = module.package.span.source.file();
        if !report.contains(origin.as_str()) {
            continue;
        }
        let scope = ModuleScope::new(module, &functions);
        for call in calls_of(module) {
            if let Some(error) = scope.check(&call) {
                errors.push(error);
            }
        }
    }
    errors
}

/// A call found in a module, and whether it may take one extra (output) argument.
struct Call {
    expr: Ref<Expr>,
    /// The call is a whole statement (`f(x, out)`) or the domain of `some … in`: there
    /// regorus, like OPA, binds one argument beyond the function's arity to its result.
    output_allowed: bool,
}

/// Every call expression of a module: heads, bodies, `else` branches, comprehensions,
/// `some`, `every`, `with` modifiers and arguments of other calls. Iterative: a deep
/// reference chain does not exhaust the stack.
fn calls_of(module: &Module) -> Vec<Call> {
    let mut pending: Vec<(Ref<Expr>, bool)> = Vec::new();
    let mut queries: Vec<Ref<Query>> = Vec::new();
    for rule in &module.policy {
        match rule.as_ref() {
            Rule::Spec { head, bodies, .. } => {
                let (refr, extra, assign) = match head {
                    RuleHead::Compr { refr, assign, .. } => (refr, Vec::new(), assign),
                    RuleHead::Set { refr, key, .. } => (refr, key.iter().cloned().collect(), &None),
                    RuleHead::Func {
                        refr, args, assign, ..
                    } => (refr, args.clone(), assign),
                };
                pending.push((refr.clone(), false));
                pending.extend(extra.into_iter().map(|e| (e, false)));
                pending.extend(assign.iter().map(|a| (a.value.clone(), false)));
                for body in bodies {
                    pending.extend(body.assign.iter().map(|a| (a.value.clone(), false)));
                    queries.push(body.query.clone());
                }
            }
            Rule::Default {
                refr, args, value, ..
            } => {
                pending.push((refr.clone(), false));
                pending.extend(args.iter().map(|a| (a.clone(), false)));
                pending.push((value.clone(), false));
            }
        }
    }
    let mut calls = Vec::new();
    while !pending.is_empty() || !queries.is_empty() {
        while let Some(query) = queries.pop() {
            push_query(&query, &mut pending, &mut queries);
        }
        while let Some((expr, output_allowed)) = pending.pop() {
            push_children(&expr, &mut pending, &mut queries);
            if matches!(expr.as_ref(), Expr::Call { .. }) {
                calls.push(Call {
                    expr,
                    output_allowed,
                });
            }
        }
    }
    calls.sort_by_key(|c| (c.expr.span().line, c.expr.span().col));
    calls
}

/// The expressions and nested queries of a query's statements.
pub(super) fn push_query(
    query: &Query,
    pending: &mut Vec<(Ref<Expr>, bool)>,
    queries: &mut Vec<Ref<Query>>,
) {
    for stmt in &query.stmts {
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                pending.extend(key.iter().map(|k| (k.clone(), false)));
                pending.push((value.clone(), false));
                pending.push((collection.clone(), true));
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                pending.push((expr.clone(), true));
            }
            Literal::Every { domain, query, .. } => {
                pending.push((domain.clone(), false));
                queries.push(query.clone());
            }
        }
        for with in &stmt.with_mods {
            pending.push((with.refr.clone(), false));
            pending.push((with.r#as.clone(), false));
        }
    }
}

/// The sub-expressions (and comprehension queries) of an expression.
pub(super) fn push_children(
    expr: &Expr,
    pending: &mut Vec<(Ref<Expr>, bool)>,
    queries: &mut Vec<Ref<Query>>,
) {
    let mut push = |e: &Ref<Expr>| pending.push((e.clone(), false));
    match expr {
        Expr::String { .. }
        | Expr::RawString { .. }
        | Expr::Number { .. }
        | Expr::Bool { .. }
        | Expr::Null { .. }
        | Expr::Var { .. } => {}
        Expr::Array { items, .. } | Expr::Set { items, .. } => items.iter().for_each(push),
        Expr::Object { fields, .. } => fields.iter().for_each(|(_, k, v)| {
            push(k);
            push(v);
        }),
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            push(term);
            queries.push(query.clone());
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            push(key);
            push(value);
            queries.push(query.clone());
        }
        // The function name itself is a reference, not a call.
        Expr::Call { params, .. } => params.iter().for_each(push),
        Expr::UnaryExpr { expr, .. } => push(expr),
        Expr::RefDot { refr, .. } => push(refr),
        Expr::RefBrack { refr, index, .. } => {
            push(refr);
            push(index);
        }
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            push(lhs);
            push(rhs);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            key.iter().for_each(&mut push);
            push(value);
            push(collection);
        }
    }
}

/// The dotted path of a plain reference (`a`, `a.b`, `a["b"]`); `None` for anything else.
pub(super) fn path_of(expr: &Expr) -> Option<String> {
    let mut parts = Vec::new();
    let mut at = expr;
    loop {
        match at {
            Expr::Var { span, .. } => {
                parts.push(span.text().to_string());
                break;
            }
            Expr::RefDot { refr, field, .. } => {
                parts.push(field.0.text().to_string());
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                let Expr::String { value, .. } = index.as_ref() else {
                    return None;
                };
                parts.push(value.as_string().ok()?.to_string());
                at = refr;
            }
            _ => return None,
        }
    }
    parts.reverse();
    Some(parts.join("."))
}

/// Every function rule (and `default f(_) := …`) of the modules, by full path.
fn defined_functions(modules: &[Ref<Module>]) -> Functions {
    let mut functions = Functions::new();
    for module in modules {
        let Some(package) = path_of(&module.package.refr) else {
            continue;
        };
        for rule in &module.policy {
            let (refr, arity) = match rule.as_ref() {
                Rule::Spec {
                    head: RuleHead::Func { refr, args, .. },
                    ..
                } => (refr, args.len()),
                Rule::Default { refr, args, .. } if !args.is_empty() => (refr, args.len()),
                _ => continue,
            };
            if let Some(name) = path_of(refr) {
                functions.insert(format!("data.{package}.{name}"), arity);
            }
        }
    }
    functions
}

/// What a call's name means in one module.
struct ModuleScope<'f> {
    /// `data.<package>`.
    package: String,
    /// Import alias to its target path (`lib` → `data.lib`).
    imports: BTreeMap<String, String>,
    functions: &'f Functions,
}

/// What a called name resolved to.
enum Callee {
    /// `print`: any number of arguments.
    Print,
    /// A builtin or user function, and its arity.
    Function(usize),
}

impl<'f> ModuleScope<'f> {
    fn new(module: &Module, functions: &'f Functions) -> Self {
        let package = format!("data.{}", path_of(&module.package.refr).unwrap_or_default());
        let imports = module
            .imports
            .iter()
            .filter_map(|import| {
                let target = path_of(&import.refr)?;
                if !target.starts_with("data.") {
                    return None;
                }
                let alias = match &import.r#as {
                    Some(alias) => alias.text().to_string(),
                    None => target.rsplit('.').next()?.to_string(),
                };
                Some((alias, target))
            })
            .collect();
        ModuleScope {
            package,
            imports,
            functions,
        }
    }

    /// The error of one call, if any.
    fn check(&self, call: &Call) -> Option<PolicyError> {
        let Expr::Call {
            span, fcn, params, ..
        } = call.expr.as_ref()
        else {
            return None;
        };
        // The call's span starts at its parenthesis; the name's is where the call starts.
        let at = fcn.span();
        let error = |message: String| PolicyError {
            file: span.source.file().to_string(),
            line: at.line as usize,
            column: character_column(at.source.contents(), at.start as usize),
            message,
        };
        let Some(name) = path_of(fcn) else {
            return Some(error(format!(
                "`{}` is not a function name",
                fcn.span().text()
            )));
        };
        let given = params.len();
        match self.resolve(&name) {
            Some(Callee::Print) => None,
            Some(Callee::Function(arity))
                if given == arity || (call.output_allowed && given == arity + 1) =>
            {
                None
            }
            Some(Callee::Function(arity)) => Some(error(format!(
                "`{name}` takes {arity} argument{}, but is given {given}",
                if arity == 1 { "" } else { "s" }
            ))),
            None => Some(error(self.unknown(&name))),
        }
    }

    fn resolve(&self, name: &str) -> Option<Callee> {
        let (root, rest) = name.split_once('.').unwrap_or((name, ""));
        if let Some(target) = self.imports.get(root) {
            let full = if rest.is_empty() {
                target.clone()
            } else {
                format!("{target}.{rest}")
            };
            if let Some(arity) = self.functions.get(&full) {
                return Some(Callee::Function(*arity));
            }
        }
        let full = if root == "data" {
            name.to_string()
        } else {
            format!("{}.{name}", self.package)
        };
        if let Some(arity) = self.functions.get(&full) {
            return Some(Callee::Function(*arity));
        }
        if name == "print" {
            return Some(Callee::Print);
        }
        if refused_builtin(name).is_some() {
            return None;
        }
        regorus::unstable::BUILTINS
            .get(name)
            .map(|(_, arity)| Callee::Function(usize::from(*arity)))
    }

    /// The message for a name that resolves to nothing.
    fn unknown(&self, name: &str) -> String {
        if let Some(why) = unavailable_builtin(name) {
            return why;
        }
        let mut message = format!("unknown function `{name}`");
        if let Some(near) = self.nearest(name) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        message
    }

    /// The visible name closest to `name`, when it is close enough to be a typo.
    fn nearest(&self, name: &str) -> Option<String> {
        let own = format!("{}.", self.package);
        let local = self
            .functions
            .keys()
            .filter_map(|f| f.strip_prefix(&own).map(str::to_string));
        let imported = self.functions.keys().flat_map(|f| {
            self.imports.iter().filter_map(move |(alias, target)| {
                f.strip_prefix(target.as_str())
                    .and_then(|rest| rest.strip_prefix('.'))
                    .map(|rest| format!("{alias}.{rest}"))
            })
        });
        let builtins = callable_builtins().into_iter().map(str::to_string);
        let candidates: Vec<String> = local.chain(imported).chain(builtins).collect();
        nearest_name(name, candidates.iter().map(String::as_str)).map(str::to_string)
    }
}

/// The candidate closest to `name` when it is close enough to be a typo of it (a few edits,
/// fewer for short names); the alphabetically first among equally close ones.
pub(crate) fn nearest_name<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    crate::util::edit_distance::nearest_within(name, candidates, limit)
}

/// The 1-based column, in characters, of byte `offset` of `text`.
fn character_column(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    before[line_start..].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use crate::util::edit_distance::distance as edit_distance;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("is_numbr", "is_number"), 1);
        assert_eq!(edit_distance("count", "count"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
