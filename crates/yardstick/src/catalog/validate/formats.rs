//! Backstage's `FieldFormatEntityPolicy`: the formats of names, namespaces, labels,
//! annotations, tags and links.

use super::Problem;
use crate::catalog::schema::escape_pointer;
use crate::rules::RuleId;
use crate::yaml::Node;

fn dns_label(v: &str) -> bool {
    // ^[a-z0-9]+(?:\-+[a-z0-9]+)*$, 1..=63
    let b = v.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&b.len())
        && b.first().copied().is_some_and(alnum)
        && b.last().copied().is_some_and(alnum)
        && b.iter().all(|&c| alnum(c) || c == b'-')
}

fn dns_subdomain(v: &str) -> bool {
    (1..=253).contains(&v.len()) && v.split('.').all(dns_label)
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, 1..=63.
fn object_name(v: &str) -> bool {
    let b = v.as_bytes();
    (1..=63).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn prefix_and_or_suffix(v: &str, prefix: fn(&str) -> bool, suffix: fn(&str) -> bool) -> bool {
    let parts: Vec<&str> = v.split('/').collect();
    match parts.as_slice() {
        [s] => suffix(s),
        [p, s] => prefix(p) && suffix(s),
        _ => false,
    }
}

fn api_version(v: &str) -> bool {
    prefix_and_or_suffix(v, dns_subdomain, |s| {
        (1..=63).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_alphanumeric())
    })
}

fn kind_name(v: &str) -> bool {
    let b = v.as_bytes();
    (1..=63).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().all(u8::is_ascii_alphanumeric)
}

fn label_or_annotation_key(v: &str) -> bool {
    prefix_and_or_suffix(v, dns_subdomain, object_name)
}

fn tag(v: &str) -> bool {
    // ^[a-z0-9:+#]+(\-[a-z0-9:+#]+)*$, 1..=63
    let ok =
        |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b':' | b'+' | b'#');
    (1..=63).contains(&v.len())
        && v.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(ok))
}

fn non_empty_trimmed(v: &str) -> bool {
    // JavaScript's trim() strips Unicode white space and line terminators.
    !v.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
}

const NAME: &str = "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total";
const DNS: &str =
    "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total";
const PREFIX: &str = "a valid prefix and/or suffix";
const TAG: &str =
    "a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total";

/// Collects format problems, at most one per pointer (the schema's comes first).
struct FormatProblems<'p> {
    problems: &'p mut Vec<Problem>,
}

impl FormatProblems<'_> {
    /// Reports `what` at `pointer` unless `valid`; the pointer and message are only built
    /// for an invalid value (most values are valid).
    fn check(
        &mut self,
        rule: RuleId,
        pointer: impl FnOnce() -> String,
        what: &str,
        value: Option<&str>,
        valid: bool,
        expected: &str,
    ) {
        if valid {
            return;
        }
        let pointer = pointer();
        if !self.problems.iter().any(|p| p.pointer == pointer) {
            let shown = value.map_or_else(String::new, |v| {
                format!(" {}", serde_json::Value::String(v.into()))
            });
            self.problems.push(Problem {
                rule,
                message: format!("{what}{shown} is not valid: expected {expected}"),
                pointer,
                at_key: what.ends_with(" key"),
            });
        }
    }
}

/// Backstage's `FieldFormatEntityPolicy`, in its order. Values of the wrong type were
/// already reported by the schema.
pub(super) fn field_formats(root: &Node, problems: &mut Vec<Problem>) {
    let mut out = FormatProblems { problems };
    if let Some(v) = root.get("apiVersion").and_then(Node::as_str) {
        out.check(
            RuleId::SchemaApiVersion,
            || "/apiVersion".into(),
            "apiVersion",
            Some(v),
            api_version(v),
            PREFIX,
        );
    }
    if let Some(v) = root.get("kind").and_then(Node::as_str) {
        out.check(
            RuleId::SchemaKind,
            || "/kind".into(),
            "kind",
            Some(v),
            kind_name(v),
            "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total",
        );
    }
    let Some(meta) = root.get("metadata") else {
        return;
    };
    name_formats(meta, &mut out);
    label_and_annotation_formats(meta, &mut out);
    tag_formats(meta, &mut out);
    link_formats(meta, &mut out);
}

fn name_formats(meta: &Node, out: &mut FormatProblems<'_>) {
    if let Some(v) = meta.get("name").and_then(Node::as_str) {
        out.check(
            RuleId::SchemaMetadataName,
            || "/metadata/name".into(),
            "metadata.name",
            Some(v),
            object_name(v),
            NAME,
        );
    }
    if let Some(v) = meta.get("namespace").and_then(Node::as_str) {
        out.check(
            RuleId::SchemaMetadataNamespace,
            || "/metadata/namespace".into(),
            "metadata.namespace",
            Some(v),
            dns_label(v),
            DNS,
        );
    }
}

fn label_and_annotation_formats(meta: &Node, out: &mut FormatProblems<'_>) {
    for (field, rule, what) in [
        ("labels", RuleId::SchemaMetadataLabels, "labels key"),
        (
            "annotations",
            RuleId::SchemaMetadataAnnotations,
            "annotations key",
        ),
    ] {
        for e in meta.get(field).and_then(Node::as_map).unwrap_or_default() {
            let pointer = || format!("/metadata/{field}/{}", escape_pointer(&e.key));
            out.check(
                rule,
                pointer,
                what,
                Some(&e.key),
                label_or_annotation_key(&e.key),
                PREFIX,
            );
            if field == "labels" {
                let v = e.value.as_str();
                let valid = v.is_some_and(|v| v.is_empty() || object_name(v));
                out.check(rule, pointer, "label value", v, valid, NAME);
            } else {
                out.check(
                    rule,
                    pointer,
                    "annotation value",
                    None,
                    e.value.as_str().is_some(),
                    "a string",
                );
            }
        }
    }
}

fn tag_formats(meta: &Node, out: &mut FormatProblems<'_>) {
    for (i, t) in meta
        .get("tags")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let v = t.as_str();
        out.check(
            RuleId::SchemaMetadataTags,
            || format!("/metadata/tags/{i}"),
            "tag",
            v,
            v.is_some_and(tag),
            TAG,
        );
    }
}

fn link_formats(meta: &Node, out: &mut FormatProblems<'_>) {
    for (i, link) in meta
        .get("links")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let url = link.get("url");
        let valid = url
            .and_then(Node::as_str)
            .is_some_and(|u| url::Url::parse(u).is_ok());
        out.check(
            RuleId::SchemaMetadataLinks,
            || format!("/metadata/links/{i}/url"),
            "link url",
            url.and_then(Node::as_str),
            valid,
            "a string that is a valid url",
        );
        for (key, what) in [("title", "link title"), ("icon", "link icon")] {
            if let Some(v) = link.get(key) {
                let valid = v.as_str().is_some_and(non_empty_trimmed);
                out.check(
                    RuleId::SchemaMetadataLinks,
                    || format!("/metadata/links/{i}/{key}"),
                    what,
                    v.as_str(),
                    valid,
                    "a non empty string",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(object_name("a--b__c..d"));
        assert!(!object_name("-leading"));
        assert!(object_name("X"));
        assert!(!object_name(&"e".repeat(64)));
        assert!(tag("k8s:prod") && tag("c++") && tag("c#") && tag("a-b"));
        assert!(!tag("a--b") && !tag("Java") && !tag("-a") && !tag(""));
        assert!(label_or_annotation_key("example.com/cost-center"));
        assert!(!label_or_annotation_key("a/b/c"));
        assert!(!label_or_annotation_key("Example_Corp.com/key"));
        assert!(api_version("backstage.io/v1alpha1") && api_version("v1"));
        assert!(!api_version("backstage.io/v1-alpha"));
        assert!(dns_label("a--b") && !dns_label("a-") && !dns_label("A"));
    }
}
