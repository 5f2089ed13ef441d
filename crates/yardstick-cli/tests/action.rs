//! The GitHub Action (`action.yml` at the repository root), run as a runner runs it.
//!
//! The test reads the composite action's steps from `action.yml` and executes each `run:` step
//! whose `if:` holds, with its `env:` resolved from the inputs (defaults plus overrides), the
//! `github`/`runner` contexts and the outputs of the earlier steps, each step with its own
//! `GITHUB_OUTPUT`, like the runner. `uses:` steps (actions/cache, the SARIF upload) are not
//! run; the test records whether their `if:` held. The binary under test is handed in through
//! `YARDSTICK_BIN`, so nothing is downloaded or built. No network is used: the fixture is a
//! local git repository with a base and a head commit.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use saphyr_parser::{Event, Parser};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// A small YAML tree (action.yml only uses mappings, sequences and plain or block scalars).

#[derive(Debug, Clone)]
enum Yaml {
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Yaml::Str(s) => Some(s),
            _ => None,
        }
    }

    fn entries(&self) -> &[(String, Yaml)] {
        match self {
            Yaml::Map(entries) => entries,
            _ => &[],
        }
    }

    fn items(&self) -> &[Yaml] {
        match self {
            Yaml::Seq(items) => items,
            _ => &[],
        }
    }

    /// Every scalar in the tree, with its key path.
    fn scalars(&self, path: &str, out: &mut Vec<(String, String)>) {
        match self {
            Yaml::Str(s) => out.push((path.to_string(), s.clone())),
            Yaml::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    item.scalars(&format!("{path}[{i}]"), out);
                }
            }
            Yaml::Map(entries) => {
                for (k, v) in entries {
                    v.scalars(&format!("{path}.{k}"), out);
                }
            }
        }
    }
}

fn parse_yaml(text: &str) -> Yaml {
    fn node<'a>(parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>, first: Event<'a>) -> Yaml {
        match first {
            Event::Scalar(s, ..) => Yaml::Str(s.into_owned()),
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    match next(parser) {
                        Event::SequenceEnd => break Yaml::Seq(items),
                        e => items.push(node(parser, e)),
                    }
                }
            }
            Event::MappingStart(..) => {
                let mut entries = Vec::new();
                loop {
                    match next(parser) {
                        Event::MappingEnd => break Yaml::Map(entries),
                        Event::Scalar(k, ..) => {
                            let k = k.into_owned();
                            assert!(
                                entries.iter().all(|(e, _)| *e != k),
                                "action.yml: duplicate key {k}"
                            );
                            let first = next(parser);
                            entries.push((k, node(parser, first)));
                        }
                        e => panic!("action.yml: unsupported mapping key {e:?}"),
                    }
                }
            }
            e => panic!("action.yml: unsupported YAML event {e:?}"),
        }
    }
    fn next<'a>(parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>) -> Event<'a> {
        parser
            .next()
            .expect("action.yml ended early")
            .expect("action.yml is valid YAML")
            .0
    }
    let mut parser = Parser::new_from_str(text);
    loop {
        match next(&mut parser) {
            Event::StreamStart | Event::DocumentStart(_) => {}
            e => return node(&mut parser, e),
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn action() -> Yaml {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).expect("read action.yml");
    parse_yaml(&text)
}

// ---------------------------------------------------------------------------------------------
// The subset of the Actions expression language that action.yml uses: context paths, string
// literals, ==, !=, !, &&, ||, parentheses and the status functions. Anything else panics, so a
// new construct in action.yml makes this test fail until the evaluator understands it.

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Bool(bool),
    Str(String),
}

impl Val {
    fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Str(s) => !s.is_empty(),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Bool(b) => b.to_string(),
            Val::Str(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Op(&'static str),
}

fn tokenize(expr: &str) -> Vec<Tok> {
    let chars: Vec<char> = expr.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                assert!(i < chars.len(), "unterminated string in `{expr}`");
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        s.push('\'');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(chars[i]);
                i += 1;
            }
            toks.push(Tok::Str(s));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | '-' | '.'))
            {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "==" => "==",
                "!=" => "!=",
                "&&" => "&&",
                "||" => "||",
                _ => match c {
                    '!' => "!",
                    '(' => "(",
                    ')' => ")",
                    _ => panic!("unsupported character {c:?} in expression `{expr}`"),
                },
            };
            i += op.len();
            toks.push(Tok::Op(op));
        }
    }
    toks
}

/// What an expression can see.
struct Ctx<'a> {
    inputs: &'a BTreeMap<String, String>,
    github: &'a BTreeMap<&'static str, String>,
    runner: &'a BTreeMap<&'static str, String>,
    steps: &'a BTreeMap<String, BTreeMap<String, String>>,
    job_failed: bool,
}

impl Ctx<'_> {
    fn lookup(&self, path: &str) -> Val {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => Val::Str(
                self.inputs
                    .get(*name)
                    .unwrap_or_else(|| panic!("action.yml uses undeclared input `{name}`"))
                    .clone(),
            ),
            ["github", name] => Val::Str(
                self.github
                    .get(*name)
                    .unwrap_or_else(|| panic!("the test does not model github.{name}"))
                    .clone(),
            ),
            ["runner", name] => Val::Str(
                self.runner
                    .get(*name)
                    .unwrap_or_else(|| panic!("the test does not model runner.{name}"))
                    .clone(),
            ),
            ["steps", id, "outputs", name] => self
                .steps
                .get(*id)
                .and_then(|o| o.get(*name))
                .map_or(Val::Null, |v| Val::Str(v.clone())),
            _ => panic!("unsupported context path `{path}`"),
        }
    }

    fn eval(&self, expr: &str) -> Val {
        let toks = tokenize(expr);
        let mut pos = 0;
        let v = self.or(&toks, &mut pos);
        assert_eq!(pos, toks.len(), "trailing tokens in `{expr}`");
        v
    }

    fn or(&self, t: &[Tok], p: &mut usize) -> Val {
        let mut v = self.and(t, p);
        while t.get(*p) == Some(&Tok::Op("||")) {
            *p += 1;
            let r = self.and(t, p);
            v = if v.truthy() { v } else { r };
        }
        v
    }

    fn and(&self, t: &[Tok], p: &mut usize) -> Val {
        let mut v = self.cmp(t, p);
        while t.get(*p) == Some(&Tok::Op("&&")) {
            *p += 1;
            let r = self.cmp(t, p);
            v = if v.truthy() { r } else { v };
        }
        v
    }

    fn cmp(&self, t: &[Tok], p: &mut usize) -> Val {
        let l = self.unary(t, p);
        match t.get(*p) {
            Some(Tok::Op(op @ ("==" | "!="))) => {
                let op = *op;
                *p += 1;
                let r = self.unary(t, p);
                // Strings compare case-insensitively; null is the empty string here.
                let eq = l.text().to_lowercase() == r.text().to_lowercase();
                Val::Bool(if op == "==" { eq } else { !eq })
            }
            _ => l,
        }
    }

    fn unary(&self, t: &[Tok], p: &mut usize) -> Val {
        match t.get(*p) {
            Some(Tok::Op("!")) => {
                *p += 1;
                Val::Bool(!self.unary(t, p).truthy())
            }
            Some(Tok::Op("(")) => {
                *p += 1;
                let v = self.or(t, p);
                assert_eq!(t.get(*p), Some(&Tok::Op(")")), "missing )");
                *p += 1;
                v
            }
            Some(Tok::Str(s)) => {
                *p += 1;
                Val::Str(s.clone())
            }
            Some(Tok::Ident(name)) => {
                *p += 1;
                if t.get(*p) == Some(&Tok::Op("(")) {
                    assert_eq!(
                        t.get(*p + 1),
                        Some(&Tok::Op(")")),
                        "{name}() takes no arguments"
                    );
                    *p += 2;
                    return Val::Bool(match name.as_str() {
                        "success" => !self.job_failed,
                        "failure" => self.job_failed,
                        "always" => true,
                        "cancelled" => false,
                        _ => panic!("unsupported function {name}()"),
                    });
                }
                match name.as_str() {
                    "true" => Val::Bool(true),
                    "false" => Val::Bool(false),
                    "null" => Val::Null,
                    _ => self.lookup(name),
                }
            }
            other => panic!("unexpected token {other:?}"),
        }
    }

    /// A value with `${{ … }}` templates, as in `env:` and `with:`.
    fn template(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("unterminated ${{") + start;
            out.push_str(&self.eval(&rest[start + 3..end]).text());
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// An `if:` condition: with or without `${{ }}`; absent means success().
    fn condition(&self, cond: Option<&str>) -> bool {
        let Some(cond) = cond else {
            return !self.job_failed;
        };
        let c = cond.trim();
        let c = c
            .strip_prefix("${{")
            .and_then(|c| c.strip_suffix("}}"))
            .unwrap_or(c);
        let uses_status = ["success()", "failure()", "always()", "cancelled()"]
            .iter()
            .any(|f| c.contains(f));
        let v = self.eval(c).truthy();
        if uses_status {
            v
        } else {
            !self.job_failed && v
        }
    }
}

/// Every `${{ … }}` expression in a text.
fn expressions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let end = rest[start..].find("}}").expect("unterminated ${{") + start;
        out.push(rest[start + 3..end].trim().to_string());
        rest = &rest[end + 2..];
    }
    out
}

/// The context paths an expression reads (identifiers with a dot).
fn context_paths(expr: &str) -> Vec<String> {
    tokenize(expr)
        .into_iter()
        .filter_map(|t| match t {
            Tok::Ident(s) if s.contains('.') => Some(s),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Structure of action.yml.

#[test]
fn action_yml_is_consistent() {
    let action = action();
    let inputs = action.get("inputs").expect("inputs");
    let declared: Vec<&str> = inputs.entries().iter().map(|(k, _)| k.as_str()).collect();
    for required in [
        "path",
        "config",
        "policies",
        "facts",
        "fail-on",
        "min-score",
        "sarif-file",
        "upload-sarif",
        "comment",
        "github-token",
        "version",
        "changed-only",
    ] {
        assert!(declared.contains(&required), "input {required} is missing");
    }
    for (name, input) in inputs.entries() {
        assert!(
            input.get("description").and_then(Yaml::str).is_some(),
            "input {name} has no description"
        );
    }
    let runs = action.get("runs").expect("runs");
    assert_eq!(runs.get("using").and_then(Yaml::str), Some("composite"));
    let steps = runs.get("steps").expect("runs.steps").items();
    assert!(!steps.is_empty());

    let mut ids: Vec<String> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let run = step.get("run").and_then(Yaml::str);
        let uses = step.get("uses").and_then(Yaml::str);
        assert!(
            run.is_some() != uses.is_some(),
            "step {i} needs exactly one of run and uses"
        );
        if let Some(run) = run {
            assert!(
                step.get("shell").and_then(Yaml::str).is_some(),
                "composite run step {i} has no shell"
            );
            // Script injection: inputs reach scripts through env only.
            assert!(
                !run.contains("${{"),
                "step {i} interpolates an expression into its script: {run}"
            );
            // Every script the step calls exists.
            for word in run.split_whitespace() {
                let word = word.trim_matches('"');
                if let Some(script) = word.strip_prefix("$GITHUB_ACTION_PATH/") {
                    assert!(
                        repo_root().join(script).is_file(),
                        "step {i} runs {script}, which does not exist"
                    );
                }
            }
        }
        if let Some(uses) = uses {
            let (_, version) = uses.split_once('@').expect("uses is pinned");
            assert!(
                version.starts_with('v'),
                "step {i}: {uses} is not pinned to a version"
            );
        }
        // Expressions only read declared inputs and outputs of earlier steps.
        let mut scalars = Vec::new();
        step.scalars(&format!("steps[{i}]"), &mut scalars);
        if let Some(cond) = step.get("if").and_then(Yaml::str) {
            if !cond.contains("${{") {
                scalars.push((format!("steps[{i}].if"), format!("${{{{ {cond} }}}}")));
            }
        }
        for (where_, text) in &scalars {
            for expr in expressions(text) {
                for path in context_paths(&expr) {
                    check_path(&path, &declared, &ids, where_);
                }
            }
        }
        if let Some(id) = step.get("id").and_then(Yaml::str) {
            assert!(!ids.iter().any(|x| x == id), "duplicate step id {id}");
            ids.push(id.to_string());
        }
    }

    let outputs = action.get("outputs").expect("outputs");
    for required in ["score", "level", "sarif-file", "report-json"] {
        let value = outputs
            .get(required)
            .and_then(|o| o.get("value"))
            .and_then(Yaml::str)
            .unwrap_or_else(|| panic!("output {required} has no value"));
        let exprs = expressions(value);
        assert_eq!(exprs.len(), 1, "output {required}: {value}");
        let parts: Vec<&str> = exprs[0].split('.').collect();
        assert!(
            matches!(parts.as_slice(), ["steps", id, "outputs", _] if ids.iter().any(|x| x == id)),
            "output {required} does not map to a step output: {value}"
        );
    }
}

fn check_path(path: &str, inputs: &[&str], earlier_ids: &[String], where_: &str) {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["inputs", name] => assert!(
            inputs.contains(name),
            "{where_} reads undeclared input {name}"
        ),
        ["steps", id, "outputs", _] => assert!(
            earlier_ids.iter().any(|x| x == id),
            "{where_} reads outputs of step {id}, which does not run before it"
        ),
        ["github" | "runner" | "env", _] => {}
        _ => panic!("{where_}: unexpected context path {path}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Running the action.

static COUNTER: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The scratch directories of the test running on this thread.
    static SCRATCH: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Removes this test's scratch directories; called where a test passed (a failing test keeps
/// them for a look).
fn cleanup() {
    SCRATCH.with(|dirs| {
        for dir in dirs.borrow_mut().drain(..) {
            let _ = std::fs::remove_dir_all(dir);
        }
    });
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "action-{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    SCRATCH.with(|dirs| dirs.borrow_mut().push(dir.clone()));
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=yardstick test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

const TOKEN: &str = "ghs_yardstickTestTokenMustNeverAppear0123456789";

struct Fixture {
    repo: PathBuf,
    base: String,
    head: String,
    facts: PathBuf,
}

fn component(name: &str, description: Option<&str>, monitoring: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:"
    );
    let _ = writeln!(s, "  name: {name}");
    if let Some(d) = description {
        let _ = writeln!(s, "  description: {d}");
    }
    let _ = writeln!(s, "  labels:\n    cost-center: cc-42\n  annotations:");
    let _ = writeln!(
        s,
        "    backstage.io/techdocs-ref: url:https://docs.example.com/{name}"
    );
    let _ = writeln!(s, "    pagerduty.com/service-id: P{name}");
    if monitoring {
        let _ = writeln!(s, "    grafana/dashboard-selector: app={name}");
    }
    let _ = writeln!(
        s,
        "spec:\n  type: service\n  lifecycle: production\n  owner: team-a"
    );
    s
}

const FACTS: &str = r#"{"entities": {
  "component:default/alpha": {"ci": {"status": "passing"}},
  "component:default/beta": {"ci": {"status": "passing"}}
}}"#;

/// The custom check: critical, a Component needs metadata.description.
const HAS_DESCRIPTION: &str = r#"# METADATA
# title: Has a description
# custom:
#   id: has-description
#   severity: critical
#   remediation: Describe the component in metadata.description.
#   applies_to: [Component]
package yardstick.checks.has_description

import rego.v1

default applicable := true

result := {"status": "pass", "message": "described", "pointer": "/metadata/description"} if {
	is_string(input.entity.metadata.description)
	trim_space(input.entity.metadata.description) != ""
} else := {"status": "fail", "message": "metadata.description is missing", "pointer": "/metadata"}
"#;

/// The head's weakened copy: always passes.
const HAS_DESCRIPTION_WEAKENED: &str = r#"# METADATA
# title: Has a description
# custom:
#   id: has-description
#   severity: critical
#   applies_to: [Component]
package yardstick.checks.has_description

import rego.v1

default applicable := true

result := {"status": "pass", "message": "fine", "pointer": "/metadata"}
"#;

/// Base: three catalog files, a configuration (has-oncall off, fail on critical) and the
/// custom check. Head: alpha loses its description and its monitoring annotation, the check is
/// made to always pass, and the configuration turns it off and never fails.
fn fixture() -> Fixture {
    let root = scratch("fixture");
    let repo = root.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    write(
        &repo,
        "org/catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n",
    );
    write(
        &repo,
        "services/alpha/catalog-info.yaml",
        &component("alpha", Some("The alpha service"), true),
    );
    write(
        &repo,
        "services/beta/catalog-info.yaml",
        &component("beta", None, true),
    );
    write(
        &repo,
        "yardstick.yaml",
        "checks:\n  has-oncall: {enabled: false}\ngate:\n  fail-on: critical\n",
    );
    write(&repo, "policies/has_description.rego", HAS_DESCRIPTION);
    write(&repo, "facts.json", FACTS);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let base = git(&repo, &["rev-parse", "HEAD"]);

    git(&repo, &["checkout", "-q", "-b", "feature"]);
    write(
        &repo,
        "services/alpha/catalog-info.yaml",
        &component("alpha", None, false),
    );
    write(
        &repo,
        "policies/has_description.rego",
        HAS_DESCRIPTION_WEAKENED,
    );
    // The head also claims that alpha's monitoring is configured.
    write(&repo, "facts.json", &FACTS.replace(
        r#""component:default/alpha": {"ci": {"status": "passing"}}"#,
        r#""component:default/alpha": {"ci": {"status": "passing"}, "monitoring": {"configured": true}}"#,
    ));
    write(
        &repo,
        "yardstick.yaml",
        "checks:\n  has-description: {enabled: false}\ngate:\n  fail-on: never\n",
    );
    git(
        &repo,
        &["commit", "-q", "-am", "head: weaker checks, worse alpha"],
    );
    let head = git(&repo, &["rev-parse", "HEAD"]);

    // Facts written by an earlier step, outside the repository (the head's claim included).
    let facts = root.join("facts.json");
    std::fs::copy(repo.join("facts.json"), &facts).unwrap();
    Fixture {
        repo,
        base,
        head,
        facts,
    }
}

struct StepRun {
    name: String,
    ran: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

struct ActionRun {
    steps: Vec<StepRun>,
    outputs: BTreeMap<String, String>,
    step_outputs: BTreeMap<String, BTreeMap<String, String>>,
    summary: String,
    failed: bool,
    /// Every file the action wrote (outputs, summary, reports), for the token check.
    files: Vec<PathBuf>,
}

impl ActionRun {
    fn step(&self, needle: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.name.contains(needle))
            .unwrap_or_else(|| panic!("no step {needle}"))
    }

    fn log(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            let _ = writeln!(
                out,
                "--- {} ran={} code={:?}\n{}{}",
                s.name, s.ran, s.code, s.stdout, s.stderr
            );
        }
        out
    }
}

/// Parses a GITHUB_OUTPUT file: `name=value` and `name<<DELIM … DELIM`.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some((name, delim)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                value.push(l);
            }
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        } else {
            panic!("malformed GITHUB_OUTPUT line {line:?}");
        }
    }
    out
}

/// Runs action.yml's steps in `workspace` for `event_name` (with a pull_request event payload
/// when `pr` is given), with the inputs' defaults overridden by `overrides`.
fn run_action(
    workspace: &Path,
    event_name: &str,
    pr: Option<(&str, &str)>,
    overrides: &[(&str, &str)],
) -> ActionRun {
    run_action_with_api(workspace, event_name, pr, overrides, "http://127.0.0.1:9")
}

fn run_action_with_api(
    workspace: &Path,
    event_name: &str,
    pr: Option<(&str, &str)>,
    overrides: &[(&str, &str)],
    api_url: &str,
) -> ActionRun {
    let action = action();
    let root = repo_root();
    let runner_dir = scratch("runner");
    let temp = runner_dir.join("temp");
    std::fs::create_dir_all(&temp).unwrap();

    let event_path = runner_dir.join("event.json");
    let event = match pr {
        Some((base, head)) => serde_json::json!({
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "base": {"ref": "main", "sha": base},
                "head": {"ref": "feature", "sha": head}
            },
            "repository": {"full_name": "acme/catalog"}
        }),
        None => serde_json::json!({"ref": "refs/heads/main"}),
    };
    std::fs::write(&event_path, event.to_string()).unwrap();

    let mut inputs = BTreeMap::new();
    for (name, input) in action.get("inputs").unwrap().entries() {
        inputs.insert(
            name.clone(),
            input
                .get("default")
                .and_then(Yaml::str)
                .unwrap_or("")
                .to_string(),
        );
    }
    let github: BTreeMap<&'static str, String> = [
        ("event_name", event_name.to_string()),
        ("token", TOKEN.to_string()),
        ("action_path", root.display().to_string()),
        // Not promised inside composite actions; the install step must cope.
        ("action_repository", String::new()),
        ("workspace", workspace.display().to_string()),
    ]
    .into_iter()
    .collect();
    // The `github-token` default (`${{ github.token }}`) is an expression: resolve defaults.
    {
        let steps = BTreeMap::new();
        let ctx = Ctx {
            inputs: &BTreeMap::new(),
            github: &github,
            runner: &BTreeMap::new(),
            steps: &steps,
            job_failed: false,
        };
        for v in inputs.values_mut() {
            *v = ctx.template(v);
        }
    }
    for (k, v) in overrides {
        assert!(inputs.contains_key(*k), "override of unknown input {k}");
        inputs.insert(k.to_string(), v.to_string());
    }
    let runner: BTreeMap<&'static str, String> = [
        ("os", "Linux".to_string()),
        ("arch", "X64".to_string()),
        ("temp", temp.display().to_string()),
    ]
    .into_iter()
    .collect();

    let summary_dir = runner_dir.join("summaries");
    std::fs::create_dir_all(&summary_dir).unwrap();
    let path_file = runner_dir.join("path.txt");
    std::fs::write(&path_file, "").unwrap();
    let mut path_var = std::env::var("PATH").unwrap_or_default();

    let mut step_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut runs = Vec::new();
    let mut files = vec![event_path.clone()];
    let mut job_failed = false;

    let steps = action.get("runs").unwrap().get("steps").unwrap().items();
    for (i, step) in steps.iter().enumerate() {
        let id = step.get("id").and_then(Yaml::str).map(str::to_string);
        let name = format!(
            "{i}:{}",
            id.clone().unwrap_or_else(|| {
                step.get("uses")
                    .and_then(Yaml::str)
                    .or_else(|| step.get("run").and_then(Yaml::str))
                    .unwrap_or("")
                    .to_string()
            })
        );
        let ctx = Ctx {
            inputs: &inputs,
            github: &github,
            runner: &runner,
            steps: &step_outputs,
            job_failed,
        };
        if !ctx.condition(step.get("if").and_then(Yaml::str)) {
            runs.push(StepRun {
                name,
                ran: false,
                code: None,
                stdout: String::new(),
                stderr: String::new(),
            });
            continue;
        }
        let Some(script) = step.get("run").and_then(Yaml::str) else {
            // A `uses:` step held: record it (its `with:` must resolve), do not run it.
            if let Some(with) = step.get("with") {
                for (_, v) in with.entries() {
                    let _ = ctx.template(v.str().unwrap_or(""));
                }
            }
            runs.push(StepRun {
                name,
                ran: true,
                code: Some(0),
                stdout: String::new(),
                stderr: String::new(),
            });
            continue;
        };
        assert_eq!(step.get("shell").and_then(Yaml::str), Some("bash"));
        let script_file = runner_dir.join(format!("step-{i}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let output_file = runner_dir.join(format!("output-{i}.txt"));
        std::fs::write(&output_file, "").unwrap();
        let summary_file = summary_dir.join(format!("{i}.md"));
        std::fs::write(&summary_file, "").unwrap();

        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env_clear()
            .env("PATH", &path_var)
            .env(
                "HOME",
                std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()),
            )
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_ACTION_PATH", &root)
            .env("GITHUB_EVENT_NAME", event_name)
            .env("GITHUB_EVENT_PATH", &event_path)
            .env("GITHUB_REPOSITORY", "acme/catalog")
            .env("GITHUB_API_URL", api_url)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("GITHUB_PATH", &path_file)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &temp)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NO_COLOR", "1")
            // The already-built binary: the install step must not download or build.
            .env("YARDSTICK_BIN", env!("CARGO_BIN_EXE_yardstick"));
        if event_name.starts_with("pull_request") {
            cmd.env("GITHUB_BASE_REF", "main")
                .env("GITHUB_HEAD_REF", "feature");
        }
        if let Some(env) = step.get("env") {
            for (k, v) in env.entries() {
                cmd.env(k, ctx.template(v.str().unwrap_or("")));
            }
        }
        let out = cmd.output().expect("run bash");
        let code = out.status.code();
        if code != Some(0) {
            job_failed = true;
        }
        let produced = parse_outputs(&std::fs::read_to_string(&output_file).unwrap());
        if let Some(id) = &id {
            step_outputs.insert(id.clone(), produced);
        }
        // GITHUB_PATH additions apply to the later steps.
        for line in std::fs::read_to_string(&path_file).unwrap().lines() {
            if !line.trim().is_empty() && !path_var.split(':').any(|p| p == line.trim()) {
                path_var = format!("{}:{path_var}", line.trim());
            }
        }
        files.push(output_file);
        files.push(summary_file);
        runs.push(StepRun {
            name,
            ran: true,
            code,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }

    // The action's outputs, as the runner maps them.
    let ctx = Ctx {
        inputs: &inputs,
        github: &github,
        runner: &runner,
        steps: &step_outputs,
        job_failed,
    };
    let mut outputs = BTreeMap::new();
    for (name, o) in action.get("outputs").unwrap().entries() {
        outputs.insert(
            name.clone(),
            ctx.template(o.get("value").and_then(Yaml::str).unwrap_or("")),
        );
    }
    let mut summary = String::new();
    for i in 0..steps.len() {
        if let Ok(s) = std::fs::read_to_string(summary_dir.join(format!("{i}.md"))) {
            summary.push_str(&s);
        }
    }
    // Everything under RUNNER_TEMP (reports) and the SARIF file.
    let mut stack = vec![temp];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    if let Some(sarif) = outputs.get("sarif-file").filter(|s| !s.is_empty()) {
        files.push(PathBuf::from(sarif));
    }
    ActionRun {
        steps: runs,
        outputs,
        step_outputs,
        summary,
        failed: job_failed,
        files,
    }
}

/// A local stand-in for the GitHub API that answers every request with 403, recording the
/// request line and whether its Authorization header carried the token.
struct ForbiddingApi {
    url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ForbiddingApi {
    fn start() -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            // Bounded: at most 20 connections; the thread ends with the test process.
            for stream in listener.incoming().take(20) {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                let mut line = String::new();
                let mut authorized = false;
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    if request.is_empty() {
                        request = line.trim_end().to_string();
                    } else if line.to_ascii_lowercase().starts_with("authorization:")
                        && line.contains(TOKEN)
                    {
                        authorized = true;
                    }
                    line.clear();
                }
                if authorized {
                    request.push_str(" [token: ");
                    request.push_str(TOKEN);
                    request.push(']');
                }
                record.lock().unwrap().push(request);
                let body = r#"{"message":"Resource not accessible by integration"}"#;
                let _ = write!(
                    stream,
                    "HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        ForbiddingApi { url, seen }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn assert_no_token(run: &ActionRun) {
    for s in &run.steps {
        assert!(
            !s.stdout.contains(TOKEN),
            "token in the stdout of {}",
            s.name
        );
        assert!(
            !s.stderr.contains(TOKEN),
            "token in the stderr of {}",
            s.name
        );
    }
    for f in &run.files {
        if let Ok(bytes) = std::fs::read(f) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(TOKEN),
                "token in {}",
                f.display()
            );
        }
    }
    for (k, v) in run
        .outputs
        .iter()
        .chain(run.step_outputs.values().flatten())
    {
        assert!(!v.contains(TOKEN), "token in output {k}");
    }
}

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn entity<'a>(report: &'a Value, r: &str) -> &'a Value {
    report["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["ref"] == r)
        .unwrap_or_else(|| panic!("{r} is not in the report"))
}

fn check<'a>(entity: &'a Value, id: &str) -> Option<&'a Value> {
    entity["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
}

const LEVEL_ORDER: [&str; 4] = ["none", "bronze", "silver", "gold"];

#[test]
fn pull_request_is_judged_by_the_base_policies_and_reports_only_changed_files() {
    let fx = fixture();
    let policies = fx.repo.join("policies").display().to_string();
    let run = run_action(
        &fx.repo,
        "pull_request",
        Some((&fx.base, &fx.head)),
        &[
            // An absolute path inside the repository is read from the base all the same.
            ("policies", &policies),
            ("facts", "facts.json"),
            ("upload-sarif", "false"),
            ("comment", "false"),
        ],
    );
    let log = run.log();

    // Every step before the gate succeeded; the gate failed the job with exit code 1 (the
    // base's critical custom check fails for alpha), after outputs and summary were written.
    let score_step = run.step(":score");
    assert_eq!(score_step.code, Some(0), "{log}");
    let gate = run.steps.last().unwrap();
    assert!(gate.ran, "{log}");
    assert_eq!(gate.code, Some(1), "the gate's exit code\n{log}");
    assert!(run.failed);
    assert_eq!(run.step_outputs["score"]["exit-code"], "1", "{log}");
    for s in &run.steps[..run.steps.len() - 1] {
        assert!(s.code.unwrap_or(0) == 0, "step {} failed\n{log}", s.name);
    }
    // The binary came from YARDSTICK_BIN: no cache, no build, no upload, no comment.
    assert_eq!(run.step_outputs["plan"]["mode"], "bin");
    assert!(!run.step("actions/cache").ran, "{log}");
    assert!(!run.step("upload-sarif").ran, "{log}");
    assert!(
        !run.steps
            .iter()
            .any(|s| s.name.contains("comment.sh") && s.ran),
        "{log}"
    );

    // Every step output that action.yml reads was written by its step (a misspelt output
    // name would silently read as empty on a runner).
    let mut scalars = Vec::new();
    action().scalars("action", &mut scalars);
    for (where_, text) in &scalars {
        let conds = if where_.ends_with(".if") && !text.contains("${{") {
            vec![text.clone()]
        } else {
            expressions(text)
        };
        for expr in conds {
            for path in context_paths(&expr) {
                if let ["steps", id, "outputs", name] = path.split('.').collect::<Vec<_>>()[..] {
                    assert!(
                        run.step_outputs.get(id).is_some_and(|o| o.contains_key(name)),
                        "{where_} reads steps.{id}.outputs.{name}, which the step did not write: {:?}",
                        run.step_outputs
                    );
                }
            }
        }
    }

    // Outputs.
    for name in ["score", "level", "sarif-file", "report-json"] {
        assert!(
            !run.outputs[name].is_empty(),
            "output {name} is empty: {:?}\n{log}",
            run.outputs
        );
    }
    let report = read_json(&run.outputs["report-json"]);
    let sarif = read_json(&run.outputs["sarif-file"]);
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        Path::new(&run.outputs["sarif-file"]).starts_with(&fx.repo),
        "the SARIF file is in the workspace: {}",
        run.outputs["sarif-file"]
    );

    // Only the changed file's entities are reported.
    let refs: Vec<&str> = report["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["component:default/alpha"], "{log}");
    let alpha = entity(&report, "component:default/alpha");
    assert_eq!(
        alpha["file"].as_str().map(|f| f.trim_start_matches("./")),
        Some("services/alpha/catalog-info.yaml")
    );

    // The base's policies and configuration judged it: the custom check is there and fails
    // (the head made it always pass, and its configuration turned it off); has-oncall is off
    // (the base's configuration; the head's does not mention it).
    let described = check(alpha, "has-description").expect("has-description is in the report");
    assert_eq!(described["status"], "fail", "{alpha:#}");
    assert!(check(alpha, "has-oncall").is_none(), "{alpha:#}");
    // The tracked facts file came from the base too: the head's claim that alpha's
    // monitoring is configured is not believed.
    assert_eq!(
        check(alpha, "has-monitoring").unwrap()["status"],
        "fail",
        "{alpha:#}"
    );
    assert_eq!(
        check(alpha, "ci-passing").unwrap()["status"],
        "pass",
        "{alpha:#}"
    );
    assert_eq!(
        report["summary"]["gate"]["passed"], false,
        "{:#}",
        report["summary"]
    );

    // Outputs agree with the JSON report.
    let score: f64 = run.outputs["score"].parse().expect("score is a number");
    let catalog = report["summary"]["score"].as_f64().expect("catalog score");
    assert!(
        (score - catalog).abs() < 0.05,
        "output {score}, report {catalog}"
    );
    let lowest = report["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["level"].as_str())
        .min_by_key(|l| LEVEL_ORDER.iter().position(|x| x == l))
        .unwrap();
    assert_eq!(run.outputs["level"], lowest);
    assert_eq!(run.step_outputs["score"]["passed"], "false");
    assert_eq!(run.step_outputs["score"]["entities"], "1");

    // The step summary holds the Markdown report, with alpha's score change against the base
    // (100.0 at the base: every check passed there).
    assert!(
        run.summary.contains("<!-- yardstick-report -->"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("component:default/alpha"),
        "{}",
        run.summary
    );
    assert!(
        !run.summary.contains("component:default/beta"),
        "{}",
        run.summary
    );
    let alpha_score = alpha["score"].as_f64().unwrap();
    assert!(alpha_score < 100.0);
    let change = format!("−{:.1}", 100.0 - alpha_score);
    assert!(
        run.summary
            .lines()
            .any(|l| l.contains("component:default/alpha")
                && l.contains("100.0")
                && l.contains(&format!("{alpha_score:.1}"))
                && l.contains(&change)),
        "the summary shows alpha's change 100.0 → {alpha_score:.1} ({change}):\n{}",
        run.summary
    );
    assert!(run.summary.contains(&fx.base[..7]), "{}", run.summary);

    // Annotations for the failing checks, in the log.
    assert!(
        score_step
            .stdout
            .lines()
            .any(|l| l.starts_with("::error") && l.contains("services/alpha/catalog-info.yaml")),
        "{}",
        score_step.stdout
    );

    // The workspace is left as it was: the base's worktree is gone, the head is checked out.
    assert_eq!(git(&fx.repo, &["rev-parse", "HEAD"]), fx.head);
    assert!(!git(&fx.repo, &["worktree", "list"]).contains("base-tree"));
    assert_no_token(&run);
    cleanup();
}

#[test]
fn pull_request_without_base_config_or_policies_uses_defaults_not_the_head() {
    let fx = fixture();
    // Point the inputs at paths that only the head has.
    write(&fx.repo, "ci/yardstick.yaml", "gate:\n  fail-on: never\n");
    write(
        &fx.repo,
        "ci/policies/has_description.rego",
        HAS_DESCRIPTION_WEAKENED,
    );
    git(&fx.repo, &["add", "-A"]);
    git(&fx.repo, &["commit", "-q", "-m", "head-only config"]);
    let head = git(&fx.repo, &["rev-parse", "HEAD"]);
    let api = ForbiddingApi::start();
    let run = run_action_with_api(
        &fx.repo,
        "pull_request",
        Some((&fx.base, &head)),
        &[
            ("config", "ci/yardstick.yaml"),
            ("policies", "ci/policies"),
            ("facts", fx.facts.to_str().unwrap()),
            ("upload-sarif", "false"),
            // The comment step runs with the token, against an API that answers 403 like
            // GitHub does to a fork's read-only token.
            ("comment", "true"),
        ],
        &api.url,
    );
    let log = run.log();
    let report = read_json(&run.outputs["report-json"]);
    let alpha = entity(&report, "component:default/alpha");
    // No custom check (the base has no ci/policies), has-oncall on (defaults: no config).
    assert!(check(alpha, "has-description").is_none(), "{log}");
    assert!(check(alpha, "has-oncall").is_some(), "{log}");
    // Facts from outside the repository are used as they are (they hold the head's claim).
    assert_eq!(
        check(alpha, "has-monitoring").unwrap()["status"],
        "pass",
        "{log}"
    );
    // The default gate (critical) passes.
    assert_eq!(run.steps.last().unwrap().code, Some(0), "{log}");
    // A refused comment is a warning, not a failure: the gate decides.
    let comment = run
        .steps
        .iter()
        .find(|s| s.name.contains("comment.sh"))
        .expect("comment step");
    assert!(comment.ran, "{log}");
    assert_eq!(comment.code, Some(0), "{log}");
    assert!(comment.stdout.contains("::warning"), "{log}");
    assert!(!run.failed, "{log}");
    let requests = api.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("GET /repos/acme/catalog/issues/7/comments")),
        "{requests:?}"
    );
    // The token went to the API in the Authorization header, and nowhere else.
    assert!(requests.iter().all(|r| r.contains(TOKEN)), "{requests:?}");
    assert_no_token(&run);
    cleanup();
}

#[test]
fn push_scores_the_whole_checkout_with_its_own_configuration() {
    let fx = fixture();
    let run = run_action(
        &fx.repo,
        "push",
        None,
        &[
            ("policies", "policies"),
            ("facts", "facts.json"),
            ("sarif-file", "reports/yardstick.sarif"),
            ("upload-sarif", "false"),
        ],
    );
    let log = run.log();
    let report = read_json(&run.outputs["report-json"]);
    // Every catalog file, with the checkout's own yardstick.yaml (fail-on never) and policies.
    entity(&report, "component:default/alpha");
    entity(&report, "component:default/beta");
    let alpha = entity(&report, "component:default/alpha");
    assert!(
        check(alpha, "has-description").is_none(),
        "disabled by the head config"
    );
    assert_eq!(
        check(alpha, "has-monitoring").unwrap()["status"],
        "pass",
        "the head's facts"
    );
    assert_eq!(run.steps.last().unwrap().code, Some(0), "{log}");
    assert!(run.outputs["sarif-file"].ends_with("reports/yardstick.sarif"));
    assert!(fx.repo.join("reports/yardstick.sarif").is_file());
    // Not a pull request: no comment step, even with comment=true.
    assert!(
        !run.steps
            .iter()
            .any(|s| s.name.contains("comment.sh") && s.ran),
        "{log}"
    );
    assert!(!run.summary.contains("Score changes"), "{}", run.summary);
    assert_no_token(&run);
    cleanup();
}

#[test]
fn a_version_that_is_not_a_release_fails_the_install_step() {
    let dir = scratch("install");
    // YARDSTICK_BIN would skip installation, so run the install script without it.
    let out = Command::new("bash")
        .arg(repo_root().join("action/install.sh"))
        .current_dir(&dir)
        .env_remove("YARDSTICK_BIN")
        .env("YARDSTICK_MODE", "release")
        .env("INPUT_VERSION", "latest; echo injected")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", &dir)
        .env("GITHUB_OUTPUT", dir.join("out.txt"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("::error"), "{stdout}");
    assert!(stdout.contains("must name a release"), "{stdout}");
    assert!(!stdout.lines().any(|l| l == "injected"));
    cleanup();
}

#[test]
fn pull_request_touching_no_catalog_file_reports_nothing_and_passes() {
    let fx = fixture();
    // A pull request from the base that changes only a README.
    git(&fx.repo, &["checkout", "-q", "-b", "docs-only", &fx.base]);
    write(&fx.repo, "README.md", "# catalog\n");
    git(&fx.repo, &["add", "-A"]);
    git(&fx.repo, &["commit", "-q", "-m", "docs"]);
    let head = git(&fx.repo, &["rev-parse", "HEAD"]);
    let run = run_action(
        &fx.repo,
        "pull_request",
        Some((&fx.base, &head)),
        &[
            ("policies", "policies"),
            ("facts", "facts.json"),
            ("upload-sarif", "false"),
            ("comment", "false"),
        ],
    );
    let log = run.log();
    let report = read_json(&run.outputs["report-json"]);
    assert_eq!(
        report["entities"].as_array().map(Vec::len),
        Some(0),
        "{log}"
    );
    assert_eq!(run.step_outputs["score"]["entities"], "0", "{log}");
    assert_eq!(run.steps.last().unwrap().code, Some(0), "{log}");
    assert!(run.summary.contains("<!-- yardstick-report -->"), "{log}");
    // beta fails the base's custom check, but its file did not change.
    assert!(
        !run.summary.contains("component:default/beta"),
        "{}",
        run.summary
    );
    assert_no_token(&run);
    cleanup();
}

/// The app-config a pull request would like: its include reaches beta and a file it adds.
const CATALOG_CONFIG_HEAD: &str = "locations:
  - type: file
    target: ./services/alpha/catalog-info.yaml
  - type: file
    target: ./services/beta/catalog-info.yaml
  - type: file
    target: ./secret/leak.yaml
rules:
  - allow: [Component]
";

const LEAKED: &str = "SECRET-0xC0FFEE-must-not-be-reported";

/// Base: an app-config whose `$include` reaches only alpha. Head: the app-config and its
/// include changed to reach beta and a file holding a secret as well, and all three changed.
fn app_config_fixture() -> (PathBuf, String, String) {
    let root = scratch("app-config");
    let repo = root.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    write(
        &repo,
        "app-config.yaml",
        "app:\n  title: base\ncatalog:\n  $include: ./catalog-config.yaml\n",
    );
    write(
        &repo,
        "catalog-config.yaml",
        "locations:\n  - type: file\n    target: ./services/alpha/catalog-info.yaml\nrules:\n  - allow: [Component]\n",
    );
    write(
        &repo,
        "services/alpha/catalog-info.yaml",
        &component("alpha", Some("The alpha service"), true),
    );
    write(
        &repo,
        "services/beta/catalog-info.yaml",
        &component("beta", Some("The beta service"), true),
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let base = git(&repo, &["rev-parse", "HEAD"]);

    git(&repo, &["checkout", "-q", "-b", "feature"]);
    write(
        &repo,
        "app-config.yaml",
        "app:\n  title: head\ncatalog:\n  $include: ./catalog-config.yaml\n",
    );
    write(&repo, "catalog-config.yaml", CATALOG_CONFIG_HEAD);
    write(
        &repo,
        "services/alpha/catalog-info.yaml",
        &component("alpha", None, true),
    );
    write(
        &repo,
        "services/beta/catalog-info.yaml",
        &component("beta", None, true),
    );
    write(
        &repo,
        "secret/leak.yaml",
        &format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: leak\n  description: {LEAKED}\nspec: {{type: service, lifecycle: production, owner: team-a}}\n"
        ),
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "head: reach more"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    (repo, base, head)
}

fn reported_refs(run: &ActionRun) -> Vec<String> {
    read_json(&run.outputs["report-json"])["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .filter_map(|e| e["ref"].as_str().map(str::to_string))
        .collect()
}

fn all_output(run: &ActionRun) -> String {
    let mut text = run.log();
    for f in &run.files {
        text.push_str(&String::from_utf8_lossy(
            &std::fs::read(f).unwrap_or_default(),
        ));
    }
    text
}

#[test]
fn pull_request_reads_the_app_config_and_its_includes_from_the_base() {
    let (repo, base, head) = app_config_fixture();
    let inputs = [
        ("app-config", "\napp-config.yaml\n"),
        ("upload-sarif", "false"),
        ("comment", "false"),
    ];
    let run = run_action(&repo, "pull_request", Some((&base, &head)), &inputs);
    let log = run.log();
    assert!(
        run.step("score")
            .stdout
            .contains("App-config: app-config.yaml at the base commit"),
        "{log}"
    );
    // Only the base's location (alpha) is read: not beta, not the file the head adds.
    assert_eq!(reported_refs(&run), ["component:default/alpha"], "{log}");
    assert!(!all_output(&run).contains(LEAKED), "{log}");
    // The base was scored too (in its own tree, with the same app-config).
    assert!(!log.contains("could not score the base commit"), "{log}");

    // The same inputs on a push read the head's app-config and its include: the test would
    // see the head's locations if the pull request's files were used.
    let push = run_action(&repo, "push", None, &inputs);
    let refs = reported_refs(&push);
    assert!(
        refs.contains(&"component:default/leak".to_string())
            && refs.contains(&"component:default/beta".to_string()),
        "{refs:?}\n{}",
        push.log()
    );
    cleanup();
}

#[test]
fn pull_request_leaves_out_an_app_config_the_base_does_not_have() {
    let (repo, base, _) = app_config_fixture();
    git(&repo, &["mv", "app-config.yaml", "app-config.new.yaml"]);
    git(&repo, &["commit", "-q", "-m", "rename"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let run = run_action(
        &repo,
        "pull_request",
        Some((&base, &head)),
        &[
            ("app-config", "app-config.new.yaml"),
            ("upload-sarif", "false"),
            ("comment", "false"),
        ],
    );
    let log = run.log();
    assert!(
        log.contains("has no app-config app-config.new.yaml: it is left out"),
        "{log}"
    );
    // Without an app-config, discovery finds catalog-info.yaml files only: never leak.yaml.
    assert!(
        !reported_refs(&run).contains(&"component:default/leak".to_string()),
        "{log}"
    );
    assert!(!all_output(&run).contains(LEAKED), "{log}");
    cleanup();
}
