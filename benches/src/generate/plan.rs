//! The catalog before it is written: how many entities of each kind, the organisation,
//! domains and systems, the components with the APIs and resources they host, and which
//! entities are broken on purpose.

use super::words::{API_TYPES, AREAS, FIRST, LAST, RESOURCE_TYPES};
use super::Generator;

pub(super) struct Team {
    pub(super) name: String,
    pub(super) dept: Option<usize>,
    pub(super) dir: String,
    pub(super) users: Vec<usize>,
}

pub(super) struct Domain {
    pub(super) name: String,
    pub(super) owner: String,
    pub(super) systems: Vec<usize>,
}

pub(super) struct System {
    pub(super) name: String,
    pub(super) owner: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Break {
    None,
    /// A component, API, resource, system or domain.
    Check(u8),
    /// A component Backstage rejects.
    Lint(u8),
}

impl Break {
    /// Which check this entity is meant to fail, if any.
    pub(super) fn check(self) -> Option<u8> {
        match self {
            Break::Check(k) => Some(k),
            _ => None,
        }
    }

    /// Which lint error this entity is written with, if any.
    pub(super) fn lint(self) -> Option<u8> {
        match self {
            Break::Lint(k) => Some(k),
            _ => None,
        }
    }
}

pub(super) struct Hosted {
    pub(super) kind: &'static str,
    /// API: index into API_TYPES; Resource: index into RESOURCE_TYPES.
    pub(super) variant: usize,
    pub(super) name: String,
    pub(super) brk: Break,
}

pub(super) struct Component {
    pub(super) name: String,
    pub(super) team: usize,
    pub(super) system: usize,
    pub(super) brk: Break,
    pub(super) hosted: Vec<Hosted>,
}

/// Departments, teams (with their users' indexes) and users.
pub(super) struct Org {
    pub(super) depts: Vec<String>,
    pub(super) teams: Vec<Team>,
    pub(super) users: Vec<String>,
    pub(super) team_names: Vec<String>,
}

impl Org {
    /// The name of team `t`; without teams (tiny catalogs), a department or `nobody`.
    pub(super) fn team_name(&self, t: usize) -> String {
        match self.team_names.get(t) {
            Some(name) => name.clone(),
            None => self
                .team_names
                .first()
                .cloned()
                .or_else(|| self.depts.first().cloned())
                .unwrap_or_else(|| "nobody".into()),
        }
    }
}

/// Entities per kind for a catalog of `n`.
pub(super) struct Sizes {
    pub(super) groups: usize,
    pub(super) domains: usize,
    pub(super) systems: usize,
    pub(super) users: usize,
    pub(super) components: usize,
    pub(super) apis: usize,
    pub(super) resources: usize,
}

impl Sizes {
    /// Groups, domains, systems and users first (at least one of each but users, so that
    /// references resolve); the rest is components, APIs and resources.
    pub(super) fn split(n: usize) -> Self {
        let mut left = n;
        let groups = take(&mut left, (n / 40).max(1));
        let domains = take(&mut left, (n / 200).max(1));
        let systems = take(&mut left, (n / 50).max(1));
        let users = take(&mut left, n / 10);
        let rest = left;
        let components = take(&mut left, (rest * 55).div_ceil(100));
        let apis = take(&mut left, (rest * 20) / 100);
        Sizes {
            groups,
            domains,
            systems,
            users,
            components,
            apis,
            resources: left,
        }
    }
}

/// Takes up to `want` from `left`.
fn take(left: &mut usize, want: usize) -> usize {
    let n = want.min(*left);
    *left -= n;
    n
}

/// How likely an entity is to be broken.
#[derive(Clone, Copy)]
pub(super) struct Rates {
    /// A domain, system, component, API or resource failing a check.
    pub(super) check: f64,
    /// A component being rejected.
    pub(super) lint: f64,
}

impl Rates {
    /// About 20 % of all entities break a check, all drawn from the kinds checks apply to.
    /// Lint errors: about 2 % of all, all Components (nothing refers to them).
    pub(super) fn new(n: usize, sizes: &Sizes) -> Self {
        let scorable =
            sizes.domains + sizes.systems + sizes.components + sizes.apis + sizes.resources;
        let check = if scorable == 0 {
            0.0
        } else {
            (0.20 * n as f64 / scorable as f64).min(1.0)
        };
        let lint = if sizes.components == 0 {
            0.0
        } else {
            (0.02 * n as f64 / sizes.components as f64).min(1.0)
        };
        Rates { check, lint }
    }
}

/// The names of all APIs, hosted or not: what components may consume.
pub(super) fn api_names(components: &[Component], orphans: &[Hosted]) -> Vec<String> {
    components
        .iter()
        .flat_map(|c| c.hosted.iter())
        .chain(orphans.iter())
        .filter(|h| h.kind == "API")
        .map(|h| h.name.clone())
        .collect()
}

impl Generator {
    /// Departments (from 3 groups on), teams, and users spread over the teams.
    pub(super) fn plan_org(&mut self, groups: usize, users: usize) -> Org {
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
        let mut teams = self.plan_teams(groups - depts, &dept_names);
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
        let team_names = teams.iter().map(|t| t.name.clone()).collect();
        Org {
            depts: dept_names,
            teams,
            users: user_names,
            team_names,
        }
    }

    /// `count` teams, dealt round-robin to the departments.
    fn plan_teams(&mut self, count: usize, dept_names: &[String]) -> Vec<Team> {
        let depts = dept_names.len();
        (0..count)
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
            .collect()
    }

    /// Domains, and systems dealt round-robin to them; all owned by random teams.
    pub(super) fn plan_domains(
        &mut self,
        domains: usize,
        systems: usize,
        team_names: &[String],
    ) -> (Vec<Domain>, Vec<System>) {
        let mut domain_list: Vec<Domain> = (0..domains)
            .map(|_| {
                let area = *self.rng.pick(AREAS);
                let name = self.unique(&format!("{area}-domain"));
                let owner = self.any_owner(team_names);
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
                let owner = self.any_owner(team_names);
                if !domain_list.is_empty() {
                    let d = i % domain_list.len();
                    domain_list[d].systems.push(i);
                }
                System { name, owner }
            })
            .collect();
        (domain_list, system_list)
    }

    /// Components with a random team and system, nothing hosted yet.
    pub(super) fn plan_components(
        &mut self,
        count: usize,
        teams: usize,
        systems: usize,
        rates: Rates,
    ) -> Vec<Component> {
        (0..count)
            .map(|_| {
                let name = self.area_name();
                let team = if teams == 0 { 0 } else { self.rng.below(teams) };
                let system = self.rng.below(systems.max(1));
                let brk = if self.rng.chance(rates.lint) {
                    Break::Lint(self.rng.below(3) as u8)
                } else if self.rng.chance(rates.check) {
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
            .collect()
    }

    /// APIs, then resources, each hosted by a random component that hosts fewer than 4;
    /// returns the ones no component hosts.
    pub(super) fn plan_apis_and_resources(
        &mut self,
        apis: usize,
        resources: usize,
        rates: Rates,
        components: &mut [Component],
    ) -> Vec<Hosted> {
        let mut orphans: Vec<Hosted> = Vec::new();
        for i in 0..apis + resources {
            let kind = if i < apis { "API" } else { "Resource" };
            let h = self.hosted_entity(kind, rates.check);
            if components.is_empty() {
                orphans.push(h);
                continue;
            }
            let host = self.rng.below(components.len());
            if components[host].hosted.len() < 4 {
                components[host].hosted.push(h);
            } else {
                orphans.push(h);
            }
        }
        orphans
    }

    /// An API or resource: its type, name and the check it breaks, if any.
    fn hosted_entity(&mut self, kind: &'static str, p_check: f64) -> Hosted {
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
        Hosted {
            kind,
            variant,
            name,
            brk,
        }
    }
}
