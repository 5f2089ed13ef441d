//! The catalog generator: [`generate`] plans a catalog (see `plan`), renders each entity
//! as YAML (`docs`) and writes the files (`files`).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::Rng;
use plan::{api_names, Rates, Sizes};
use words::{AREAS, KINDS, NOUNS};

mod definitions;
mod docs;
mod files;
mod plan;
#[cfg(test)]
mod tests;
mod words;

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// YAML documents (entities) written to catalog files.
    pub entities: usize,
    /// `catalog-info.yaml` files written.
    pub files: usize,
    /// Bytes of those catalog files (`mkdocs.yml` and `facts.json` not included).
    pub bytes: u64,
    /// Entities per kind, in the order Group, User, Domain, System, Component, API, Resource.
    pub by_kind: [(&'static str, usize); 7],
    /// Entities written with a deliberate lint error (Backstage rejects them).
    pub lint_errors: usize,
    /// Accepted entities written to fail (exactly) one scorecard check.
    pub check_failures: usize,
    /// Entities with an entry in `facts.json`.
    pub facts: usize,
    /// `mkdocs.yml` files written.
    pub mkdocs_files: usize,
}

/// Writes a synthetic catalog of `entities` entities below `dir` (created if missing).
///
/// # Panics
///
/// When a file cannot be written; see [`try_generate`].
pub fn generate(dir: &Path, seed: u64, entities: usize) -> Stats {
    try_generate(dir, seed, entities)
        .unwrap_or_else(|e| panic!("cannot write the catalog below {}: {e}", dir.display()))
}

/// [`generate`], returning I/O errors.
pub fn try_generate(dir: &Path, seed: u64, entities: usize) -> io::Result<Stats> {
    Generator {
        rng: Rng::new(seed),
        root: dir.to_path_buf(),
        stats: Stats {
            by_kind: KINDS.map(|k| (k, 0)),
            ..Stats::default()
        },
        names: HashSet::new(),
        next_suffix: HashMap::new(),
    }
    .run(entities)
}

struct Generator {
    rng: Rng,
    root: PathBuf,
    stats: Stats,
    names: HashSet<String>,
    /// Per base name, the suffix to try first: every smaller one is taken (names are never
    /// freed), so `unique` does not retry them (at 1M entities that was quadratic).
    next_suffix: HashMap<String, usize>,
}

impl Generator {
    /// Plans everything first, then writes. Every step draws from the one RNG, so the
    /// order of the steps (and of the draws within them) is what pins a seed's output.
    fn run(mut self, n: usize) -> io::Result<Stats> {
        fs::create_dir_all(&self.root)?;
        let sizes = Sizes::split(n);
        let org = self.plan_org(sizes.groups, sizes.users);
        let (domains, systems) = self.plan_domains(sizes.domains, sizes.systems, &org.team_names);
        let rates = Rates::new(n, &sizes);
        let mut components =
            self.plan_components(sizes.components, org.teams.len(), systems.len(), rates);
        let orphans =
            self.plan_apis_and_resources(sizes.apis, sizes.resources, rates, &mut components);
        let api_names = api_names(&components, &orphans);

        self.write_org(&org)?;
        self.write_domains(&domains, &systems, rates)?;
        self.write_services(&components, &org, &systems, &api_names)?;
        self.write_platform(&orphans, &org, &systems)?;
        Ok(self.stats)
    }

    /// A name not used before: `base`, else `base-2`, `base-3`, ...
    fn unique(&mut self, base: &str) -> String {
        if self.names.insert(base.to_string()) {
            return base.to_string();
        }
        let mut k = self.next_suffix.get(base).copied().unwrap_or(2);
        loop {
            let name = format!("{base}-{k}");
            if self.names.insert(name.clone()) {
                self.next_suffix.insert(base.to_string(), k + 1);
                return name;
            }
            k += 1;
        }
    }

    fn area_name(&mut self) -> String {
        let a = *self.rng.pick(AREAS);
        let n = *self.rng.pick(NOUNS);
        self.unique(&format!("{a}-{n}"))
    }

    fn count(&mut self, kind: &str) {
        self.stats.entities += 1;
        if let Some(slot) = self.stats.by_kind.iter_mut().find(|(k, _)| *k == kind) {
            slot.1 += 1;
        }
    }

    /// An owner reference to a team, in one of the forms people write.
    fn owner_ref(&mut self, team: &str) -> String {
        match self.rng.below(20) {
            0..=11 => team.to_string(),
            12..=16 => format!("group:{team}"),
            _ => format!("group:default/{team}"),
        }
    }

    /// An owner reference to a random team (`nobody` when there are no teams).
    fn any_owner(&mut self, team_names: &[String]) -> String {
        if team_names.is_empty() {
            "nobody".to_string()
        } else {
            let t = self.rng.pick(team_names).clone();
            self.owner_ref(&t)
        }
    }
}
