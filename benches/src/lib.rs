//! Deterministic synthetic Backstage catalogs for benchmarking yardstick.
//!
//! [`generate`] writes a monorepo-like tree for a made-up company ("Acme"):
//!
//! ```text
//! org/<department>/<team>/catalog-info.yaml        a team Group and some of its Users
//! org/<department>/<team>/people-<k>/catalog-info.yaml   more Users
//! domains/<domain>/catalog-info.yaml               a Domain and some of its Systems
//! domains/<domain>/systems-<k>/catalog-info.yaml   more Systems
//! services/<team>/<component>/catalog-info.yaml    a Component with the APIs and Resources
//!                                                  it provides and depends on (1 to 5 docs)
//! services/<team>/<component>/mkdocs.yml           for components with `techdocs-ref: dir:.`
//! platform/<team>/<name>/catalog-info.yaml         APIs and Resources without a component
//! facts.json                                       CI status (and some monitoring facts)
//! ```
//!
//! About 20 % of the entities break one scorecard check (a missing cost-center label,
//! TechDocs, monitoring or on-call annotation, a missing `mkdocs.yml`, failing CI, an owner
//! that is not in the catalog, a database without a backup policy) and about 2 % are
//! rejected by the linter (an uppercase tag, a number as a label value, a `dependsOn`
//! entry without a kind). Every other reference resolves. The same seed and size always
//! give byte-identical output.

#![warn(missing_docs)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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

/// A tiny deterministic PRNG (SplitMix64); good enough for test data, no dependencies.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const AREAS: &[&str] = &[
    "fleet",
    "route",
    "billing",
    "payments",
    "search",
    "catalog",
    "inventory",
    "telemetry",
    "identity",
    "checkout",
    "pricing",
    "shipping",
    "notification",
    "ledger",
    "analytics",
    "media",
    "profile",
    "order",
    "warehouse",
    "robot",
    "mission",
    "map",
    "sensor",
    "firmware",
    "customer",
    "partner",
    "support",
    "fraud",
    "tax",
    "invoice",
    "report",
    "audit",
];

const NOUNS: &[&str] = &[
    "service",
    "worker",
    "gateway",
    "scheduler",
    "indexer",
    "ingest",
    "sync",
    "portal",
    "dashboard",
    "engine",
    "processor",
    "exporter",
    "planner",
    "tracker",
    "bridge",
    "monitor",
    "router",
    "api",
    "cron",
    "consumer",
];

const FIRST: &[&str] = &[
    "alice", "bob", "chen", "dana", "erik", "fatima", "gus", "hana", "ivan", "jun", "kofi", "lena",
    "mateo", "nora", "omar", "priya", "quinn", "rosa", "sven", "tara", "uma", "victor", "wei",
    "ximena", "yusuf", "zoe",
];

const LAST: &[&str] = &[
    "nguyen", "martinez", "wei", "okafor", "lund", "schmidt", "tanaka", "silva", "kowalski",
    "haddad", "murphy", "rossi", "kim", "novak", "larsen", "dubois", "garcia", "ivanova", "mensah",
    "patel",
];

const STACKS: &[(&str, &str)] = &[
    ("go", "grpc"),
    ("kotlin", "spring-boot"),
    ("java", "spring-boot"),
    ("python", "fastapi"),
    ("typescript", "nestjs"),
    ("typescript", "react"),
    ("rust", "axum"),
    ("scala", "akka"),
    ("python", "django"),
    ("go", "kafka"),
];

/// `(spec.type, tag, name suffix)`; the first four are databases.
const RESOURCE_TYPES: &[(&str, &str, &str)] = &[
    ("database", "postgres", "db"),
    ("database", "mysql", "db"),
    ("database", "mongodb", "store"),
    ("database", "timescaledb", "tsdb"),
    ("cache", "redis", "cache"),
    ("queue", "kafka", "events"),
    ("queue", "sqs", "queue"),
    ("bucket", "s3", "bucket"),
    ("search-index", "elasticsearch", "index"),
];

/// `(spec.type, name suffix)`.
const API_TYPES: &[(&str, &str)] = &[
    ("openapi", "api"),
    ("openapi", "rest-api"),
    ("grpc", "grpc"),
    ("asyncapi", "events-api"),
    ("graphql", "graphql"),
];

/// Entity kinds in [`Stats::by_kind`] order.
const KINDS: [&str; 7] = [
    "Group",
    "User",
    "Domain",
    "System",
    "Component",
    "API",
    "Resource",
];

struct Team {
    name: String,
    dept: Option<usize>,
    dir: String,
    users: Vec<usize>,
}

struct Domain {
    name: String,
    owner: String,
    systems: Vec<usize>,
}

struct System {
    name: String,
    owner: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    None,
    /// A component, API, resource, system or domain.
    Check(u8),
    /// A component Backstage rejects.
    Lint(u8),
}

struct Hosted {
    kind: &'static str,
    /// API: index into API_TYPES; Resource: index into RESOURCE_TYPES.
    variant: usize,
    name: String,
    brk: Break,
}

struct Component {
    name: String,
    team: usize,
    system: usize,
    brk: Break,
    hosted: Vec<Hosted>,
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
    }
    .run(entities)
}

struct Generator {
    rng: Rng,
    root: PathBuf,
    stats: Stats,
    names: HashSet<String>,
}

/// Takes up to `want` from `left`.
fn take(left: &mut usize, want: usize) -> usize {
    let n = want.min(*left);
    *left -= n;
    n
}

fn title(name: &str) -> String {
    name.split(['-', '.'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Generator {
    /// A name not used before: `base`, else `base-2`, `base-3`, ...
    fn unique(&mut self, base: &str) -> String {
        if self.names.insert(base.to_string()) {
            return base.to_string();
        }
        let mut k = 2;
        loop {
            let name = format!("{base}-{k}");
            if self.names.insert(name.clone()) {
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

    fn write(&mut self, rel: &str, text: &str, catalog: bool) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text)?;
        if catalog {
            self.stats.files += 1;
            self.stats.bytes += text.len() as u64;
        }
        Ok(())
    }

    /// Writes documents into `base/catalog-info.yaml`, then `base/<part>-<k>/...` in files
    /// of 1 to 5 documents.
    fn write_chunked(&mut self, base: &str, part: &str, docs: &[String]) -> io::Result<()> {
        let mut rest = docs;
        let mut k = 1;
        while !rest.is_empty() {
            let n = (1 + self.rng.below(5)).min(rest.len());
            let rel = if k == 1 {
                format!("{base}/catalog-info.yaml")
            } else {
                format!("{base}/{part}-{k}/catalog-info.yaml")
            };
            self.write(&rel, &rest[..n].join("---\n"), true)?;
            rest = &rest[n..];
            k += 1;
        }
        Ok(())
    }

    /// An owner reference to a team, in one of the forms people write.
    fn owner_ref(&mut self, team: &str) -> String {
        match self.rng.below(20) {
            0..=11 => team.to_string(),
            12..=16 => format!("group:{team}"),
            _ => format!("group:default/{team}"),
        }
    }

    fn run(mut self, n: usize) -> io::Result<Stats> {
        fs::create_dir_all(&self.root)?;
        let mut left = n;
        let groups = take(&mut left, (n / 40).max(1));
        let domains = take(&mut left, (n / 200).max(1));
        let systems = take(&mut left, (n / 50).max(1));
        let users = take(&mut left, n / 10);
        let rest = left;
        let components = take(&mut left, (rest * 55).div_ceil(100));
        let apis = take(&mut left, (rest * 20) / 100);
        let resources = left;

        // Departments and teams.
        let depts = if groups >= 3 { groups.div_ceil(10) } else { 0 };
        let dept_names: Vec<String> = (0..depts)
            .map(|i| {
                let base = [
                    "engineering",
                    "product",
                    "operations",
                    "data",
                    "infrastructure",
                ][i % 5]
                    .to_string();
                self.unique(&base)
            })
            .collect();
        let mut teams: Vec<Team> = (0..groups - depts)
            .map(|i| {
                let area = *self.rng.pick(AREAS);
                let name = self.unique(&format!("{area}-team"));
                let dept = (depts > 0).then_some(i % depts.max(1));
                let dir = match dept {
                    Some(d) => format!("org/{}/{name}", dept_names[d]),
                    None => format!("org/{name}"),
                };
                Team {
                    name,
                    dept,
                    dir,
                    users: Vec::new(),
                }
            })
            .collect();
        let user_names: Vec<String> = (0..users)
            .map(|_| {
                let f = *self.rng.pick(FIRST);
                let l = *self.rng.pick(LAST);
                self.unique(&format!("{f}.{l}"))
            })
            .collect();
        if !teams.is_empty() {
            for u in 0..users {
                let t = self.rng.below(teams.len());
                teams[t].users.push(u);
            }
        }
        let team_names: Vec<String> = teams.iter().map(|t| t.name.clone()).collect();
        let any_owner = |g: &mut Generator| -> String {
            if team_names.is_empty() {
                "nobody".to_string()
            } else {
                let t = g.rng.pick(&team_names).clone();
                g.owner_ref(&t)
            }
        };

        // Domains and systems.
        let mut domain_list: Vec<Domain> = (0..domains)
            .map(|_| {
                let area = *self.rng.pick(AREAS);
                let name = self.unique(&format!("{area}-domain"));
                let owner = any_owner(&mut self);
                Domain {
                    name,
                    owner,
                    systems: Vec::new(),
                }
            })
            .collect();
        let system_list: Vec<System> = (0..systems)
            .map(|i| {
                let area = *self.rng.pick(AREAS);
                let name = self.unique(&format!("{area}-platform"));
                let owner = any_owner(&mut self);
                if !domain_list.is_empty() {
                    let d = i % domain_list.len();
                    domain_list[d].systems.push(i);
                }
                System { name, owner }
            })
            .collect();

        // Which entities break a check: about 20 % of all, all drawn from the kinds checks
        // apply to. Lint errors: about 2 % of all, all Components (nothing refers to them).
        let scorable = domains + systems + components + apis + resources;
        let p_check = if scorable == 0 {
            0.0
        } else {
            (0.20 * n as f64 / scorable as f64).min(1.0)
        };
        let p_lint = if components == 0 {
            0.0
        } else {
            (0.02 * n as f64 / components as f64).min(1.0)
        };

        // Components, and the APIs and resources each one hosts in its file.
        let mut comps: Vec<Component> = (0..components)
            .map(|_| {
                let name = self.area_name();
                let team = if teams.is_empty() {
                    0
                } else {
                    self.rng.below(teams.len())
                };
                let system = self.rng.below(system_list.len().max(1));
                let brk = if self.rng.chance(p_lint) {
                    Break::Lint(self.rng.below(3) as u8)
                } else if self.rng.chance(p_check) {
                    Break::Check(self.rng.below(8) as u8)
                } else {
                    Break::None
                };
                Component {
                    name,
                    team,
                    system,
                    brk,
                    hosted: Vec::new(),
                }
            })
            .collect();
        let mut orphans: Vec<Hosted> = Vec::new();
        for i in 0..apis + resources {
            let kind = if i < apis { "API" } else { "Resource" };
            // APIs can only miss their owner; resources also a backup policy or cost label.
            let brk = if self.rng.chance(p_check) {
                Break::Check(if kind == "API" {
                    0
                } else {
                    self.rng.below(3) as u8
                })
            } else {
                Break::None
            };
            let mut variant = self.rng.below(if kind == "API" {
                API_TYPES.len()
            } else {
                RESOURCE_TYPES.len()
            });
            if kind == "Resource" && brk == Break::Check(1) {
                // A database without a backup policy.
                variant %= 4;
            }
            let area = *self.rng.pick(AREAS);
            let suffix = if kind == "API" {
                API_TYPES[variant].1
            } else {
                RESOURCE_TYPES[variant].2
            };
            let name = self.unique(&format!("{area}-{suffix}"));
            let h = Hosted {
                kind,
                variant,
                name,
                brk,
            };
            if comps.is_empty() {
                orphans.push(h);
                continue;
            }
            let host = self.rng.below(comps.len());
            if comps[host].hosted.len() < 4 {
                comps[host].hosted.push(h);
            } else {
                orphans.push(h);
            }
        }
        let api_names: Vec<String> = comps
            .iter()
            .flat_map(|c| c.hosted.iter())
            .chain(orphans.iter())
            .filter(|h| h.kind == "API")
            .map(|h| h.name.clone())
            .collect();

        // Org files: departments alone, each team with some of its users.
        for (d, dept) in dept_names.iter().enumerate() {
            let children: Vec<&str> = teams
                .iter()
                .filter(|t| t.dept == Some(d))
                .map(|t| t.name.as_str())
                .collect();
            let doc = self.group_doc(dept, "department", None, &children);
            self.count("Group");
            self.write(&format!("org/{dept}/catalog-info.yaml"), &doc, true)?;
        }
        for t in &teams {
            let parent = t.dept.map(|d| dept_names[d].as_str());
            let mut docs = vec![self.group_doc(&t.name, "team", parent, &[])];
            self.count("Group");
            for &u in &t.users {
                docs.push(self.user_doc(&user_names[u], &t.name));
                self.count("User");
            }
            self.write_chunked(&t.dir, "people", &docs)?;
        }
        let fallback_team = team_names
            .first()
            .cloned()
            .or_else(|| dept_names.first().cloned())
            .unwrap_or_else(|| "nobody".into());

        // Domains with their systems.
        for d in &domain_list {
            let brk = self.rng.chance(p_check);
            let mut docs = vec![self.domain_doc(&d.name, &d.owner, brk)];
            self.count("Domain");
            self.stats.check_failures += usize::from(brk);
            for &s in &d.systems {
                let brk = self.rng.chance(p_check);
                let sys = &system_list[s];
                docs.push(self.system_doc(&sys.name, &sys.owner, &d.name, brk));
                self.count("System");
                self.stats.check_failures += usize::from(brk);
            }
            self.write_chunked(&format!("domains/{}", d.name), "systems", &docs)?;
        }

        // Services.
        let mut facts = String::from("{\n  \"entities\": {");
        let mut first_fact = true;
        for c in &comps {
            let team = team_names.get(c.team).unwrap_or(&fallback_team).clone();
            let system = system_list.get(c.system).map(|s| s.name.clone());
            let dir = format!("services/{team}/{}", c.name);
            let (doc, mkdocs) = self.component_doc(c, &team, system.as_deref(), &dir, &api_names);
            let mut docs = vec![doc];
            self.count("Component");
            match c.brk {
                Break::Lint(_) => self.stats.lint_errors += 1,
                Break::Check(_) => self.stats.check_failures += 1,
                Break::None => {}
            }
            for h in &c.hosted {
                docs.push(self.hosted_doc(h, &team, system.as_deref()));
                self.count(h.kind);
                self.stats.check_failures += usize::from(h.brk != Break::None);
            }
            self.write(
                &format!("{dir}/catalog-info.yaml"),
                &docs.join("---\n"),
                true,
            )?;
            if mkdocs {
                let text = format!(
                    "site_name: {}\nsite_description: Documentation for {}\nnav:\n  - Home: index.md\n  - Runbook: runbook.md\nplugins:\n  - techdocs-core\n",
                    title(&c.name),
                    c.name
                );
                self.write(&format!("{dir}/mkdocs.yml"), &text, false)?;
                self.stats.mkdocs_files += 1;
            }
            // CI facts for about 70 % of components; always for those meant to fail CI.
            let ci = match c.brk {
                Break::Check(5) => Some(if self.rng.chance(0.7) {
                    "failing"
                } else {
                    "none"
                }),
                _ if self.rng.chance(0.7) => Some("passing"),
                _ => None,
            };
            if let Some(status) = ci {
                // (Not for components meant to lack monitoring: the fact would make them pass.)
                let monitoring = if self.rng.chance(0.3) && c.brk != Break::Check(3) {
                    ", \"monitoring\": {\"configured\": true}"
                } else {
                    ""
                };
                let sep = if first_fact { "" } else { "," };
                first_fact = false;
                let _ = write!(
                    facts,
                    "{sep}\n    \"component:default/{}\": {{\"ci\": {{\"status\": \"{status}\"}}{monitoring}}}",
                    c.name
                );
                self.stats.facts += 1;
            }
        }
        facts.push_str("\n  }\n}\n");
        self.write("facts.json", &facts, false)?;

        // APIs and resources that no component hosts: platform-owned files.
        let mut by_team: Vec<Vec<String>> = vec![Vec::new(); team_names.len().max(1)];
        for h in &orphans {
            let t = self.rng.below(by_team.len());
            let team = team_names.get(t).unwrap_or(&fallback_team).clone();
            let system = if system_list.is_empty() {
                None
            } else {
                Some(self.rng.pick(&system_list).name.clone())
            };
            by_team[t].push(self.hosted_doc(h, &team, system.as_deref()));
            self.count(h.kind);
            self.stats.check_failures += usize::from(h.brk != Break::None);
        }
        for (t, docs) in by_team.iter().enumerate() {
            if docs.is_empty() {
                continue;
            }
            let team = team_names.get(t).unwrap_or(&fallback_team).clone();
            self.write_chunked(&format!("platform/{team}/shared"), "more", docs)?;
        }
        Ok(self.stats)
    }

    fn group_doc(
        &mut self,
        name: &str,
        kind: &str,
        parent: Option<&str>,
        children: &[&str],
    ) -> String {
        let mut s = String::with_capacity(512);
        let _ = writeln!(
            s,
            "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:"
        );
        let _ = writeln!(s, "  name: {name}\n  title: {}", title(name));
        let _ = writeln!(s, "  description: The {} {kind} at Acme.", title(name));
        if self.rng.chance(0.5) {
            let _ = writeln!(
                s,
                "  links:\n    - url: https://acme.slack.example/channels/{name}\n      title: \"#{name} on Slack\"\n      icon: chat"
            );
        }
        let _ = writeln!(s, "spec:\n  type: {kind}\n  profile:");
        let _ = writeln!(
            s,
            "    displayName: {}\n    email: {name}@acme.example",
            title(name)
        );
        if let Some(p) = parent {
            let _ = writeln!(s, "  parent: {p}");
        }
        if children.is_empty() {
            s.push_str("  children: []\n");
        } else {
            s.push_str("  children:\n");
            for c in children {
                let _ = writeln!(s, "    - {c}");
            }
        }
        s
    }

    fn user_doc(&mut self, name: &str, team: &str) -> String {
        let display = title(name);
        let mut s = String::with_capacity(400);
        let _ = writeln!(
            s,
            "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: {name}"
        );
        if self.rng.chance(0.3) {
            let _ = writeln!(
                s,
                "  annotations:\n    github.com/user-login: {}",
                name.replace('.', "-")
            );
        }
        let _ = writeln!(
            s,
            "spec:\n  profile:\n    displayName: {display}\n    email: {name}@acme.example"
        );
        if self.rng.chance(0.4) {
            let _ = writeln!(s, "    picture: https://avatars.acme.example/{name}.png");
        }
        let _ = writeln!(s, "  memberOf:\n    - {team}");
        s
    }

    fn domain_doc(&mut self, name: &str, owner: &str, brk: bool) -> String {
        let owner = if brk {
            format!("group:default/{name}-owners")
        } else {
            owner.to_string()
        };
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: {name}\n  title: {}\n  description: Everything about {} at Acme.\n  tags:\n    - {}\nspec:\n  owner: {owner}\n",
            title(name),
            name.trim_end_matches("-domain"),
            name.trim_end_matches("-domain").split('-').next().unwrap_or("acme"),
        )
    }

    fn system_doc(&mut self, name: &str, owner: &str, domain: &str, brk: bool) -> String {
        let owner = if brk {
            format!("{name}-maintainers")
        } else {
            owner.to_string()
        };
        let mut s = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: {name}\n  title: {}\n  description: The {} systems and their shared infrastructure.\n",
            title(name),
            name.trim_end_matches("-platform")
        );
        if self.rng.chance(0.5) {
            let _ = writeln!(
                s,
                "  links:\n    - url: https://wiki.acme.example/systems/{name}\n      title: Architecture overview\n      icon: docs"
            );
        }
        let _ = writeln!(s, "spec:\n  owner: {owner}\n  domain: {domain}");
        s
    }

    fn component_doc(
        &mut self,
        c: &Component,
        team: &str,
        system: Option<&str>,
        dir: &str,
        apis: &[String],
    ) -> (String, bool) {
        let name = &c.name;
        let (lang, framework) = *self.rng.pick(STACKS);
        let check = match c.brk {
            Break::Check(k) => Some(k),
            _ => None,
        };
        let lint = match c.brk {
            Break::Lint(k) => Some(k),
            _ => None,
        };
        let library = check == Some(7);
        let mut mkdocs = false;
        let kind = if library {
            "library"
        } else if framework == "react" {
            "website"
        } else {
            "service"
        };
        let mut s = String::with_capacity(2048);
        let _ = writeln!(
            s,
            "# {dir}: {kind} owned by {team}.\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  title: {}",
            title(name)
        );
        let _ = writeln!(
            s,
            "  description: {} {kind} written in {lang} with {framework}.",
            title(name)
        );
        // Labels: cost-center unless this entity is meant to miss it.
        let cost = format!("cc-{}", 1000 + self.rng.below(9000));
        let tier = 1 + self.rng.below(3);
        s.push_str("  labels:\n");
        match (check, lint) {
            (Some(0), _) => {}
            (_, Some(1)) => s.push_str("    cost-center: 0x1F\n"),
            _ => {
                let _ = writeln!(s, "    cost-center: {cost}");
            }
        }
        let _ = writeln!(s, "    tier: \"{tier}\"");
        s.push_str("  tags:\n");
        if lint == Some(0) {
            let _ = writeln!(s, "    - {}", lang.to_ascii_uppercase());
        } else {
            let _ = writeln!(s, "    - {lang}");
        }
        let _ = writeln!(s, "    - {framework}");
        s.push_str("  annotations:\n");
        let _ = writeln!(s, "    github.com/project-slug: acme/monorepo");
        let _ = writeln!(
            s,
            "    backstage.io/source-location: url:https://github.com/acme/monorepo/tree/main/{dir}/"
        );
        match check {
            Some(1) => {}
            Some(2) => s.push_str("    backstage.io/techdocs-ref: dir:.\n"),
            _ => {
                if self.rng.chance(0.85) {
                    s.push_str("    backstage.io/techdocs-ref: dir:.\n");
                    mkdocs = true;
                } else {
                    let _ = writeln!(
                        s,
                        "    backstage.io/techdocs-ref: url:https://github.com/acme/{name}-docs/tree/main"
                    );
                }
            }
        }
        if !matches!(check, Some(4 | 7)) {
            let _ = writeln!(
                s,
                "    pagerduty.com/service-id: P{:06X}",
                self.rng.below(0xFF_FFFF)
            );
        }
        if !matches!(check, Some(3 | 7)) {
            let _ = writeln!(s, "    grafana/dashboard-selector: \"tags @> '{name}'\"");
            if self.rng.chance(0.4) {
                let _ = writeln!(
                    s,
                    "    prometheus.io/rule: \"sum(rate(http_server_requests_total{{service=\\\"{name}\\\",code=~\\\"5..\\\"}}[5m]))\""
                );
            }
        }
        if self.rng.chance(0.6) {
            let _ = writeln!(
                s,
                "  links:\n    - url: https://grafana.acme.example/d/{name}\n      title: Grafana dashboard\n      icon: dashboard"
            );
            if self.rng.chance(0.5) {
                let _ = writeln!(
                    s,
                    "    - url: https://runbooks.acme.example/{name}\n      title: Runbook\n      icon: docs"
                );
            }
        }
        let lifecycle = [
            "production",
            "production",
            "production",
            "experimental",
            "deprecated",
        ][self.rng.below(5)];
        let owner = if check == Some(6) {
            format!("group:default/{team}-legacy")
        } else {
            self.owner_ref(team)
        };
        let _ = writeln!(
            s,
            "spec:\n  type: {kind}\n  lifecycle: {lifecycle}\n  owner: {owner}"
        );
        if let Some(sys) = system {
            let _ = writeln!(s, "  system: {sys}");
        }
        let provided: Vec<&str> = c
            .hosted
            .iter()
            .filter(|h| h.kind == "API")
            .map(|h| h.name.as_str())
            .collect();
        if !provided.is_empty() {
            s.push_str("  providesApis:\n");
            for a in &provided {
                let _ = writeln!(s, "    - {a}");
            }
        }
        if !apis.is_empty() && self.rng.chance(0.5) {
            s.push_str("  consumesApis:\n");
            for _ in 0..1 + self.rng.below(2) {
                let a = self.rng.pick(apis);
                let _ = writeln!(s, "    - api:{a}");
            }
        }
        let resources: Vec<&str> = c
            .hosted
            .iter()
            .filter(|h| h.kind == "Resource")
            .map(|h| h.name.as_str())
            .collect();
        if !resources.is_empty() || lint == Some(2) {
            s.push_str("  dependsOn:\n");
            for r in &resources {
                let _ = writeln!(s, "    - resource:{r}");
            }
            if lint == Some(2) {
                // No kind: dependsOn has no default kind, so Backstage rejects the entity.
                let _ = writeln!(s, "    - {name}-db");
            }
        }
        (s, mkdocs)
    }

    fn hosted_doc(&mut self, h: &Hosted, team: &str, system: Option<&str>) -> String {
        let name = &h.name;
        let check = match h.brk {
            Break::Check(k) => Some(k),
            _ => None,
        };
        let owner = if check == Some(0) {
            format!("{team}-legacy")
        } else {
            self.owner_ref(team)
        };
        let system_line = system
            .map(|s| format!("  system: {s}\n"))
            .unwrap_or_default();
        if h.kind == "API" {
            let kind = API_TYPES[h.variant].0;
            let definition = match kind {
                "grpc" => grpc_definition(name),
                "asyncapi" => asyncapi_definition(name),
                "graphql" => graphql_definition(name),
                _ => openapi_definition(name),
            };
            let lifecycle = ["production", "production", "experimental"][self.rng.below(3)];
            let labels = if self.rng.chance(0.5) {
                format!(
                    "  labels:\n    cost-center: cc-{}\n",
                    1000 + self.rng.below(9000)
                )
            } else {
                String::new()
            };
            return format!(
                "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: {name}\n  title: {}\n  description: The {kind} API of {team}.\n{labels}  tags:\n    - {kind}\n  annotations:\n    github.com/project-slug: acme/monorepo\nspec:\n  type: {kind}\n  lifecycle: {lifecycle}\n  owner: {owner}\n{system_line}  definition: |\n{definition}",
                title(name)
            );
        }
        // Resource.
        let (rtype, tech, _) = RESOURCE_TYPES[h.variant];
        let mut annotations = String::new();
        let mut labels = format!("    cost-center: cc-{}\n", 1000 + self.rng.below(9000));
        if check == Some(2) {
            labels.clear();
        }
        if rtype == "database" && check != Some(1) {
            let _ = writeln!(
                annotations,
                "    yardstick.dev/backup-policy: {}",
                ["daily-35d", "hourly-7d", "daily-90d"][self.rng.below(3)]
            );
        }
        if self.rng.chance(0.5) {
            let _ = writeln!(
                annotations,
                "    backstage.io/source-location: url:https://github.com/acme/infrastructure/tree/main/terraform/{name}/"
            );
        }
        let annotations = if annotations.is_empty() {
            String::new()
        } else {
            format!("  annotations:\n{annotations}")
        };
        let labels = if labels.is_empty() {
            String::new()
        } else {
            format!("  labels:\n{labels}")
        };
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: {name}\n  title: {}\n  description: {tech} {rtype} used by {team}.\n{labels}  tags:\n    - {tech}\n{annotations}spec:\n  type: {rtype}\n  owner: {owner}\n{system_line}",
            title(name)
        )
    }
}

fn openapi_definition(name: &str) -> String {
    format!(
        "    openapi: 3.0.3
    info:
      title: {t}
      version: 1.4.0
    paths:
      /v1/items:
        get:
          summary: List items
          parameters:
            - name: limit
              in: query
              schema:
                type: integer
          responses:
            \"200\":
              description: A page of items
      /v1/items/{{id}}:
        get:
          summary: Get one item
          responses:
            \"200\":
              description: The item
            \"404\":
              description: No such item
",
        t = title(name)
    )
}

fn grpc_definition(name: &str) -> String {
    let pkg = name.replace('-', "_");
    format!(
        "    syntax = \"proto3\";

    package acme.{pkg}.v1;

    service Api {{
      rpc Get(GetRequest) returns (Item);
      rpc List(ListRequest) returns (stream Item);
    }}

    message GetRequest {{ string id = 1; }}
    message ListRequest {{ int32 limit = 1; string page_token = 2; }}
    message Item {{ string id = 1; string name = 2; int64 updated_at = 3; }}
"
    )
}

fn asyncapi_definition(name: &str) -> String {
    format!(
        "    asyncapi: 2.6.0
    info:
      title: {t}
      version: 0.3.0
    channels:
      {name}.v1:
        subscribe:
          message:
            payload:
              type: object
              required: [id, at]
              properties:
                id:
                  type: string
                at:
                  type: string
                  format: date-time
",
        t = title(name)
    )
}

fn graphql_definition(name: &str) -> String {
    let ty = title(name).replace(' ', "");
    format!(
        "    type {ty} {{
      id: ID!
      name: String!
      updatedAt: String
    }}

    type Query {{
      item(id: ID!): {ty}
      items(first: Int = 20, after: String): [{ty}!]!
    }}
"
    )
}

/// The YAML library alone: every event saphyr's parser reads from `text`, counted and
/// dropped, with no tree, no scalar resolution and no positions kept. This is the strict
/// parse floor; `yardstick::parse_stream` (events, plus the tree with spans that Backstage's
/// reader semantics need) is the other.
pub fn parse_events(text: &str) -> usize {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut events = 0;
    while let Some(Ok(event)) = parser.next_event() {
        std::hint::black_box(&event);
        events += 1;
    }
    events
}

/// The date scoring runs with in the benches, so that exemptions never expire mid-run.
pub const TODAY: &str = "2025-06-01";

/// `1000` as `1k`: benchmark and directory names.
pub fn label(n: usize) -> String {
    if n % 1000 == 0 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// Scoring options for a generated catalog: its `facts.json` and [`TODAY`].
pub fn score_options(dir: &Path) -> io::Result<yardstick::ScoreOptions> {
    let text = fs::read_to_string(dir.join("facts.json"))?;
    let facts = yardstick::Facts::parse(&text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    Ok(yardstick::ScoreOptions {
        facts,
        today: Some(TODAY.into()),
        ..yardstick::ScoreOptions::default()
    })
}

/// Every `catalog-info.yaml` below `dir`, sorted.
pub fn catalog_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if entry.file_name() == "catalog-info.yaml" {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A directory below the system temp dir, removed (with its contents) on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/yardstick-<label>-<pid>-<n>`.
    pub fn new(label: &str) -> io::Result<Self> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("yardstick-{label}-{}-{n}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let a = TempDir::new("gen-test-a").unwrap();
        let b = TempDir::new("gen-test-b").unwrap();
        let sa = generate(a.path(), 7, 500);
        let sb = generate(b.path(), 7, 500);
        assert_eq!(sa, sb);
        assert_eq!(sa.entities, 500);
        assert_eq!(sa.by_kind.iter().map(|(_, n)| n).sum::<usize>(), 500);
        let fa = catalog_files(a.path()).unwrap();
        let fb = catalog_files(b.path()).unwrap();
        assert_eq!(fa.len(), sa.files);
        for (x, y) in fa.iter().zip(&fb) {
            assert_eq!(fs::read(x).unwrap(), fs::read(y).unwrap());
        }
    }

    #[test]
    fn tiny_catalogs() {
        for n in [0, 1, 2, 5, 10, 30] {
            let d = TempDir::new("gen-test-tiny").unwrap();
            assert_eq!(generate(d.path(), 1, n).entities, n);
        }
    }

    #[test]
    fn lint_and_score_rates() {
        let d = TempDir::new("gen-test-rates").unwrap();
        let stats = generate(d.path(), 3, 2000);
        let report = yardstick::lint_paths(
            &[d.path().to_path_buf()],
            &yardstick::LintOptions::default(),
        )
        .unwrap();
        assert_eq!(report.documents, 2000);
        assert_eq!(report.files.len(), stats.files);
        // Exactly the deliberately broken entities are rejected.
        assert_eq!(report.catalog.len(), 2000 - stats.lint_errors);
        assert!((20..=60).contains(&stats.lint_errors), "{stats:?}");
        let facts =
            yardstick::Facts::parse(&fs::read_to_string(d.path().join("facts.json")).unwrap())
                .unwrap();
        let card = yardstick::score(
            &report,
            &yardstick::PolicySet::builtin().unwrap(),
            &yardstick::ScoreOptions {
                facts,
                today: Some("2025-01-01".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let failing = card
            .entities
            .iter()
            .filter(|e| {
                e.checks
                    .iter()
                    .any(|c| c.status == yardstick::CheckStatus::Fail)
            })
            .count();
        assert!(
            card.entities.iter().all(|e| e
                .checks
                .iter()
                .all(|c| c.status != yardstick::CheckStatus::Error)),
            "no check errors"
        );
        // Exactly the entities meant to break a check do.
        assert_eq!(failing, stats.check_failures, "{stats:?}");
        assert!((300..=500).contains(&failing), "{failing}");
    }
}
