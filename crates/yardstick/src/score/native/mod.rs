//! The built-in checks evaluated in Rust: the same answers as their Rego modules, without
//! the VM.
//!
//! A check is evaluated here only when its module is exactly the built-in one and no other
//! module extends its package (the VM's condition, see `vm_program`), so the Rego source is
//! the specification and this is a faster reading of it. Where an input leaves the plain
//! cases (a number where a string is expected, a non-ASCII owner, whose lower-casing and
//! character offsets Rego defines its own way), `evaluate` answers `None` and the check
//! goes to the VM and the interpreter as before. The VM-versus-interpreter agreement test
//! and the memo property test (random catalogs, against plain Rego evaluation) hold these
//! to the modules.

mod annotations;
mod owner;
mod view;

pub(super) use view::{Json, Views, Yaml};
use view::{Shape, View};

use std::sync::{Arc, OnceLock};

use regorus::Value;

use super::input::EntityInput;
use super::model::CheckStatus;
use super::scorer::PreparedCheck;
use super::vm::{Evaluation, Verdict};

/// A built-in check that is evaluated natively, with its params applied.
pub(super) enum NativeCheck {
    CiPassing,
    HasOwner,
    HasTechdocs,
    /// `has-monitoring` and `has-oncall`: one of the configured annotations, or a fact.
    AnyAnnotation(annotations::AnyAnnotation),
    HasBackups(annotations::HasBackups),
    HasCostTags(annotations::HasCostTags),
}

impl NativeCheck {
    /// The native form of `p`, when its module is a built-in one evaluated by the VM
    /// (exactly the built-in source, its package not extended); `None` otherwise.
    pub(super) fn of(p: &PreparedCheck<'_>) -> Option<NativeCheck> {
        if p.vm.is_none() || !crate::policy::is_builtin_source(&p.check.source) {
            return None;
        }
        let params = &p.params_value;
        Some(match p.check.package.strip_prefix("yardstick.checks.")? {
            "ci_passing" => NativeCheck::CiPassing,
            "has_owner" => NativeCheck::HasOwner,
            "has_techdocs" => NativeCheck::HasTechdocs,
            "has_monitoring" => {
                NativeCheck::AnyAnnotation(annotations::AnyAnnotation::monitoring(params))
            }
            "has_oncall" => NativeCheck::AnyAnnotation(annotations::AnyAnnotation::oncall(params)),
            "has_backups" => NativeCheck::HasBackups(annotations::HasBackups::new(params)),
            "has_cost_tags" => NativeCheck::HasCostTags(annotations::HasCostTags::new(params)),
            _ => return None,
        })
    }

    /// The check's evaluation on `input` with the catalog's `data`, as its Rego module
    /// gives it; `None` when the input is not one this reading covers.
    pub(super) fn evaluate(&self, input: &EntityInput, data: &Value) -> Option<Evaluation> {
        let views = Views {
            entity: &input.entity,
            facts: &input.facts,
            local: &input.local,
        };
        self.evaluate_views(views, data)
    }

    /// [`NativeCheck::evaluate`] on the parts of `input` read where they are (see `view`).
    pub(super) fn evaluate_views<'v>(
        &self,
        input: Views<impl View<'v>, impl View<'v>, impl View<'v>>,
        data: &Value,
    ) -> Option<Evaluation> {
        match self {
            NativeCheck::CiPassing => ci_passing(input.facts),
            NativeCheck::HasOwner => owner::has_owner(input.entity, data),
            NativeCheck::HasTechdocs => annotations::has_techdocs(input),
            NativeCheck::AnyAnnotation(check) => check.evaluate(input),
            NativeCheck::HasBackups(check) => check.evaluate(input),
            NativeCheck::HasCostTags(check) => check.evaluate(input),
        }
        .map(Ok)
    }
}

/// `ci_passing.rego`.
fn ci_passing<'v>(facts: impl View<'v>) -> Option<Option<Verdict>> {
    static CI_STATUS: Path = Path::new(&["ci", "status"]);
    let (status, message) = match at(facts, &CI_STATUS).shape() {
        Shape::Undefined => (
            CheckStatus::Unknown,
            "no CI status is known for this entity (fact ci.status is missing)".to_string(),
        ),
        Shape::Str(s) => match s {
            "passing" => (CheckStatus::Pass, "CI is passing".into()),
            "failing" => (CheckStatus::Fail, "CI is failing".into()),
            "none" => (CheckStatus::Fail, "no CI is set up".into()),
            other => (
                CheckStatus::Unknown,
                format!("CI status {other} is not one of passing, failing or none"),
            ),
        },
        // `%v` of another value is its Rego text: left to Rego.
        _ => return None,
    };
    Some(Some(verdict(status, message, "")))
}

/// A path of object fields, whose keys are built once (a lookup takes a `Value`).
pub(super) struct Path {
    fields: &'static [&'static str],
    keys: OnceLock<Vec<Value>>,
}

impl Path {
    pub(super) const fn new(fields: &'static [&'static str]) -> Self {
        Path {
            fields,
            keys: OnceLock::new(),
        }
    }

    fn keys(&self) -> &[Value] {
        self.keys
            .get_or_init(|| self.fields.iter().map(|f| Value::from(*f)).collect())
    }
}

/// The value at `path` below `value`, or `Undefined`, as the Rego reference `value.a.b`
/// reads it: only objects have fields.
fn at<'v, V: View<'v>>(value: V, path: &Path) -> V {
    lookup(value, path.keys())
}

/// The value at the fields `keys` below `value`, or `Undefined`.
fn lookup<'v, V: View<'v>>(value: V, keys: &[Value]) -> V {
    keys.iter().fold(value, |v, key| v.field(key))
}

/// The string `value` when `_non_empty` holds for it: a string that is not empty once
/// surrounding whitespace is removed (regorus's `trim_space` is `str::trim`).
fn non_empty<'v>(value: impl View<'v>) -> Option<&'v str> {
    match value.shape() {
        Shape::Str(s) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

/// `metadata.annotations`.
static ANNOTATIONS: Path = Path::new(&["metadata", "annotations"]);

/// `_missing_pointer`: the annotations when they are an object, else the metadata.
fn missing_pointer<'v>(entity: impl View<'v>) -> &'static str {
    match at(entity, &ANNOTATIONS).shape() {
        Shape::Object => "/metadata/annotations",
        _ => "/metadata",
    }
}

/// The annotation `key` of `entity`, or `Undefined`.
fn annotation<'v, V: View<'v>>(entity: V, key: &Value) -> V {
    at(entity, &ANNOTATIONS).field(key)
}

fn verdict(status: CheckStatus, message: impl Into<Arc<str>>, pointer: &str) -> Verdict {
    Verdict {
        status,
        message: message.into(),
        pointer: Arc::from(pointer),
    }
}
