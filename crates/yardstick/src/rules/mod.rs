//! The lint rules: a typed registry ([`RuleId`]) with each rule's stable id, default
//! severity, summary, help and documentation anchor, as ruff's `Rule` and cargo-deny's codes.
//!
//! Every finding names its rule through a [`RuleId`], so a misspelled rule cannot compile;
//! outputs carry the rule's string id ([`RuleId::id`]). `docs/rules.md` is generated from
//! [`RULES`] and checked by a test.

use std::fmt;

/// How bad a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Backstage would reject the document.
    Error,
    /// Backstage accepts the document, but something is probably wrong.
    Warning,
    /// Information, such as a location target that was not followed.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// A lint rule: its stable id, what it means and how to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `schema/metadata-name`.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line saying what the rule checks.
    pub summary: &'static str,
    /// How to fix a finding of this rule.
    pub help: &'static str,
}

/// Where the rules are documented; each rule has an anchor there.
pub const RULES_DOC_URL: &str =
    "https://github.com/yardstick-dev/yardstick/blob/main/docs/rules.md";

impl Rule {
    /// A link to this rule's documentation.
    pub fn docs_url(&self) -> String {
        format!("{RULES_DOC_URL}#{}", self.id.replace('/', ""))
    }
}

impl Rule {
    /// The rule's anchor in `docs/rules.md`: its id without slashes.
    ///
    /// ```
    /// assert_eq!(yardstick::RuleId::YamlSyntax.rule().anchor(), "yamlsyntax");
    /// ```
    pub fn anchor(&self) -> String {
        self.id.replace('/', "")
    }
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $sev:ident, $summary:literal, $help:literal;)*) => {
        /// A lint rule, by name: every rule yardstick knows, in documentation order.
        ///
        /// ```
        /// use yardstick::{RuleId, Severity};
        /// let rule = RuleId::SchemaMetadataName;
        /// assert_eq!(rule.id(), "schema/metadata-name");
        /// assert_eq!(rule.rule().severity, Severity::Error);
        /// assert_eq!(RuleId::from_id("schema/metadata-name"), Some(rule));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        /// Every lint rule yardstick knows, in documentation order (the order of [`RuleId`]).
        pub const RULES: &[Rule] = &[$(Rule { id: $id, severity: Severity::$sev, summary: $summary, help: $help }),*];

        impl RuleId {
            /// Every rule, in documentation order.
            ///
            /// ```
            /// assert_eq!(yardstick::RuleId::ALL.len(), yardstick::RULES.len());
            /// ```
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The rule with this stable id, found without a linear search.
            ///
            /// ```
            /// use yardstick::RuleId;
            /// assert_eq!(RuleId::from_id("yaml/syntax"), Some(RuleId::YamlSyntax));
            /// assert_eq!(RuleId::from_id("yaml/sintax"), None);
            /// ```
            pub fn from_id(id: &str) -> Option<RuleId> {
                match id {
                    $($id => Some(RuleId::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

impl RuleId {
    /// The rule's id, severity, summary and help.
    ///
    /// ```
    /// let rule = yardstick::RuleId::LocationCycle.rule();
    /// assert_eq!(rule.id, "location/cycle");
    /// assert_eq!(rule.severity, yardstick::Severity::Note);
    /// ```
    pub const fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// The stable id, as every output writes it.
    ///
    /// ```
    /// assert_eq!(yardstick::RuleId::RefInvalid.id(), "ref/invalid");
    /// ```
    pub const fn id(self) -> &'static str {
        self.rule().id
    }

    /// The rule's default severity.
    ///
    /// ```
    /// use yardstick::{RuleId, Severity};
    /// assert_eq!(RuleId::LocationOutsideRoot.severity(), Severity::Warning);
    /// ```
    pub const fn severity(self) -> Severity {
        self.rule().severity
    }

    /// How to fix a finding of this rule.
    ///
    /// ```
    /// assert!(yardstick::RuleId::YamlDuplicateKey.help().contains("duplicate keys"));
    /// ```
    pub const fn help(self) -> &'static str {
        self.rule().help
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

rules! {
    YamlSyntax = "yaml/syntax", Error, "The file is not well-formed YAML.", "Fix the YAML syntax at the position shown; Backstage skips a document it cannot read.";
    YamlDuplicateKey = "yaml/duplicate-key", Error, "A mapping has the same key twice.", "Remove or rename one of the keys; Backstage's YAML reader rejects duplicate keys.";
    YamlNotAnObject = "yaml/not-an-object", Error, "A document's root is not a mapping.", "A catalog document must be a mapping with apiVersion, kind, metadata and spec.";
    YamlAliasLimit = "yaml/alias-limit", Error, "Aliases expand more than Backstage's reader allows.", "Use fewer aliases; Backstage stops reading a file whose aliases expand more than 100 times.";
    YamlDepthLimit = "yaml/depth-limit", Error, "Collections are nested too deeply.", "Flatten the document; catalog entities never need such nesting.";
    YamlDocumentLimit = "yaml/document-limit", Error, "The file holds too many documents.", "Split the file into several files.";
    YamlFileTooLarge = "yaml/file-too-large", Error, "The file is larger than the configured limit.", "Split the file, or raise the limit if the file really is a catalog file.";
    YamlUnresolvedTag = "yaml/unresolved-tag", Warning, "A YAML tag is not part of the YAML 1.2 core schema.", "Remove the tag; Backstage reads the value as a plain string or collection.";
    YamlEncoding = "yaml/encoding", Warning, "The file is not valid UTF-8.", "Save the file as UTF-8; Backstage replaces invalid bytes with U+FFFD.";
    SchemaEnvelope = "schema/envelope", Error, "The entity lacks apiVersion, kind or metadata, or they have the wrong type.", "Every entity needs string apiVersion and kind and a metadata mapping with a name.";
    SchemaApiVersion = "schema/api-version", Error, "apiVersion is not a valid `[prefix/]version`.", "Use an apiVersion such as backstage.io/v1alpha1.";
    SchemaKind = "schema/kind", Error, "kind is not a valid kind name.", "A kind is a letter followed by letters and digits, at most 63 characters.";
    SchemaUnknownKind = "schema/unknown-kind", Error, "No Backstage processor accepts this kind and apiVersion.", "Use a built-in kind (Component, API, Resource, System, Domain, Group, User, Location, Template) with a supported apiVersion (backstage.io/v1alpha1 or v1beta1; scaffolder.backstage.io/v1beta3 for Template).";
    SchemaMetadataName = "schema/metadata-name", Error, "metadata.name is missing or not a valid name.", "Names are sequences of [a-zA-Z0-9] separated by one of [-_.], at most 63 characters.";
    SchemaMetadataNamespace = "schema/metadata-namespace", Error, "metadata.namespace is not a valid namespace.", "Namespaces are sequences of [a-z0-9] separated by -, at most 63 characters.";
    SchemaMetadataLabels = "schema/metadata-labels", Error, "A label key or value is not valid.", "Label keys are [prefix/]name; values are strings that are sequences of [a-zA-Z0-9] separated by [-_.] (or empty). Quote values YAML would read as numbers, booleans or null.";
    SchemaMetadataAnnotations = "schema/metadata-annotations", Error, "An annotation key or value is not valid.", "Annotation keys are [dns-prefix/]name and values must be strings; quote values YAML would read as numbers, booleans or null.";
    SchemaMetadataTags = "schema/metadata-tags", Error, "A tag is not valid.", "Tags are sequences of [a-z0-9:+#] separated by -, at most 63 characters.";
    SchemaMetadataLinks = "schema/metadata-links", Error, "A link is not valid.", "Each link needs a valid absolute url; title and icon, when given, must be non-empty strings.";
    SchemaMetadata = "schema/metadata", Error, "A metadata field has the wrong type or is empty.", "title must be a non-empty string, description a string, uid and etag non-empty strings.";
    SchemaRootFields = "schema/root-fields", Error, "The entity has a root field other than apiVersion, kind, metadata and spec.", "Move the field under metadata or spec; Backstage rejects unknown root fields, including status and relations.";
    SchemaSpec = "schema/spec", Error, "spec does not match the schema of the entity's kind.", "Add the required spec fields with the right types for the kind.";
    SchemaPlaceholder = "schema/placeholder", Error, "A $text, $json or $yaml placeholder cannot be resolved.", "A placeholder takes a string: a path relative to the catalog file, or a URL.";
    RefInvalid = "ref/invalid", Error, "A relation field holds a malformed entity reference.", "Write references as [<kind>:][<namespace>/]<name>; dependsOn and dependencyOf need an explicit kind.";
    RefUnresolvedOwner = "ref/unresolved-owner", Warning, "spec.owner does not name an entity in the scanned catalog.", "Point owner at an existing Group or User, or add that entity to the catalog.";
    RefUnresolvedSystem = "ref/unresolved-system", Warning, "spec.system does not name a System in the scanned catalog.", "Point system at an existing System, or add it to the catalog.";
    RefUnresolvedDomain = "ref/unresolved-domain", Warning, "spec.domain does not name a Domain in the scanned catalog.", "Point domain at an existing Domain, or add it to the catalog.";
    RefUnresolvedSubdomainOf = "ref/unresolved-subdomain-of", Warning, "spec.subdomainOf does not name a Domain in the scanned catalog.", "Point subdomainOf at an existing Domain.";
    RefUnresolvedParent = "ref/unresolved-parent", Warning, "spec.parent does not name a Group in the scanned catalog.", "Point parent at an existing Group.";
    RefUnresolvedChild = "ref/unresolved-child", Warning, "An entry of spec.children does not name a Group in the scanned catalog.", "Remove the child or add the Group.";
    RefUnresolvedMember = "ref/unresolved-member", Warning, "An entry of spec.members does not name a User in the scanned catalog.", "Remove the member or add the User.";
    RefUnresolvedMemberOf = "ref/unresolved-member-of", Warning, "An entry of spec.memberOf does not name a Group in the scanned catalog.", "Remove the entry or add the Group.";
    RefUnresolvedApi = "ref/unresolved-api", Warning, "An entry of spec.providesApis or spec.consumesApis does not name an API in the scanned catalog.", "Point it at an existing API, or add the API.";
    RefUnresolvedDependency = "ref/unresolved-dependency", Warning, "An entry of spec.dependsOn or spec.dependencyOf does not name an entity in the scanned catalog.", "Point it at an existing entity.";
    RefUnresolvedSubcomponentOf = "ref/unresolved-subcomponent-of", Warning, "spec.subcomponentOf does not name a Component in the scanned catalog.", "Point it at an existing Component.";
    CatalogDuplicateEntity = "catalog/duplicate-entity", Error, "Two documents define the same entity reference.", "Give each entity a unique kind, namespace and name; Backstage keeps only one of them.";
    LocationTargetMissing = "location/target-missing", Error, "A Location target does not exist.", "Fix the path, or set spec.presence: optional if the target may be absent.";
    LocationOutsideRoot = "location/outside-root", Warning, "A Location target resolves outside the scanned root and was not read.", "Keep targets inside the scanned directory tree, or scan a directory that contains them.";
    LocationUrlNotFollowed = "location/url-not-followed", Note, "A Location target is a URL; yardstick does not fetch URLs.", "Scan that repository separately, or use a relative path.";
    LocationCycle = "location/cycle", Note, "A Location target was already read through another Location.", "Nothing to do unless the cycle is unintended.";
    ScanRepositoryFailed = "scan/repository-failed", Error, "An organisation scan could not fetch a repository, even after retries.", "Check the repository's access for the token or GitHub App, then run the scan again; with --state it only fetches what is missing.";
    ScanFileTruncated = "scan/file-truncated", Warning, "The GitHub API returned a catalog file cut short, so it was not read.", "Catalog files this large are unusual; split the file into several Location targets.";
    PlaceholderUnreadable = "placeholder/unreadable", Error, "A placeholder's file cannot be read or parsed.", "Fix the path or the file's contents; Backstage fails to ingest the entity otherwise.";
    // Appended, so the SARIF rule indexes of the rules above do not move.
    ScanRepositoryGone = "scan/repository-gone", Note, "A repository the organisation listed was gone by the time the scan asked for its files (deleted, renamed, or no longer visible to the token).", "Nothing to do if it was deleted or renamed; otherwise check the token's or GitHub App's access to it. It is left out of the adoption figures.";
    LocationBatchFailed = "location/batch-failed", Error, "Another document of the same location failed, so Backstage ingests none of the location's entities.", "Fix the document the message names: the catalog backend ingests a location's documents all or nothing, and a YAML error, an invalid envelope or a kind the catalog rules do not allow in any of them keeps every one out of the catalog.";
    LocationNotRead = "location/not-read", Error, "The file is read only through a Location that is not ingested, so Backstage never reads it.", "Fix the Location the message names (or the document that keeps it out of the catalog); its targets are read only once it is in the catalog.";
    LocationKindNotAllowed = "location/kind-not-allowed", Error, "The app-config's catalog rules do not allow this kind from the location it comes from.", "Allow the kind in `catalog.rules` (or in the location's own `rules`), or move the entity to a location that allows it; the backend rejects it and, with it, the rest of the location's documents.";
    LocationUrlElsewhere = "location/url-elsewhere", Note, "A Location target is a URL outside the scanned repository; yardstick does not fetch it.", "Lint that repository on its own; URLs into the scanned repository (--repo-url, or the git remote origin) are read from its work tree.";
    SchemaMisspelledSpecKey = "schema/misspelled-spec-key", Note, "A spec key that the kind's schema does not name is a likely typo of one it does; Backstage accepts and ignores it.", "Rename the key to the field the note suggests, or ignore the note if the key is meant for a plugin.";
    PlaceholderNotRead = "placeholder/not-read", Note, "A placeholder's target is a URL, which yardstick does not fetch, so the field it fills is not validated.", "Nothing to do if the URL is right; Backstage reads it at ingestion.";
    LocationTargetsFailed = "location/targets-failed", Error, "A nested Location's own targets fail their batch, so Backstage does not store the Location either.", "Fix the document the message names: the backend stores a Location only when the processing that reads its targets succeeds, and a YAML error, an invalid envelope, a missing target or a kind the catalog rules do not allow in any of them fails it.";
}

/// Looks up a rule by its stable id.
///
/// ```
/// assert_eq!(yardstick::rule("location/cycle").map(|r| r.id), Some("location/cycle"));
/// assert!(yardstick::rule("no/such-rule").is_none());
/// ```
pub fn rule(id: &str) -> Option<&'static Rule> {
    RuleId::from_id(id).map(RuleId::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_and_the_table_agree() {
        for (index, id) in RuleId::ALL.iter().enumerate() {
            assert_eq!(*id as usize, index);
            assert_eq!(RuleId::from_id(id.id()), Some(*id));
        }
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
    }
}
