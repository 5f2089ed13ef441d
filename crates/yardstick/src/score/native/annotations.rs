//! The built-in checks that look for annotations, labels or facts: `has_techdocs.rego`,
//! `has_monitoring.rego`, `has_oncall.rego`, `has_backups.rego` and `has_cost_tags.rego`.

use regorus::Value;

use super::view::{Shape, View, Views};
use super::{annotation, at, missing_pointer, non_empty, verdict, Path};
use crate::catalog::schema::escape_pointer as escape;
use crate::score::model::CheckStatus;
use crate::score::vm::Verdict;

/// `has_techdocs.rego`; `None` when `input.local.techdocs.expected` is not a string.
pub(super) fn has_techdocs<'v>(
    input: Views<impl View<'v>, impl View<'v>, impl View<'v>>,
) -> Option<Option<Verdict>> {
    const REF: &str = "backstage.io/techdocs-ref";
    const ENTITY: &str = "backstage.io/techdocs-entity";
    static DIR_REF: Path = Path::new(&["techdocs", "dir_ref"]);
    static FOUND: Path = Path::new(&["techdocs", "mkdocs_found"]);
    static EXPECTED: Path = Path::new(&["techdocs", "expected"]);
    let ref_pointer = "/metadata/annotations/backstage.io~1techdocs-ref";
    let local = input.local;
    if at(local, &DIR_REF).shape() == Shape::Bool(true)
        && at(local, &FOUND).shape() == Shape::Bool(false)
    {
        let expected = match at(local, &EXPECTED).shape() {
            Shape::Undefined => "mkdocs.yml",
            Shape::Str(s) => s,
            _ => return None,
        };
        let message =
            format!("{REF} points to a directory without mkdocs.yml: expected {expected}");
        return Some(Some(verdict(CheckStatus::Fail, message, ref_pointer)));
    }
    static REF_VALUE: Path = Path::new(&["metadata", "annotations", REF]);
    static ENTITY_VALUE: Path = Path::new(&["metadata", "annotations", ENTITY]);
    for (key, path, pointer) in [
        (REF, &REF_VALUE, ref_pointer),
        (
            ENTITY,
            &ENTITY_VALUE,
            "/metadata/annotations/backstage.io~1techdocs-entity",
        ),
    ] {
        if let Some(value) = non_empty(at(input.entity, path)) {
            let message = format!("{key} is {value}");
            return Some(Some(verdict(CheckStatus::Pass, message, pointer)));
        }
    }
    let message = format!("neither {REF} nor {ENTITY} annotation is set");
    let pointer = missing_pointer(input.entity);
    Some(Some(verdict(CheckStatus::Fail, message, pointer)))
}

/// `has-monitoring` or `has-oncall`: one of `annotations` is set, or the fact says so.
pub(in crate::score) struct AnyAnnotation {
    /// `_annotations`: the params' list when it is one (its strings), else the default.
    annotations: Vec<Value>,
    /// What is looked for, in the messages: `monitoring` or `on-call`.
    noun: &'static str,
    /// The fact that also passes the check: `monitoring.configured` or `oncall.configured`.
    fact: &'static Path,
    fact_name: &'static str,
    /// The failure's message: it depends only on the params.
    none_set: String,
}

impl AnyAnnotation {
    pub(super) fn monitoring(params: &Value) -> Self {
        static FACT: Path = Path::new(&["monitoring", "configured"]);
        let defaults = [
            "prometheus.io/rule",
            "prometheus.io/alert",
            "grafana/dashboard-selector",
            "grafana/alert-label-selector",
            "grafana/overview-dashboard",
            "datadoghq.com/dashboard-url",
            "datadoghq.com/graph-token",
            "newrelic.com/dashboard-guid",
            "dynatrace.com/dynatrace-entity-id",
        ];
        Self::new(
            params,
            &defaults,
            "monitoring",
            &FACT,
            "monitoring.configured",
        )
    }

    pub(super) fn oncall(params: &Value) -> Self {
        static FACT: Path = Path::new(&["oncall", "configured"]);
        let defaults = [
            "pagerduty.com/service-id",
            "pagerduty.com/integration-key",
            "opsgenie.com/component-selector",
            "opsgenie.com/team",
            "splunk.com/on-call-routing-key",
            "ilert.com/integration-key",
        ];
        Self::new(params, &defaults, "on-call", &FACT, "oncall.configured")
    }

    fn new(
        params: &Value,
        defaults: &[&str],
        noun: &'static str,
        fact: &'static Path,
        fact_name: &'static str,
    ) -> Self {
        let annotations = string_list(params, "annotations", defaults);
        let names: Vec<&str> = annotations.iter().filter_map(as_str).collect();
        let none_set = format!(
            "none of the {noun} annotations is set ({}) and no fact reports {noun} as configured",
            names.join(", ")
        );
        AnyAnnotation {
            annotations,
            noun,
            fact,
            fact_name,
            none_set,
        }
    }

    pub(super) fn evaluate<'v>(
        &self,
        input: Views<impl View<'v>, impl View<'v>, impl View<'v>>,
    ) -> Option<Option<Verdict>> {
        let entity = input.entity;
        let found =
            (self.annotations.iter()).find(|key| non_empty(annotation(entity, key)).is_some());
        if let Some(key) = found.and_then(as_str) {
            let message = format!("{} annotation {key} is set", self.noun);
            let pointer = format!("/metadata/annotations/{}", escape(key));
            return Some(Some(verdict(CheckStatus::Pass, message, &pointer)));
        }
        if at(input.facts, self.fact).shape() == Shape::Bool(true) {
            let message = format!("{} is configured (fact {})", self.noun, self.fact_name);
            return Some(Some(verdict(CheckStatus::Pass, message, "")));
        }
        let pointer = missing_pointer(entity);
        Some(Some(verdict(
            CheckStatus::Fail,
            self.none_set.as_str(),
            pointer,
        )))
    }
}

/// `has-backups`: applies to databases; the backup-policy annotation or the fact.
pub(in crate::score) struct HasBackups {
    /// `_database_types`: the params' list when it is one, else `["database"]`.
    database_types: Vec<Value>,
}

impl HasBackups {
    pub(super) fn new(params: &Value) -> Self {
        let database_types = match &params["database_types"] {
            Value::Array(types) => types.to_vec(),
            _ => vec![Value::from("database")],
        };
        HasBackups { database_types }
    }

    /// `Some(None)` when `applicable` is false; `None` for a `spec.type` that is not a
    /// string (Rego's equality of numbers decides).
    pub(super) fn evaluate<'v>(
        &self,
        input: Views<impl View<'v>, impl View<'v>, impl View<'v>>,
    ) -> Option<Option<Verdict>> {
        static TYPE: Path = Path::new(&["spec", "type"]);
        static FACT: Path = Path::new(&["backups", "enabled"]);
        static POLICY: Path =
            Path::new(&["metadata", "annotations", "yardstick.dev/backup-policy"]);
        let entity = input.entity;
        match at(entity, &TYPE).shape() {
            Shape::Undefined => return Some(None),
            Shape::Str(kind) if !self.database_types.iter().any(|t| as_str(t) == Some(kind)) => {
                return Some(None)
            }
            Shape::Str(_) => {}
            _ => return None,
        }
        if let Some(policy) = non_empty(at(entity, &POLICY)) {
            let message = format!("backup policy is {policy}");
            let pointer = "/metadata/annotations/yardstick.dev~1backup-policy";
            return Some(Some(verdict(CheckStatus::Pass, message, pointer)));
        }
        if at(input.facts, &FACT).shape() == Shape::Bool(true) {
            let message = "backups are enabled (fact backups.enabled)";
            return Some(Some(verdict(CheckStatus::Pass, message, "")));
        }
        let message = "annotation yardstick.dev/backup-policy is not set and no fact reports backups as enabled";
        Some(Some(verdict(
            CheckStatus::Fail,
            message,
            missing_pointer(entity),
        )))
    }
}

/// `has-cost-tags`: every label of `keys` is set.
pub(in crate::score) struct HasCostTags {
    /// `_keys`: the params' list when it is one (its strings), else `["cost-center"]`.
    keys: Vec<Value>,
    /// The pass message: it depends only on the params.
    all_set: String,
}

impl HasCostTags {
    pub(super) fn new(params: &Value) -> Self {
        let keys = string_list(params, "label_keys", &["cost-center"]);
        let names: Vec<&str> = keys.iter().filter_map(as_str).collect();
        let all_set = if names.is_empty() {
            "no cost labels are required (params.label_keys is empty)".to_string()
        } else {
            format!("cost label(s) set: {}", names.join(", "))
        };
        HasCostTags { keys, all_set }
    }

    pub(super) fn evaluate<'v>(
        &self,
        input: Views<impl View<'v>, impl View<'v>, impl View<'v>>,
    ) -> Option<Option<Verdict>> {
        static LABELS: Path = Path::new(&["metadata", "labels"]);
        let labels = at(input.entity, &LABELS);
        let missing: Vec<&str> = (self.keys.iter())
            .filter(|key| non_empty(labels.field(key)).is_none())
            .filter_map(as_str)
            .collect();
        let Some(first) = missing.first() else {
            let pointer = if self.keys.is_empty() {
                ""
            } else {
                "/metadata/labels"
            };
            return Some(Some(verdict(
                CheckStatus::Pass,
                self.all_set.as_str(),
                pointer,
            )));
        };
        let message = format!("missing cost label(s): {}", missing.join(", "));
        let pointer = match labels.shape() {
            Shape::Object => format!("/metadata/labels/{}", escape(first)),
            _ => "/metadata".to_string(),
        };
        Some(Some(verdict(CheckStatus::Fail, message, &pointer)))
    }
}

/// The strings of `params[field]` when it is an array (`[k | some k in a; is_string(k)]`),
/// else `defaults`.
fn string_list(params: &Value, field: &str, defaults: &[&str]) -> Vec<Value> {
    match &params[field] {
        Value::Array(items) => (items.iter())
            .filter(|k| matches!(k, Value::String(_)))
            .cloned()
            .collect(),
        _ => defaults.iter().map(|k| Value::from(*k)).collect(),
    }
}

fn as_str(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}
