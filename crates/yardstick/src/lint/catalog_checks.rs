//! The checks that need the whole catalog: duplicate entity refs, how owner references
//! resolve, and relation targets missing from the catalog and the owner sources.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::linter::Linter;
use super::{Catalog, Finding, LintOptions, LoadedEntity, RefCheck, RefHasher, SourceFile};
use crate::catalog::schema::{escape_pointer, spec_properties};
use crate::catalog::{Entity, OwnerDirectory, Relation};
use crate::rules::RuleId;
use crate::util::edit_distance::did_you_mean;
use crate::util::prehashed::PrehashedMap;
use crate::yaml::Node;

/// How owner references resolve: against the catalog's Groups and Users and the owner
/// sources, strictly or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerResolution {
    /// Owner references must resolve (`--check-refs always`, or `auto` with an owner
    /// source or a catalog whose Groups and Users resolve at least half of the owners).
    pub strict: bool,
    /// Every known Group and User: lower-cased reference to kind as written. Shared: the
    /// one-file reports of a streamed lint all carry the catalog's.
    pub known: Arc<BTreeMap<String, String>>,
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
        let entities = catalog
            .entities
            .iter()
            .map(|e| (e.entity.reference.canonical(), e.entity.kind()));
        let owners = catalog
            .entities
            .iter()
            .flat_map(|e| &e.entity.relations)
            .filter(|r| r.field == "owner")
            .map(|r| r.target.canonical());
        OwnerResolution::decide_from(entities, owners, sources, check)
    }

    /// [`OwnerResolution::decide`] from the catalog's entities (canonical reference and kind
    /// as written, one per reference) and its owner references (canonical). A reference is
    /// copied only when it is a Group's or a User's.
    pub(super) fn decide_from<'k, R: Into<String>>(
        entities: impl Iterator<Item = (R, &'k str)>,
        owner_refs: impl Iterator<Item = String>,
        sources: Option<&OwnerDirectory>,
        check: RefCheck,
    ) -> OwnerResolution {
        let mut known = BTreeMap::new();
        for (reference, kind) in entities {
            if kind.eq_ignore_ascii_case("group") || kind.eq_ignore_ascii_case("user") {
                known.insert(reference.into(), kind.to_string());
            }
        }
        let from_catalog = known.len();
        let owners: HashSet<String> = owner_refs.collect();
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
                .or_insert_with(|| r.kind.to_string());
        }
        let resolved = owners.iter().filter(|o| known.contains_key(*o)).count();
        OwnerResolution {
            strict,
            known: Arc::new(known),
            distinct: owners.len(),
            resolved,
        }
    }
}

/// What the catalog-wide checks look targets up in: the whole catalog, or the index of a
/// streamed one.
pub(super) trait KnownEntities {
    /// Whether an accepted entity has this canonical (lower-case) reference.
    fn contains(&self, reference: &str) -> bool;
    /// Whether an accepted entity is of this kind (lower case).
    fn has_kind(&self, kind: &str) -> bool;
}

impl KnownEntities for Catalog {
    fn contains(&self, reference: &str) -> bool {
        self.by_ref.get(&self.entities, reference).is_some()
    }

    fn has_kind(&self, kind: &str) -> bool {
        self.kinds.contains(kind)
    }
}

/// The checks of one accepted entity against the rest of the catalog: relation targets
/// that are missing, and misspelled spec keys. Shared by [`Linter::check_catalog`] and the
/// streamed lint (`CatalogIndex`), so both find the same.
pub(super) struct EntityChecks<'a> {
    pub(super) options: &'a LintOptions,
    pub(super) owners: &'a OwnerResolution,
    pub(super) known: &'a (dyn KnownEntities + Sync),
    /// Candidates of "did you mean" (see [`known_names`]).
    pub(super) names: &'a BTreeMap<String, Vec<String>>,
    pub(super) near_misses: &'a NearMisses,
}

/// The near miss of each missing target, looked for once per catalog: the same missing
/// target is often named many times, and each look compares it with every name of its kind.
/// Shared by the threads of a streamed lint; keyed by the target as `kind:namespace/name`,
/// lower-cased.
#[derive(Debug, Default)]
pub(super) struct NearMisses(Mutex<HashMap<String, Option<Arc<str>>>>);

impl NearMisses {
    /// The near miss of `name` among `names` under `prefix`.
    fn get(
        &self,
        prefix: &str,
        name: &str,
        names: &BTreeMap<String, Vec<String>>,
    ) -> Option<Arc<str>> {
        let key = format!("{prefix}{name}");
        // A poisoned lock only means another thread panicked mid-insert: the map is whole.
        if let Some(known) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return known.clone();
        }
        let near = names
            .get(prefix)
            .and_then(|names| did_you_mean(name, names.iter().map(String::as_str)))
            .map(Arc::from);
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(key, near.clone());
        near
    }
}

impl EntityChecks<'_> {
    /// The findings of `e` (read from file `file`).
    pub(super) fn findings(&self, e: &LoadedEntity, file: &str, out: &mut Vec<Finding>) {
        self.unresolved_relations(e, file, out);
        out.extend(e.notes.iter().cloned());
    }

    /// Relation targets missing from the catalog, for the target kinds `--check-refs`
    /// asks about.
    fn unresolved_relations(&self, e: &LoadedEntity, file: &str, out: &mut Vec<Finding>) {
        for (index, rel) in e.entity.relations.iter().enumerate() {
            let target = rel.target.canonical();
            if !self.checks_target(rel)
                || self.known.contains(&target)
                || self.owners.known.contains_key(&target)
            {
                continue;
            }
            let prefix = format!("{}:{}/", rel.target.kind, rel.target.namespace).to_lowercase();
            let name = rel.target.name.to_lowercase();
            let near = self.near_misses.get(&prefix, &name, self.names);
            let hint = near.map_or_else(String::new, |n| format!("; did you mean {prefix}{n}?"));
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
                file,
                Some(e.document),
                Some(e.relation_span(index)),
            );
            f.entity = Some(e.entity.reference.canonical());
            f.pointer = Some(rel.pointer.to_string());
            out.push(f);
        }
    }

    /// Whether `--check-refs` asks that this relation's target be in the catalog.
    fn checks_target(&self, rel: &Relation) -> bool {
        match self.options.check_refs {
            RefCheck::Never => false,
            RefCheck::Always => true,
            RefCheck::Auto if rel.field == "owner" => self.owners.strict,
            RefCheck::Auto => {
                let kind = rel.target.kind.to_lowercase();
                self.known.has_kind(&kind)
                    || (matches!(kind.as_str(), "group" | "user") && self.options.owners.is_some())
            }
        }
    }
}

/// A note for each spec key of a built-in kind that its schema does not name but that is a
/// likely typo of one it does: Backstage accepts and ignores such a key. `written` is the
/// document as written (for positions), `file` the file as findings show it.
pub(super) fn misspelled_spec_keys(
    e: &Entity,
    written: &Node,
    file: &str,
    document: usize,
) -> Vec<Finding> {
    let Some(spec) = e.root.get("spec").and_then(|s| s.as_map()) else {
        return Vec::new();
    };
    let kind = &*e.reference.kind;
    let known = spec_properties(kind);
    let mut out = Vec::new();
    for key in spec.iter().map(|entry| &*entry.key) {
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
                "`spec.{key}` is not a field of {kind}; Backstage accepts and ignores it: did you mean `{near}`?",
            ),
            file,
            Some(document),
            Some(written.locate(&pointer)),
        );
        f.entity = Some(e.reference.canonical());
        f.pointer = Some(pointer);
        out.push(f);
    }
    out
}

/// The finding of an entity whose reference `key` an earlier document, `document` of
/// `prior_file`, already defines.
pub(super) fn duplicate_finding(
    e: &LoadedEntity,
    file: &str,
    key: String,
    prior_file: &str,
    prior_document: usize,
) -> Finding {
    let mut f = Finding::new(
        RuleId::CatalogDuplicateEntity,
        format!("{key} is already defined in {prior_file} (document {prior_document})"),
        file,
        Some(e.document),
        Some(e.name_span()),
    );
    f.entity = Some(key);
    f.pointer = Some("/metadata/name".into());
    f
}

impl Linter<'_> {
    /// Duplicate entities, relation targets missing from the catalog and misspelled spec
    /// keys.
    pub(super) fn check_catalog(&mut self) {
        // Lent out (not copied) while the catalog changes, and put back at the end.
        let files = std::mem::take(&mut self.report.files);
        // Each reference formatted and hashed once, on the pool: the steps below all need
        // them.
        let hasher = RefHasher::default();
        let (mut refs, mut hashes): (Vec<String>, Vec<u64>) =
            (self.report.catalog.entities.par_iter())
                .map(|e| {
                    let reference = e.entity.reference.canonical();
                    let hash = hasher.hash(&reference);
                    (reference, hash)
                })
                .unzip();
        // Backstage keeps one entity per reference: later duplicates leave the catalog.
        if let Some(keep) = self.report_duplicates(&files, &refs, &hashes) {
            let kept = |index: &mut usize| {
                *index += 1;
                keep[*index - 1]
            };
            let (mut entity, mut reference, mut hash) = (0, 0, 0);
            let catalog = &mut self.report.catalog;
            catalog.entities.retain(|_| kept(&mut entity));
            refs.retain(|_| kept(&mut reference));
            hashes.retain(|_| kept(&mut hash));
            catalog.entities.shrink_to_fit();
        }
        let catalog = &mut self.report.catalog;
        catalog.index_refs_from(hasher, &refs, &hashes);
        drop(hashes);
        let catalog = &self.report.catalog;
        let owner_refs: Vec<String> = (catalog.entities.par_iter())
            .flat_map_iter(|e| e.entity.relations.iter().filter(|r| r.field == "owner"))
            .map(|r| r.target.canonical())
            .collect();
        let entities = refs
            .iter()
            .zip(catalog.entities.iter().map(|e| e.entity.kind()));
        self.report.owners = OwnerResolution::decide_from(
            entities,
            owner_refs.into_iter(),
            self.options.owners.as_deref(),
            self.options.check_refs,
        );
        let names = known_names(refs.into_iter(), &self.report.owners);
        let checks = EntityChecks {
            options: self.options,
            owners: &self.report.owners,
            known: catalog,
            names: &names,
            near_misses: &NearMisses::default(),
        };
        // Each entity's checks read only the shared index: in parallel, in catalog order.
        let findings: Vec<Vec<Finding>> = (catalog.entities.par_iter())
            .map(|e| {
                let mut out = Vec::new();
                checks.findings(e, &files[e.file].display, &mut out);
                out
            })
            .collect();
        self.report.findings.extend(findings.into_iter().flatten());
        self.report.files = files;
    }

    /// Reports every entity whose reference (of `refs`, hashed as `hashes`) an earlier
    /// document (in file and document order) already defines. `None` when no reference is
    /// defined twice; else which entities are first definitions, and stay.
    fn report_duplicates(
        &mut self,
        files: &[SourceFile],
        refs: &[String],
        hashes: &[u64],
    ) -> Option<Vec<bool>> {
        let entities = &self.report.catalog.entities;
        // Earlier: by file as shown, then document; a stable sort's order among equals.
        let place = |i: usize| {
            (
                files[entities[i].file].display.as_str(),
                entities[i].document,
                i,
            )
        };
        let mut first = FirstDefinitions::with_capacity(refs.len());
        let mut duplicated = false;
        for i in 0..refs.len() {
            if let Some(slot) = first.insert(&refs[i], hashes[i], i) {
                duplicated = true;
                if place(i) < place(*slot) {
                    *slot = i;
                }
            }
        }
        if !duplicated {
            return None;
        }
        let mut keep = vec![false; refs.len()];
        let mut findings = Vec::new();
        for (i, e) in entities.iter().enumerate() {
            let j = first.get(&refs[i], hashes[i]).unwrap_or(i);
            if j == i {
                keep[i] = true;
                continue;
            }
            let prior = &entities[j];
            findings.push(duplicate_finding(
                e,
                &files[e.file].display,
                refs[i].clone(),
                &files[prior.file].display,
                prior.document,
            ));
        }
        self.report.findings.extend(findings);
        Some(keep)
    }
}

/// The first definition of each reference, by its hash (computed already), and by the
/// reference itself for the few whose hash another reference has.
struct FirstDefinitions<'r> {
    by_hash: PrehashedMap<(&'r str, usize)>,
    others: HashMap<&'r str, usize>,
}

impl<'r> FirstDefinitions<'r> {
    fn with_capacity(capacity: usize) -> Self {
        let mut by_hash = PrehashedMap::default();
        by_hash.reserve(capacity);
        FirstDefinitions {
            by_hash,
            others: HashMap::new(),
        }
    }

    /// Records `index` as the definition of `reference` when it has none; else gives its
    /// definition, to change.
    fn insert(&mut self, reference: &'r str, hash: u64, index: usize) -> Option<&mut usize> {
        use std::collections::hash_map::Entry;
        match self.by_hash.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert((reference, index));
                None
            }
            Entry::Occupied(slot) if slot.get().0 == reference => Some(&mut slot.into_mut().1),
            Entry::Occupied(_) => match self.others.entry(reference) {
                Entry::Vacant(slot) => {
                    slot.insert(index);
                    None
                }
                Entry::Occupied(slot) => Some(slot.into_mut()),
            },
        }
    }

    /// The definition of `reference`.
    fn get(&self, reference: &str, hash: u64) -> Option<usize> {
        match self.by_hash.get(&hash) {
            Some(&(known, index)) if known == reference => Some(index),
            _ => self.others.get(reference).copied(),
        }
    }
}

/// The names of every entity of the catalog (`refs`, canonical) and the owner sources, by
/// lower-cased `kind:namespace/` prefix: the candidates of "did you mean". Each prefix is
/// copied once, not once per reference.
pub(super) fn known_names(
    refs: impl Iterator<Item = String>,
    owners: &OwnerResolution,
) -> BTreeMap<String, Vec<String>> {
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for reference in refs.chain(owners.known.keys().cloned()) {
        let Some(slash) = reference.find('/') else {
            continue;
        };
        let (prefix, name) = reference.split_at(slash + 1);
        match names.get_mut(prefix) {
            Some(same_prefix) => same_prefix.push(name.to_string()),
            None => {
                names.insert(prefix.to_string(), vec![name.to_string()]);
            }
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

#[cfg(test)]
mod tests {
    use super::FirstDefinitions;

    /// References whose hashes collide are told apart by their text.
    #[test]
    fn first_definitions_tell_colliding_references_apart() {
        let mut first = FirstDefinitions::with_capacity(4);
        assert!(first.insert("component:default/a", 7, 0).is_none());
        assert!(first.insert("component:default/b", 7, 1).is_none());
        assert_eq!(first.insert("component:default/a", 7, 2).copied(), Some(0));
        if let Some(slot) = first.insert("component:default/b", 7, 3) {
            *slot = 3;
        }
        assert_eq!(first.get("component:default/a", 7), Some(0));
        assert_eq!(first.get("component:default/b", 7), Some(3));
        assert_eq!(first.get("component:default/c", 7), None);
        assert_eq!(first.get("component:default/a", 8), None);
    }
}
