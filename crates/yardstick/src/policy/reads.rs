//! What a check can read, found statically from regorus's syntax tree: the `input` paths
//! its rules reach (following rule and function references through the package and the
//! modules it imports), whether it reads `data`, and whether it calls a builtin whose
//! effect a memoised result would lose. The scorer memoises a check's result on the values
//! at those paths (see `score::memo`).
//!
//! The analysis is conservative: a reference `input.a.b[x]` with a non-constant index reads
//! the whole subtree `input.a.b`; any value passed whole (to a function, a builtin, `walk`)
//! is the subtree at its constant prefix; a bare `input`, `input[x]`, an import of `input`
//! or a `with` modifier makes the reads unbounded.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Module, Query, Ref, Rule, RuleHead};

use super::calls::{path_of, push_children, push_query};
use super::unavailable::refused_builtin;

/// A path below `input`, one field name per step (`["entity", "spec", "owner"]`).
pub(crate) type InputPath = Vec<String>;

/// The `input` a check can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reads {
    /// Only the subtrees at these paths, sorted, none below another.
    Bounded(Vec<InputPath>),
    /// Any part of `input`, and why.
    Unbounded(String),
}

/// What a check can read, and whether its result may be reused for equal reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StaticReads {
    /// The `input` paths.
    pub(crate) input: Reads,
    /// Whether it reads `data` (constant within one report: it does not prevent reuse).
    pub(crate) data: bool,
    /// Why evaluating it twice on equal reads may not be the same as evaluating it once
    /// (a `print`, a refused builtin); `None` when it may.
    pub(crate) not_reusable: Option<String>,
}

impl StaticReads {
    /// The paths a result may be memoised on (bounded reads and nothing that must run
    /// every time), or why it may not be.
    pub(crate) fn memo_paths(&self) -> Result<&[InputPath], &str> {
        match (&self.input, &self.not_reusable) {
            (_, Some(why)) | (Reads::Unbounded(why), None) => Err(why),
            (Reads::Bounded(paths), None) => Ok(paths),
        }
    }
}

/// The reads of the checks in `packages` (each one's `applicable` and `result` rules and all
/// they reach), with `modules` (`(origin, source)` pairs, every module loaded with them)
/// parsed once. Modules that do not parse are skipped (loading has rejected them already).
pub(crate) fn static_reads(modules: &[(&str, &str)], packages: &[&str]) -> Vec<StaticReads> {
    let mut engine = regorus::Engine::new();
    for (origin, text) in modules {
        // A module that does not parse contributes no rules; loading reports it.
        let _ = engine.add_policy((*origin).to_string(), (*text).to_string());
    }
    let parsed = engine.get_modules().clone();
    packages
        .iter()
        .map(|package| {
            let mut walk = Walk::new(&parsed);
            for name in ["applicable", "result"] {
                walk.follow(&format!("data.{package}.{name}"));
            }
            walk.run();
            walk.finish()
        })
        .collect()
}

/// One module's names: its package and its `data` imports.
struct Scope {
    package: String,
    imports: BTreeMap<String, String>,
    imports_input: bool,
}

impl Scope {
    fn new(module: &Module) -> Self {
        let package = format!("data.{}", path_of(&module.package.refr).unwrap_or_default());
        let mut imports = BTreeMap::new();
        let mut imports_input = false;
        for import in &module.imports {
            let Some(target) = path_of(&import.refr) else {
                continue;
            };
            if target == "input" || target.starts_with("input.") {
                imports_input = true;
            }
            if !target.starts_with("data.") {
                continue;
            }
            let alias = match &import.r#as {
                Some(alias) => alias.text().to_string(),
                None => target.rsplit('.').next().unwrap_or_default().to_string(),
            };
            imports.insert(alias, target);
        }
        Scope {
            package,
            imports,
            imports_input,
        }
    }
}

/// The traversal: rules still to read, what has been found.
struct Walk<'m> {
    scopes: Vec<Scope>,
    /// `data.<package>.<first name of the rule>` to the rules so named, with their module.
    rules: BTreeMap<String, Vec<(usize, &'m Ref<Rule>)>>,
    visited: BTreeSet<String>,
    to_visit: Vec<String>,
    paths: BTreeSet<InputPath>,
    unbounded: Option<String>,
    data: bool,
    not_reusable: Option<String>,
}

impl<'m> Walk<'m> {
    fn new(modules: &'m [Ref<Module>]) -> Self {
        let mut rules: BTreeMap<String, Vec<(usize, &'m Ref<Rule>)>> = BTreeMap::new();
        let scopes: Vec<Scope> = modules.iter().map(|m| Scope::new(m)).collect();
        for (index, module) in modules.iter().enumerate() {
            for rule in &module.policy {
                let refr = match rule.as_ref() {
                    Rule::Spec { head, .. } => match head {
                        RuleHead::Compr { refr, .. }
                        | RuleHead::Set { refr, .. }
                        | RuleHead::Func { refr, .. } => refr,
                    },
                    Rule::Default { refr, .. } => refr,
                };
                let (root, _) = constant_chain(refr);
                let key = format!("{}.{}", scopes[index].package, var_name(root));
                rules.entry(key).or_default().push((index, rule));
            }
        }
        Walk {
            scopes,
            rules,
            visited: BTreeSet::new(),
            to_visit: Vec::new(),
            paths: BTreeSet::new(),
            unbounded: None,
            data: false,
            not_reusable: None,
        }
    }

    /// Queues every rule the `data` path `path` can refer to (a rule, a rule's field, or a
    /// package holding rules); true when there is one.
    fn follow(&mut self, path: &str) -> bool {
        let matching: Vec<String> = self
            .rules
            .keys()
            .filter(|key| related(key, path))
            .cloned()
            .collect();
        let found = !matching.is_empty();
        for key in matching {
            if self.visited.insert(key.clone()) {
                self.to_visit.push(key);
            }
        }
        found
    }

    fn run(&mut self) {
        while let Some(key) = self.to_visit.pop() {
            if self.unbounded.is_some() {
                return;
            }
            let rules = self.rules.get(&key).cloned().unwrap_or_default();
            for (module, rule) in rules {
                if self.scopes[module].imports_input {
                    self.unbounded = Some("a module imports `input`".into());
                    return;
                }
                let (exprs, queries) = rule_parts(rule);
                self.walk(module, exprs, queries);
            }
        }
    }

    /// Reads every expression and query reachable from `exprs` and `queries`.
    fn walk(&mut self, module: usize, mut exprs: Vec<Ref<Expr>>, mut queries: Vec<Ref<Query>>) {
        let mut children: Vec<(Ref<Expr>, bool)> = Vec::new();
        while !exprs.is_empty() || !queries.is_empty() {
            while let Some(query) = queries.pop() {
                if query.stmts.iter().any(|s| !s.with_mods.is_empty()) {
                    self.unbounded = Some("a rule uses `with`".into());
                    return;
                }
                push_query(&query, &mut children, &mut queries);
                exprs.extend(children.drain(..).map(|(e, _)| e));
            }
            while let Some(expr) = exprs.pop() {
                match expr.as_ref() {
                    Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } => {
                        self.reference(module, &expr, &mut exprs);
                    }
                    Expr::Call { fcn, params, .. } => {
                        self.call(module, fcn);
                        exprs.extend(params.iter().cloned());
                    }
                    other => {
                        push_children(other, &mut children, &mut queries);
                        exprs.extend(children.drain(..).map(|(e, _)| e));
                    }
                }
            }
        }
    }

    /// A reference chain: `input…`, `data…`, an imported package, a rule of the package, or
    /// a local variable.
    fn reference(&mut self, module: usize, expr: &Ref<Expr>, exprs: &mut Vec<Ref<Expr>>) {
        let (root, steps) = constant_chain(expr);
        // Non-constant indexes are expressions of their own.
        exprs.extend(steps.iter().filter_map(|s| s.index.clone()));
        let prefix: Vec<String> = steps.iter().map_while(|s| s.field.clone()).collect();
        let Expr::Var { .. } = root.as_ref() else {
            exprs.push(root.clone());
            return;
        };
        let name = var_name(root);
        let scope = &self.scopes[module];
        match name.as_str() {
            "input" if prefix.is_empty() => {
                self.unbounded = Some(format!("reads the whole input at {}", where_(expr)));
            }
            "input" => {
                self.paths.insert(prefix);
            }
            "data" => {
                self.data = true;
                let path = dotted("data", &prefix);
                self.follow(&path);
            }
            _ => {
                if let Some(target) = scope.imports.get(&name).cloned() {
                    self.data = true;
                    self.follow(&dotted(&target, &prefix));
                } else {
                    // A rule of the package, or a local variable (then nothing matches, or
                    // a rule of that name is followed needlessly: conservative).
                    let path = dotted(&format!("{}.{name}", scope.package), &prefix);
                    self.follow(&path);
                }
            }
        }
    }

    /// A call: a function of the modules (followed), or a builtin.
    fn call(&mut self, module: usize, fcn: &Ref<Expr>) {
        let Some(name) = path_of(fcn) else {
            return;
        };
        let scope = &self.scopes[module];
        let (root, rest) = name.split_once('.').unwrap_or((&name, ""));
        let imported = scope.imports.get(root).map(|target| {
            if rest.is_empty() {
                target.clone()
            } else {
                format!("{target}.{rest}")
            }
        });
        let local = if root == "data" {
            name.clone()
        } else {
            format!("{}.{name}", scope.package)
        };
        if imported.is_some_and(|path| self.follow(&path)) || self.follow(&local) {
            return;
        }
        if name == "print" {
            self.not_reusable.get_or_insert_with(|| {
                "calls `print`, whose output a reused result would not repeat".into()
            });
        } else if let Some(why) = refused_builtin(&name) {
            self.not_reusable.get_or_insert(why);
        }
    }

    fn finish(self) -> StaticReads {
        let input = match self.unbounded {
            Some(why) => Reads::Unbounded(why),
            None => Reads::Bounded(outermost(self.paths)),
        };
        StaticReads {
            input,
            data: self.data,
            not_reusable: self.not_reusable,
        }
    }
}

/// One step of a reference chain: a constant field, or a computed index.
struct Step {
    field: Option<String>,
    index: Option<Ref<Expr>>,
}

/// The root of a reference chain and its steps, outermost last.
fn constant_chain(expr: &Ref<Expr>) -> (&Ref<Expr>, Vec<Step>) {
    let mut steps = Vec::new();
    let mut at = expr;
    loop {
        match at.as_ref() {
            Expr::RefDot { refr, field, .. } => {
                steps.push(Step {
                    field: Some(field.0.text().to_string()),
                    index: None,
                });
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                let constant = match index.as_ref() {
                    Expr::String { value, .. } | Expr::RawString { value, .. } => {
                        value.as_string().ok().map(|s| s.to_string())
                    }
                    _ => None,
                };
                steps.push(match constant {
                    Some(field) => Step {
                        field: Some(field),
                        index: None,
                    },
                    None => Step {
                        field: None,
                        index: Some(index.clone()),
                    },
                });
                at = refr;
            }
            _ => break,
        }
    }
    steps.reverse();
    (at, steps)
}

/// A variable's name; empty for any other expression.
fn var_name(expr: &Expr) -> String {
    match expr {
        Expr::Var { span, .. } => span.text().to_string(),
        _ => String::new(),
    }
}

/// `base.a.b` for the fields `[a, b]`.
fn dotted(base: &str, fields: &[String]) -> String {
    fields.iter().fold(base.to_string(), |mut path, f| {
        path.push('.');
        path.push_str(f);
        path
    })
}

/// True when one of two dotted paths is the other or lies below it.
fn related(a: &str, b: &str) -> bool {
    let below = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    below(a, b) || below(b, a)
}

/// `line:column` of an expression, for reasons.
fn where_(expr: &Expr) -> String {
    let span = expr.span();
    format!("{}:{}", span.line, span.col)
}

/// The expressions and queries of a rule: head (value, key, arguments), bodies, `else`s.
fn rule_parts(rule: &Rule) -> (Vec<Ref<Expr>>, Vec<Ref<Query>>) {
    let mut exprs = Vec::new();
    let mut queries = Vec::new();
    match rule {
        Rule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { refr, assign, .. } => {
                    exprs.extend(index_exprs(refr));
                    exprs.extend(assign.iter().map(|a| a.value.clone()));
                }
                RuleHead::Set { refr, key, .. } => {
                    exprs.extend(index_exprs(refr));
                    exprs.extend(key.iter().cloned());
                }
                RuleHead::Func {
                    refr, args, assign, ..
                } => {
                    exprs.extend(index_exprs(refr));
                    exprs.extend(args.iter().cloned());
                    exprs.extend(assign.iter().map(|a| a.value.clone()));
                }
            }
            for body in bodies {
                exprs.extend(body.assign.iter().map(|a| a.value.clone()));
                queries.push(body.query.clone());
            }
        }
        Rule::Default {
            refr, args, value, ..
        } => {
            exprs.extend(index_exprs(refr));
            exprs.extend(args.iter().cloned());
            exprs.push(value.clone());
        }
    }
    (exprs, queries)
}

/// The computed indexes of a rule head's reference (`a[x]` → `x`): the name itself is no
/// read.
fn index_exprs(refr: &Ref<Expr>) -> Vec<Ref<Expr>> {
    constant_chain(refr)
        .1
        .into_iter()
        .filter_map(|s| s.index)
        .collect()
}

/// The paths none of which lies below another.
fn outermost(paths: BTreeSet<InputPath>) -> Vec<InputPath> {
    let mut kept: Vec<InputPath> = Vec::new();
    // Sorted order puts a path right before the ones below it.
    for path in paths {
        if !kept.last().is_some_and(|k| path.starts_with(k)) {
            kept.push(path);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_of(rules: &str) -> StaticReads {
        let text = format!("package t\nimport rego.v1\n{rules}\n");
        static_reads(&[("t.rego", &text)], &["t"]).remove(0)
    }

    fn paths(rules: &str) -> Vec<String> {
        match reads_of(rules).input {
            Reads::Bounded(paths) => paths.iter().map(|p| p.join(".")).collect(),
            Reads::Unbounded(why) => panic!("unbounded: {why}"),
        }
    }

    fn unbounded(rules: &str) -> String {
        match reads_of(rules).input {
            Reads::Bounded(paths) => panic!("bounded: {paths:?}"),
            Reads::Unbounded(why) => why,
        }
    }

    #[test]
    fn constant_references_are_exact_paths() {
        assert_eq!(
            paths("result := {\"status\": \"pass\"} if input.entity.spec.owner == input.entity[\"spec\"].type"),
            ["entity.spec.owner", "entity.spec.type"]
        );
        // A path below another read is covered by it.
        assert_eq!(
            paths("result := x if { x := input.entity.spec; input.entity.spec.owner }"),
            ["entity.spec"]
        );
    }

    #[test]
    fn variable_indexes_read_the_whole_subtree() {
        assert_eq!(
            paths("result := 1 if { some k, v in input.metadata.annotations; startswith(k, v) }"),
            ["metadata.annotations"]
        );
        assert_eq!(
            paths("result := 1 if { k := \"a\"; input.metadata.labels[k] }"),
            ["metadata.labels"]
        );
        assert_eq!(paths("result := input.a.b[0].c"), ["a.b"]);
        assert_eq!(
            paths("result := 1 if every x in input.spec.links { x.url }"),
            ["spec.links"]
        );
        assert_eq!(
            paths(
                "result := [l | some l in input.entity.metadata.links; l.type == input.params.t]"
            ),
            ["entity.metadata.links", "params.t"]
        );
    }

    #[test]
    fn values_passed_whole_are_their_subtree() {
        assert_eq!(
            paths("result := object.get(input.metadata, \"labels\", {})"),
            ["metadata"]
        );
        assert_eq!(
            paths("f(s) := s.owner if is_string(s.owner)\nresult := f(input.spec)"),
            ["spec"]
        );
        assert_eq!(paths("result := walk(input.spec)"), ["spec"]);
    }

    #[test]
    fn rules_and_functions_are_followed_across_packages() {
        let lib = "package lib\nimport rego.v1\nowner := input.entity.spec.owner\nkinds(k) := input.facts[k]\nunused := input\n";
        let check = "package c\nimport rego.v1\nimport data.lib\nresult := {\"o\": lib.owner, \"k\": lib.kinds(\"a\"), \"d\": data.x.y}\n";
        let reads = static_reads(&[("lib.rego", lib), ("c.rego", check)], &["c"]).remove(0);
        assert_eq!(
            reads.input,
            Reads::Bounded(vec![
                vec!["entity".into(), "spec".into(), "owner".into()],
                vec!["facts".into()],
            ])
        );
        assert!(reads.data);
        // A rule of the package not reached from `applicable` or `result` is not read.
        assert_eq!(
            paths(
                "unused := input\n_n := input.entity.metadata.name\napplicable if _n\nresult := 1"
            ),
            ["entity.metadata.name"]
        );
    }

    #[test]
    fn whole_input_is_unbounded() {
        assert!(unbounded("result := input").contains("whole input"));
        assert!(unbounded("result := 1 if { some x; input[x] }").contains("whole input"));
        assert!(unbounded("result := json.filter(input, [\"a\"])").contains("whole input"));
        assert!(unbounded("result := walk(input)").contains("whole input"));
        assert!(
            unbounded("f(x) := x.a\nresult := y if { y := f(1) with input as {\"a\": 1} }")
                .contains("with")
        );
        let imports = "package t\nimport rego.v1\nimport input.entity\nresult := entity.spec\n";
        assert!(matches!(
            static_reads(&[("t.rego", imports)], &["t"])[0].input,
            Reads::Unbounded(_)
        ));
    }

    #[test]
    fn data_and_print_are_reported() {
        let reads = reads_of("result := 1 if data.yardstick.catalog.has_owners");
        assert!(reads.data && reads.memo_paths().is_ok());
        let printing = reads_of("result := 1 if print(input.a)");
        assert!(printing.memo_paths().is_err());
        assert!(printing.not_reusable.unwrap().contains("print"));
        assert!(!reads_of("result := time.now_ns()").data);
    }

    #[test]
    fn builtin_checks_read_what_they_use() {
        let set = crate::policy::PolicySet::builtin().unwrap();
        let sources: Vec<(&str, &str)> = set
            .checks()
            .iter()
            .map(|c| (c.origin.as_str(), c.source.as_str()))
            .collect();
        let read = |id: &str| {
            let check = set.get(id).unwrap();
            let reads = static_reads(&sources, &[&check.package]).remove(0);
            let paths = reads.memo_paths().unwrap();
            paths.iter().map(|p| p.join(".")).collect::<Vec<_>>()
        };
        assert_eq!(read("ci-passing"), ["facts.ci.status"]);
        assert_eq!(
            read("has-owner"),
            ["entity.metadata.namespace", "entity.spec.owner"]
        );
        assert_eq!(
            read("has-oncall"),
            [
                "entity.metadata.annotations",
                "facts.oncall.configured",
                "params.annotations"
            ]
        );
        assert_eq!(
            read("has-techdocs"),
            [
                "entity.metadata.annotations",
                "local.techdocs.dir_ref",
                "local.techdocs.expected",
                "local.techdocs.mkdocs_found"
            ]
        );
        assert_eq!(
            read("has-cost-tags"),
            ["entity.metadata.labels", "params.label_keys"]
        );
    }
}
