//! The checks that need the whole catalog: duplicate entity refs, how owner references
//! resolve, and relation targets missing from the catalog and the owner sources.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::linter::Linter;
use super::{Catalog, Finding, RefCheck};
use crate::catalog::schema::{escape_pointer, spec_properties};
use crate::catalog::{OwnerDirectory, Relation};
use crate::rules::RuleId;
use crate::util::edit_distance::did_you_mean;

/// How owner references resolve: against the catalog's Groups and Users and the owner
/// sources, strictly or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerResolution {
    /// Owner references must resolve (`--check-refs always`, or `auto` with an owner
    /// source or a catalog whose Groups and Users resolve at least half of the owners).
    pub strict: bool,
    /// Every known Group and User: lower-cased reference to kind as written.
    pub known: BTreeMap<String, String>,
    /// Distinct owner references in the catalog, and how many of them are known.
    pub distinct: usize,
    /// How many of [`Self::distinct`] are known.
    pub resolved: usize,
}

impl OwnerResolution {
    /// Decides how owners resolve for `catalog` under `check`, with `sources` besides it.
    ///
    /// ```
    /// use yardstick::{lint_sources, LintOptions, OwnerResolution, RefCheck};
    /// let text = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: guests}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: production, owner: team-a}\n";
    /// let report = lint_sources(&[("c.yaml", text)], &LintOptions::default());
    /// // One Group, but it resolves none of the owners: lenient.
    /// let owners = OwnerResolution::decide(&report.catalog, None, RefCheck::Auto);
    /// assert!(!owners.strict);
    /// assert_eq!((owners.resolved, owners.distinct), (0, 1));
    /// ```
    pub fn decide(
        catalog: &Catalog,
        sources: Option<&OwnerDirectory>,
        check: RefCheck,
    ) -> OwnerResolution {
        let mut known = BTreeMap::new();
        for e in &catalog.entities {
            let kind = e.entity.kind();
            if kind.eq_ignore_ascii_case("group") || kind.eq_ignore_ascii_case("user") {
                known.insert(
                    e.entity.reference.to_string().to_lowercase(),
                    kind.to_string(),
                );
            }
        }
        let from_catalog = known.len();
        let owners: BTreeSet<String> = catalog
            .entities
            .iter()
            .flat_map(|e| &e.entity.relations)
            .filter(|r| r.field == "owner")
            .map(|r| r.target.to_string().to_lowercase())
            .collect();
        let resolved = owners.iter().filter(|o| known.contains_key(*o)).count();
        let strict = match check {
            RefCheck::Always => true,
            RefCheck::Never => false,
            RefCheck::Auto if sources.is_some() => true,
            RefCheck::Auto if owners.is_empty() => from_catalog > 0,
            RefCheck::Auto => 2 * resolved >= owners.len(),
        };
        for r in sources.into_iter().flat_map(OwnerDirectory::refs) {
            known
                .entry(r.to_string().to_lowercase())
                .or_insert_with(|| r.kind.clone());
        }
        let resolved = owners.iter().filter(|o| known.contains_key(*o)).count();
        OwnerResolution {
            strict,
            known,
            distinct: owners.len(),
            resolved,
        }
    }
}

impl Linter<'_> {
    /// Duplicate entities and relation targets missing from the catalog.
    pub(super) fn check_catalog(&mut self) {
        let files: Vec<String> = self
            .report
            .files
            .iter()
            .map(|f| f.display.clone())
            .collect();
        let keep = self.report_duplicates(&files);
        // Backstage keeps one entity per reference: later duplicates leave the catalog.
        let catalog = &mut self.report.catalog;
        let mut index = 0;
        catalog.entities.retain(|_| {
            index += 1;
            keep.contains(&(index - 1))
        });
        catalog.entities.shrink_to_fit();
        catalog.by_ref = catalog
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.entity.reference.to_string(), i))
            .collect();
        catalog.kinds = catalog
            .entities
            .iter()
            .map(|e| e.entity.kind().to_lowercase())
            .collect();
        self.report.owners = OwnerResolution::decide(
            &self.report.catalog,
            self.options.owners.as_deref(),
            self.options.check_refs,
        );
        self.report_unresolved_relations(&files);
        self.report_misspelled_spec_keys(&files);
    }

    /// A note for each spec key of a built-in kind that its schema does not name but that is
    /// a likely typo of one it does: Backstage accepts and ignores such a key.
    fn report_misspelled_spec_keys(&mut self, files: &[String]) {
        let mut findings = Vec::new();
        for e in &self.report.catalog.entities {
            let Some(spec) = e.entity.root.get("spec").and_then(|s| s.as_map()) else {
                continue;
            };
            let known = spec_properties(e.entity.kind());
            for key in spec.map(|entry| entry.key()) {
                if known.contains(&key) {
                    continue;
                }
                let Some(near) = did_you_mean(key, known.iter().copied()) else {
                    continue;
                };
                let pointer = format!("/spec/{}", escape_pointer(key));
                let mut f = Finding::new(
                    RuleId::SchemaMisspelledSpecKey,
                    format!(
                        "`spec.{key}` is not a field of {}; Backstage accepts and ignores it: did you mean `{near}`?",
                        e.entity.kind()
                    ),
                    &files[e.file],
                    Some(e.document),
                    Some(e.source().locate(&pointer)),
                );
                f.entity = Some(e.entity.reference.to_string());
                f.pointer = Some(pointer);
                findings.push(f);
            }
        }
        self.report.findings.extend(findings);
    }

    /// Reports every entity whose reference an earlier document (in file and document
    /// order) already defines; gives the indexes of the first definitions.
    fn report_duplicates(&mut self, files: &[String]) -> HashSet<usize> {
        let entities = &self.report.catalog.entities;
        let mut order: Vec<usize> = (0..entities.len()).collect();
        order.sort_by(|&a, &b| {
            (&files[entities[a].file], entities[a].document)
                .cmp(&(&files[entities[b].file], entities[b].document))
        });
        let mut first: BTreeMap<String, usize> = BTreeMap::new();
        let mut findings = Vec::new();
        for &i in &order {
            let e = &entities[i];
            let key = e.entity.reference.to_string();
            let Some(&j) = first.get(&key) else {
                first.insert(key, i);
                continue;
            };
            let prior = &entities[j];
            let mut f = Finding::new(
                RuleId::CatalogDuplicateEntity,
                format!(
                    "{key} is already defined in {} (document {})",
                    files[prior.file], prior.document
                ),
                &files[e.file],
                Some(e.document),
                Some(e.source().locate("/metadata/name")),
            );
            f.entity = Some(key);
            f.pointer = Some("/metadata/name".into());
            findings.push(f);
        }
        self.report.findings.extend(findings);
        first.values().copied().collect()
    }

    /// Reports relation targets missing from the catalog, for the target kinds
    /// `--check-refs` asks about.
    fn report_unresolved_relations(&mut self, files: &[String]) {
        let catalog = &self.report.catalog;
        let names = known_names(catalog, &self.report.owners);
        // The same missing target is often named many times: look for its near miss once.
        let mut nearest: HashMap<(String, String), Option<&str>> = HashMap::new();
        let mut findings = Vec::new();
        for e in &catalog.entities {
            for rel in &e.entity.relations {
                let target = rel.target.to_string();
                if !self.checks_target(catalog, rel)
                    || catalog.get(&target).is_some()
                    || self
                        .report
                        .owners
                        .known
                        .contains_key(&target.to_lowercase())
                {
                    continue;
                }
                let prefix =
                    format!("{}:{}/", rel.target.kind, rel.target.namespace).to_lowercase();
                let name = rel.target.name.to_lowercase();
                let near =
                    *nearest
                        .entry((prefix.clone(), name))
                        .or_insert_with_key(|(prefix, name)| {
                            names.get(prefix).and_then(|names| {
                                did_you_mean(name, names.iter().map(String::as_str))
                            })
                        });
                let hint =
                    near.map_or_else(String::new, |n| format!("; did you mean {prefix}{n}?"));
                let mut f = Finding::new(
                    unresolved_rule(rel.field),
                    format!(
                        "spec.{} refers to {target}, which is not in the scanned catalog{}{hint}",
                        rel.field,
                        if self.options.owners.is_some() && rel.field == "owner" {
                            " or the owner sources"
                        } else {
                            ""
                        }
                    ),
                    &files[e.file],
                    Some(e.document),
                    Some(e.source().locate_value(&rel.pointer)),
                );
                f.entity = Some(e.entity.reference.to_string());
                f.pointer = Some(rel.pointer.clone());
                findings.push(f);
            }
        }
        self.report.findings.extend(findings);
    }

    /// Whether `--check-refs` asks that this relation's target be in the catalog.
    fn checks_target(&self, catalog: &Catalog, rel: &Relation) -> bool {
        match self.options.check_refs {
            RefCheck::Never => false,
            RefCheck::Always => true,
            RefCheck::Auto if rel.field == "owner" => self.report.owners.strict,
            RefCheck::Auto => {
                let kind = rel.target.kind.to_lowercase();
                catalog.has_kind(&kind)
                    || (matches!(kind.as_str(), "group" | "user") && self.options.owners.is_some())
            }
        }
    }
}

/// The names of every entity of the catalog and the owner sources, by lower-cased
/// `kind:namespace/` prefix: the candidates of "did you mean".
fn known_names(catalog: &Catalog, owners: &OwnerResolution) -> BTreeMap<String, Vec<String>> {
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let refs = catalog
        .entities
        .iter()
        .map(|e| e.entity.reference.to_string().to_lowercase())
        .chain(owners.known.keys().cloned());
    for reference in refs {
        if let Some(slash) = reference.find('/') {
            let (prefix, name) = reference.split_at(slash + 1);
            names
                .entry(prefix.to_string())
                .or_default()
                .push(name.to_string());
        }
    }
    names
}

/// The rule of an unresolved target of a relation field.
fn unresolved_rule(field: &str) -> RuleId {
    match field {
        "owner" => RuleId::RefUnresolvedOwner,
        "system" => RuleId::RefUnresolvedSystem,
        "domain" => RuleId::RefUnresolvedDomain,
        "subdomainOf" => RuleId::RefUnresolvedSubdomainOf,
        "parent" => RuleId::RefUnresolvedParent,
        "children" => RuleId::RefUnresolvedChild,
        "members" => RuleId::RefUnresolvedMember,
        "memberOf" => RuleId::RefUnresolvedMemberOf,
        "providesApis" | "consumesApis" => RuleId::RefUnresolvedApi,
        "subcomponentOf" => RuleId::RefUnresolvedSubcomponentOf,
        _ => RuleId::RefUnresolvedDependency,
    }
}
