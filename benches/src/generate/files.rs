//! Writing the planned catalog: org, domain, service and platform files, `mkdocs.yml`
//! and `facts.json`, counting what is written in [`super::Stats`].

use std::fmt::Write as _;
use std::fs;
use std::io;

use super::docs::title;
use super::plan::{Break, Component, Domain, Hosted, Org, Rates, System};
use super::Generator;

impl Generator {
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

    /// Org files: departments alone, each team with some of its users.
    pub(super) fn write_org(&mut self, org: &Org) -> io::Result<()> {
        for (d, dept) in org.depts.iter().enumerate() {
            let children: Vec<&str> = org
                .teams
                .iter()
                .filter(|t| t.dept == Some(d))
                .map(|t| t.name.as_str())
                .collect();
            let doc = self.group_doc(dept, "department", None, &children);
            self.count("Group");
            self.write(&format!("org/{dept}/catalog-info.yaml"), &doc, true)?;
        }
        for t in &org.teams {
            let parent = t.dept.map(|d| org.depts[d].as_str());
            let mut docs = vec![self.group_doc(&t.name, "team", parent, &[])];
            self.count("Group");
            for &u in &t.users {
                docs.push(self.user_doc(&org.users[u], &t.name));
                self.count("User");
            }
            self.write_chunked(&t.dir, "people", &docs)?;
        }
        Ok(())
    }

    /// Domain files, each domain with its systems.
    pub(super) fn write_domains(
        &mut self,
        domains: &[Domain],
        systems: &[System],
        rates: Rates,
    ) -> io::Result<()> {
        for d in domains {
            let brk = self.rng.chance(rates.check);
            let mut docs = vec![self.domain_doc(&d.name, &d.owner, brk)];
            self.count("Domain");
            self.stats.check_failures += usize::from(brk);
            for &s in &d.systems {
                let brk = self.rng.chance(rates.check);
                let sys = &systems[s];
                docs.push(self.system_doc(&sys.name, &sys.owner, &d.name, brk));
                self.count("System");
                self.stats.check_failures += usize::from(brk);
            }
            self.write_chunked(&format!("domains/{}", d.name), "systems", &docs)?;
        }
        Ok(())
    }

    /// Service files (and `mkdocs.yml`), then `facts.json` with their CI facts.
    pub(super) fn write_services(
        &mut self,
        components: &[Component],
        org: &Org,
        systems: &[System],
        api_names: &[String],
    ) -> io::Result<()> {
        let mut facts = String::from("{\n  \"entities\": {");
        let mut first_fact = true;
        for c in components {
            let team = org.team_name(c.team);
            let system = systems.get(c.system).map(|s| s.name.clone());
            self.write_service(c, &team, system.as_deref(), api_names)?;
            if let Some(fact) = self.ci_fact(c) {
                let sep = if first_fact { "" } else { "," };
                first_fact = false;
                let _ = write!(facts, "{sep}\n    {fact}");
                self.stats.facts += 1;
            }
        }
        facts.push_str("\n  }\n}\n");
        self.write("facts.json", &facts, false)
    }

    /// One component's file with the APIs and resources it hosts, and its `mkdocs.yml`.
    fn write_service(
        &mut self,
        c: &Component,
        team: &str,
        system: Option<&str>,
        api_names: &[String],
    ) -> io::Result<()> {
        let dir = format!("services/{team}/{}", c.name);
        let (doc, mkdocs) = self.component_doc(c, team, system, &dir, api_names);
        let mut docs = vec![doc];
        self.count("Component");
        match c.brk {
            Break::Lint(_) => self.stats.lint_errors += 1,
            Break::Check(_) => self.stats.check_failures += 1,
            Break::None => {}
        }
        for h in &c.hosted {
            docs.push(self.hosted_doc(h, team, system));
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
        Ok(())
    }

    /// A component's `facts.json` entry: CI facts for about 70 % of components, always
    /// for those meant to fail CI.
    fn ci_fact(&mut self, c: &Component) -> Option<String> {
        let status = match c.brk {
            Break::Check(5) => {
                if self.rng.chance(0.7) {
                    "failing"
                } else {
                    "none"
                }
            }
            _ if self.rng.chance(0.7) => "passing",
            _ => return None,
        };
        // Not for components meant to lack monitoring: the fact would make them pass.
        let monitoring = if self.rng.chance(0.3) && c.brk != Break::Check(3) {
            ", \"monitoring\": {\"configured\": true}"
        } else {
            ""
        };
        Some(format!(
            "\"component:default/{}\": {{\"ci\": {{\"status\": \"{status}\"}}{monitoring}}}",
            c.name
        ))
    }

    /// APIs and resources that no component hosts: platform-owned files per random team.
    pub(super) fn write_platform(
        &mut self,
        orphans: &[Hosted],
        org: &Org,
        systems: &[System],
    ) -> io::Result<()> {
        let mut by_team: Vec<Vec<String>> = vec![Vec::new(); org.team_names.len().max(1)];
        for h in orphans {
            let t = self.rng.below(by_team.len());
            let team = org.team_name(t);
            let system = if systems.is_empty() {
                None
            } else {
                Some(self.rng.pick(systems).name.clone())
            };
            by_team[t].push(self.hosted_doc(h, &team, system.as_deref()));
            self.count(h.kind);
            self.stats.check_failures += usize::from(h.brk != Break::None);
        }
        for (t, docs) in by_team.iter().enumerate() {
            if docs.is_empty() {
                continue;
            }
            let team = org.team_name(t);
            self.write_chunked(&format!("platform/{team}/shared"), "more", docs)?;
        }
        Ok(())
    }
}
