//! The rules of a SARIF run: one per check and one per lint rule, with their help text,
//! levels and tags.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use serde_sarif::sarif::{
    MultiformatMessageString, PropertyBag, ReportingConfiguration, ReportingDescriptor, ResultLevel,
};

use super::{string, CHECKS_DOC_URL, MAX_DESCRIPTION, MAX_NAME};
use crate::policy::CheckSeverity;
use crate::report::text::clip;
use crate::report::{CheckInfo, FindingRecord, RenderOptions, Report};
use crate::rules::{Severity, RULES};

/// The rules of the run, with an index by id (the first rule of an id wins).
#[derive(Debug, Default)]
pub(super) struct Rules {
    list: Vec<ReportingDescriptor>,
    by_id: HashMap<String, usize>,
}

impl Rules {
    /// The rules of every check the report ran and of every lint rule.
    pub(super) fn for_report(report: &Report, options: &RenderOptions) -> Self {
        let mut rules = Rules::default();
        for check in &report.checks {
            rules.add(check_rule(check, options));
        }
        // Every lint rule runs on every invocation (none can be disabled), so all are listed: an
        // alert whose problem was fixed then closes exactly as a check's does, and rule indexes
        // stay the same from run to run.
        for rule in RULES {
            rules.add(lint_rule(
                rule.id,
                rule.severity,
                rule.summary,
                rule.help,
                Some(rule.docs_url()),
                options,
            ));
        }
        rules
    }

    /// Adds a rule for a check result whose check the report does not describe.
    pub(super) fn ensure_check(
        &mut self,
        id: &str,
        severity: CheckSeverity,
        options: &RenderOptions,
    ) {
        if self.index(id).is_none() {
            self.add(unknown_check_rule(id, severity, options));
        }
    }

    /// Adds a rule for a finding whose id is not in [`RULES`] (a report read from an older
    /// version).
    pub(super) fn ensure_lint(&mut self, finding: &FindingRecord, options: &RenderOptions) {
        if self.index(&finding.rule).is_none() {
            self.add(unknown_lint_rule(finding, options));
        }
    }

    fn add(&mut self, rule: ReportingDescriptor) {
        if !self.by_id.contains_key(&rule.id) {
            self.by_id.insert(rule.id.clone(), self.list.len());
            self.list.push(rule);
        }
    }

    pub(super) fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The rules in index order.
    pub(super) fn into_list(self) -> Vec<ReportingDescriptor> {
        self.list
    }
}

fn check_rule(check: &CheckInfo, options: &RenderOptions) -> ReportingDescriptor {
    let short = non_empty(&check.title, &check.id);
    let full = non_empty(&check.description, short);
    let remediation = check.remediation.trim();
    let kinds = if check.applies_to.is_empty() {
        "every kind".to_string()
    } else {
        check.applies_to.join(", ")
    };
    // Only built-in checks have a section in docs/checks.md.
    let doc = check
        .origin
        .starts_with("builtin:")
        .then(|| format!("{CHECKS_DOC_URL}#{}", anchor(&check.id)));
    let mut text = full.to_string();
    let mut markdown = full.to_string();
    if !remediation.is_empty() {
        text.push_str(&format!("\n\nRemediation: {remediation}"));
        markdown.push_str(&format!("\n\n**Remediation:** {remediation}"));
    }
    let facts = format!(
        "Severity {}, weight {}; applies to {kinds}.",
        check.severity, check.weight
    );
    text.push_str(&format!("\n\n{facts}"));
    markdown.push_str(&format!("\n\n{facts}"));
    if let Some(url) = &doc {
        text.push_str(&format!("\n\nDocumentation: {url}"));
        markdown.push_str(&format!("\n\n[Documentation]({url})"));
    }
    let level = check_level(check.severity);
    ReportingDescriptor::builder()
        .id(check.id.as_str())
        .name(pascal_case(&check.id))
        .short_description(plain(clip(short, MAX_DESCRIPTION)))
        .full_description(plain(clip(full, MAX_DESCRIPTION)))
        .help(help_text(text, markdown))
        .opt_help_uri(doc)
        .default_configuration(configuration(level))
        .properties(rule_properties(
            "scorecard",
            None,
            level,
            options
                .security_severity
                .then_some(check_security_severity(check.severity)),
            options,
        ))
        .build()
}

fn unknown_check_rule(
    id: &str,
    severity: CheckSeverity,
    options: &RenderOptions,
) -> ReportingDescriptor {
    let level = check_level(severity);
    ReportingDescriptor::builder()
        .id(id)
        .name(pascal_case(id))
        .short_description(plain(clip(id, MAX_DESCRIPTION)))
        .full_description(plain(clip(id, MAX_DESCRIPTION)))
        .help(help_text(format!("Check {id}."), format!("Check `{id}`.")))
        .default_configuration(configuration(level))
        .properties(rule_properties(
            "scorecard",
            None,
            level,
            options
                .security_severity
                .then_some(check_security_severity(severity)),
            options,
        ))
        .build()
}

fn lint_rule(
    id: &str,
    severity: Severity,
    summary: &str,
    help: &str,
    url: Option<String>,
    options: &RenderOptions,
) -> ReportingDescriptor {
    let summary = non_empty(summary, id);
    let help = help.trim();
    let mut text = summary.to_string();
    let mut markdown = summary.to_string();
    if !help.is_empty() {
        text.push_str(&format!("\n\nHow to fix: {help}"));
        markdown.push_str(&format!("\n\n**How to fix:** {help}"));
    }
    if let Some(url) = &url {
        text.push_str(&format!("\n\nDocumentation: {url}"));
        markdown.push_str(&format!("\n\n[Documentation]({url})"));
    }
    let level = lint_level(severity);
    let group = id.split_once('/').map(|(g, _)| g).filter(|g| !g.is_empty());
    ReportingDescriptor::builder()
        .id(id)
        .name(pascal_case(id))
        .short_description(plain(clip(summary, MAX_DESCRIPTION)))
        .full_description(plain(clip(summary, MAX_DESCRIPTION)))
        .help(help_text(text, markdown))
        .opt_help_uri(url)
        .default_configuration(configuration(level))
        .properties(rule_properties(
            "lint",
            group,
            level,
            options
                .security_severity
                .then_some(lint_security_severity(severity)),
            options,
        ))
        .build()
}

fn unknown_lint_rule(f: &FindingRecord, options: &RenderOptions) -> ReportingDescriptor {
    lint_rule(
        &f.rule,
        f.severity,
        &f.rule,
        &f.help,
        f.url.clone(),
        options,
    )
}

/// A plain-text description.
fn plain(text: String) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

/// Help in plain text and Markdown.
fn help_text(text: String, markdown: String) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(text)
        .markdown(markdown)
        .build()
}

fn configuration(level: ResultLevel) -> ReportingConfiguration {
    ReportingConfiguration::builder()
        .level(string(level))
        .build()
}

/// The tags and GitHub's rule properties, which the model has no typed fields for.
fn rule_properties(
    kind: &str,
    group: Option<&str>,
    level: ResultLevel,
    security_severity: Option<&'static str>,
    options: &RenderOptions,
) -> PropertyBag {
    let mut tags = vec![
        "backstage".to_string(),
        "catalog".to_string(),
        kind.to_string(),
    ];
    // GitHub treats rules with a security-severity as security rules.
    let security = options.security_severity.then_some("security");
    for tag in group.into_iter().chain(security) {
        // Tags must be unique (`catalog/duplicate-entity` is in group `catalog`).
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    let problem_severity = match level {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note | ResultLevel::None => "recommendation",
    };
    let mut properties = BTreeMap::from([
        ("precision".to_string(), Value::from("very-high")),
        (
            "problem.severity".to_string(),
            Value::from(problem_severity),
        ),
    ]);
    if let Some(score) = security_severity {
        properties.insert("security-severity".to_string(), Value::from(score));
    }
    PropertyBag::builder()
        .tags(tags)
        .additional_properties(properties)
        .build()
}

pub(super) fn check_level(severity: CheckSeverity) -> ResultLevel {
    match severity {
        CheckSeverity::Critical | CheckSeverity::High => ResultLevel::Error,
        CheckSeverity::Medium => ResultLevel::Warning,
        CheckSeverity::Low => ResultLevel::Note,
    }
}

pub(super) fn lint_level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    }
}

fn check_security_severity(severity: CheckSeverity) -> &'static str {
    match severity {
        CheckSeverity::Critical => "9.0",
        CheckSeverity::High => "7.0",
        CheckSeverity::Medium => "5.0",
        CheckSeverity::Low => "3.0",
    }
}

/// Lint severities on the same scale as checks: an error (Backstage rejects the entity) is
/// high, a warning medium, a note low. A run that mixes rules with and without a
/// security-severity would split into security and non-security alerts on GitHub.
fn lint_security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "7.0",
        Severity::Warning => "5.0",
        Severity::Note => "3.0",
    }
}

/// `has-owner` → `HasOwner`, `schema/metadata-name` → `SchemaMetadataName`.
fn pascal_case(id: &str) -> String {
    let mut name = String::new();
    for word in id
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    if name.is_empty() {
        name.push_str("Rule");
    }
    clip(&name, MAX_NAME)
}

/// The anchor GitHub gives a Markdown heading: lower case, spaces to `-`, other punctuation
/// except `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn non_empty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    let text = text.trim();
    if text.is_empty() {
        fallback
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_anchors() {
        assert_eq!(pascal_case("has-owner"), "HasOwner");
        assert_eq!(pascal_case("schema/metadata-name"), "SchemaMetadataName");
        assert_eq!(anchor("has-owner"), "has-owner");
        assert_eq!(anchor("My Check.v2"), "my-checkv2");
    }
}
