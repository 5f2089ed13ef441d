//! The one result model for lint problems: a [`Finding`] with a stable rule id.

use crate::rules::{rule, Rule, RuleId, Severity};
use crate::yaml::Span;

/// A problem found in a catalog file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    /// Stable rule id.
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, naming the field and value.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The file, relative to the scan root where possible, with `/` separators.
    pub file: String,
    /// 0-based index of the YAML document in the file's stream, when the finding is about one.
    pub document: Option<usize>,
    /// Where in the file.
    pub span: Option<Span>,
    /// JSON pointer of the field, when the finding is about one.
    pub pointer: Option<String>,
    /// Stringified entity reference, when known.
    pub entity: Option<String>,
    /// A second place the finding points at (shown in human output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary: Option<SecondaryLabel>,
}

/// A second place a finding points at, and what it is there: the bracket a YAML syntax
/// error leaves open, for one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SecondaryLabel {
    /// Where.
    pub span: Span,
    /// What it is, shown beside it.
    pub label: String,
}

impl Finding {
    /// A finding of `rule` at its default severity, with the rule's help; the caller fills
    /// in the pointer and entity when the finding is about one.
    ///
    /// ```
    /// use yardstick::{Finding, RuleId, Severity};
    /// let finding = Finding::new(RuleId::YamlSyntax, "bad".into(), "a.yaml", None, None);
    /// assert_eq!(finding.rule, "yaml/syntax");
    /// assert_eq!(finding.severity, Severity::Error);
    /// ```
    pub fn new(
        rule: RuleId,
        message: String,
        file: &str,
        document: Option<usize>,
        span: Option<Span>,
    ) -> Finding {
        Finding {
            rule: rule.id(),
            severity: rule.severity(),
            message,
            help: rule.help().to_string(),
            file: file.to_string(),
            document,
            span,
            pointer: None,
            entity: None,
            secondary: None,
        }
    }

    /// The rule of this finding.
    pub fn rule(&self) -> Option<&'static Rule> {
        rule(self.rule)
    }
}

/// A finding's rule and message, before it is placed in a file.
pub(super) struct Note {
    pub(super) rule: RuleId,
    pub(super) message: String,
}

impl Note {
    /// `Some` note: the common return of a step that may have something to report.
    pub(super) fn some(rule: RuleId, message: String) -> Option<Note> {
        Some(Note { rule, message })
    }
}
