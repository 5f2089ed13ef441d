//! Each generated entity as a YAML document, broken on purpose where the plan says so.

use std::fmt::Write as _;

use super::definitions::{
    asyncapi_definition, graphql_definition, grpc_definition, openapi_definition,
};
use super::plan::{Component, Hosted};
use super::words::{API_TYPES, RESOURCE_TYPES, STACKS};
use super::Generator;

/// `fleet-service` as `Fleet Service`, `alice.kim` as `Alice Kim`.
pub(super) fn title(name: &str) -> String {
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
    pub(super) fn group_doc(
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

    pub(super) fn user_doc(&mut self, name: &str, team: &str) -> String {
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

    pub(super) fn domain_doc(&mut self, name: &str, owner: &str, brk: bool) -> String {
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

    pub(super) fn system_doc(
        &mut self,
        name: &str,
        owner: &str,
        domain: &str,
        brk: bool,
    ) -> String {
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

    /// A component's document, and whether it gets a `mkdocs.yml` (TechDocs from `dir:.`).
    pub(super) fn component_doc(
        &mut self,
        c: &Component,
        team: &str,
        system: Option<&str>,
        dir: &str,
        apis: &[String],
    ) -> (String, bool) {
        let (lang, framework) = *self.rng.pick(STACKS);
        let check = c.brk.check();
        let kind = if check == Some(7) {
            "library"
        } else if framework == "react" {
            "website"
        } else {
            "service"
        };
        let mut s = component_header(&c.name, kind, team, dir, lang, framework);
        self.component_labels_and_tags(&mut s, c, lang, framework);
        let mkdocs = self.component_annotations(&mut s, &c.name, check, dir);
        self.component_links(&mut s, &c.name);
        self.component_spec(&mut s, kind, team, system, check == Some(6));
        self.component_relations(&mut s, c, apis);
        (s, mkdocs)
    }

    /// Labels (cost-center unless this entity is meant to miss it) and tags.
    fn component_labels_and_tags(
        &mut self,
        s: &mut String,
        c: &Component,
        lang: &str,
        framework: &str,
    ) {
        let (check, lint) = (c.brk.check(), c.brk.lint());
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
    }

    /// Source, TechDocs, on-call and monitoring annotations, each missing for the checks
    /// that test it; returns whether TechDocs come from `dir:.` with a `mkdocs.yml`.
    fn component_annotations(
        &mut self,
        s: &mut String,
        name: &str,
        check: Option<u8>,
        dir: &str,
    ) -> bool {
        let mut mkdocs = false;
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
        mkdocs
    }

    /// Dashboard and runbook links, for some components.
    fn component_links(&mut self, s: &mut String, name: &str) {
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
    }

    /// `spec` up to the system; `unknown_owner`: owned by a group not in the catalog.
    fn component_spec(
        &mut self,
        s: &mut String,
        kind: &str,
        team: &str,
        system: Option<&str>,
        unknown_owner: bool,
    ) {
        let lifecycle = [
            "production",
            "production",
            "production",
            "experimental",
            "deprecated",
        ][self.rng.below(5)];
        let owner = if unknown_owner {
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
    }

    /// `providesApis` (the hosted APIs), `consumesApis` (random APIs) and `dependsOn` (the
    /// hosted resources, plus a kindless entry for lint error 2).
    fn component_relations(&mut self, s: &mut String, c: &Component, apis: &[String]) {
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
        let lint = c.brk.lint();
        if !resources.is_empty() || lint == Some(2) {
            s.push_str("  dependsOn:\n");
            for r in &resources {
                let _ = writeln!(s, "    - resource:{r}");
            }
            if lint == Some(2) {
                // No kind: dependsOn has no default kind, so Backstage rejects the entity.
                let _ = writeln!(s, "    - {}-db", c.name);
            }
        }
    }

    /// An API's or resource's document; an unknown owner for check 0.
    pub(super) fn hosted_doc(&mut self, h: &Hosted, team: &str, system: Option<&str>) -> String {
        let owner = if h.brk.check() == Some(0) {
            format!("{team}-legacy")
        } else {
            self.owner_ref(team)
        };
        let system_line = system
            .map(|s| format!("  system: {s}\n"))
            .unwrap_or_default();
        if h.kind == "API" {
            self.api_doc(h, team, &owner, &system_line)
        } else {
            self.resource_doc(h, team, &owner, &system_line)
        }
    }

    fn api_doc(&mut self, h: &Hosted, team: &str, owner: &str, system_line: &str) -> String {
        let name = &h.name;
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
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: {name}\n  title: {}\n  description: The {kind} API of {team}.\n{labels}  tags:\n    - {kind}\n  annotations:\n    github.com/project-slug: acme/monorepo\nspec:\n  type: {kind}\n  lifecycle: {lifecycle}\n  owner: {owner}\n{system_line}  definition: |\n{definition}",
            title(name)
        )
    }

    /// A resource; check 1: a database without a backup policy, check 2: no cost-center.
    fn resource_doc(&mut self, h: &Hosted, team: &str, owner: &str, system_line: &str) -> String {
        let name = &h.name;
        let check = h.brk.check();
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

/// The comment line and `metadata` up to the description.
fn component_header(
    name: &str,
    kind: &str,
    team: &str,
    dir: &str,
    lang: &str,
    framework: &str,
) -> String {
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
    s
}
