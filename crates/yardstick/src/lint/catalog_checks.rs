//! The checks that need the whole catalog: duplicate entity refs and relation targets
//! missing from it.

use std::collections::{BTreeMap, HashSet};

use super::linter::Linter;
use super::{Catalog, Finding, RefCheck};
use crate::catalog::Relation;
use crate::rules::RuleId;

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
        self.report_unresolved_relations(&files);
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
        let mut findings = Vec::new();
        for e in &catalog.entities {
            for rel in &e.entity.relations {
                let target = rel.target.to_string();
                if !self.checks_target(catalog, rel) || catalog.get(&target).is_some() {
                    continue;
                }
                let mut f = Finding::new(
                    unresolved_rule(rel.field),
                    format!(
                        "spec.{} refers to {target}, which is not in the scanned catalog",
                        rel.field
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
            RefCheck::Auto => {
                catalog.has_kind(&rel.target.kind.to_lowercase())
                    || (rel.field == "owner"
                        && (catalog.has_kind("group") || catalog.has_kind("user")))
            }
        }
    }
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
