//! Linting as an instance ingests: only what the app-config's `catalog.locations` reach, each
//! location a batch, kinds judged by `catalog.rules` and the location's own rules (which
//! follow the origin location through nested Locations).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yardstick::appconfig::{load_app_config, ConfigSources};
use yardstick::{lint_paths, AppCatalog, Finding, LintOptions, LintReport, Repository};

fn entity(kind: &str, name: &str) -> String {
    let spec = match kind {
        "Component" => "spec: {type: service, lifecycle: production, owner: team-a}\n",
        "Group" => "spec: {type: team, children: []}\n",
        "User" => "spec: {memberOf: [team-a]}\n",
        _ => "spec: {}\n",
    };
    format!("apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n{spec}")
}

fn tree(name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yardstick-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir.canonicalize().unwrap()
}

fn lint(dir: &Path, configs: &[&str], backend: &str) -> LintReport {
    let options = options(dir, configs, backend);
    let report = lint_paths(&[dir.to_path_buf()], &options).unwrap();
    let _ = std::fs::remove_dir_all(dir);
    report
}

fn options(dir: &Path, configs: &[&str], backend: &str) -> LintOptions {
    let read = |path: &Path| std::fs::read_to_string(path);
    let env = BTreeMap::new();
    let files: Vec<PathBuf> = configs.iter().map(|c| dir.join(c)).collect();
    let config = load_app_config(
        &files,
        &ConfigSources {
            read: &read,
            env: &env,
        },
    )
    .unwrap();
    LintOptions {
        display_base: Some(dir.to_path_buf()),
        app_catalog: Some(AppCatalog {
            config,
            backend_dir: dir.join(backend),
        }),
        ..Default::default()
    }
}

fn with_rule<'a>(report: &'a LintReport, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

const CONFIG: &str = "\
catalog:
  rules:
    - allow: [Component, System, API, Resource, Location]
  locations:
    - type: file
      target: ../../examples/entities.yaml
    - type: file
      target: ${ORG_FILE:-../../examples/org.yaml}
      rules:
        - allow: [User, Group]
    - type: file
      target: ../../examples/mixed.yaml
    - type: url
      target: https://github.com/acme/backstage/blob/main/catalog-info.yaml
";

#[test]
fn reads_what_the_locations_reach_with_their_rules() {
    let dir = tree(
        "reach",
        &[
            ("app-config.yaml", CONFIG.to_string()),
            ("packages/backend/package.json", "{}".to_string()),
            (
                "examples/entities.yaml",
                format!(
                    "{}---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: more\nspec:\n  targets: [./more/*.yaml]\n",
                    entity("Component", "shop")
                ),
            ),
            ("examples/more/team.yaml", entity("Group", "nested-team")),
            (
                "examples/org.yaml",
                format!("{}---\n{}", entity("Group", "team-a"), entity("User", "ada")),
            ),
            (
                "examples/mixed.yaml",
                format!("{}---\n{}", entity("Component", "mixed"), entity("Group", "stray")),
            ),
            ("catalog-info.yaml", entity("Component", "unreached")),
        ],
    );
    let report = lint(&dir, &["app-config.yaml"], "packages/backend");
    let files: Vec<&str> = report.files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(
        files,
        [
            "examples/entities.yaml",
            "examples/org.yaml",
            "examples/mixed.yaml",
            "examples/more/team.yaml"
        ]
    );
    let mut names: Vec<String> = report
        .catalog
        .entities
        .iter()
        .map(|e| e.entity.reference.to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        // `more` is not: its own targets' batch fails (a Group its origin does not allow).
        [
            "component:default/shop",
            "group:default/team-a",
            "user:default/ada"
        ],
        "{:#?}",
        report.findings
    );
    let refused: Vec<_> = with_rule(&report, "location/kind-not-allowed")
        .iter()
        .map(|f| (f.file.as_str(), f.document))
        .collect();
    assert_eq!(
        refused,
        [
            ("examples/mixed.yaml", Some(1)),
            ("examples/more/team.yaml", Some(0))
        ]
    );
    let failed: Vec<_> = with_rule(&report, "location/batch-failed")
        .iter()
        .map(|f| (f.file.as_str(), f.document))
        .collect();
    assert_eq!(failed, [("examples/mixed.yaml", Some(0))]);
    let targets = with_rule(&report, "location/targets-failed");
    assert_eq!(targets.len(), 1, "{targets:#?}");
    assert_eq!(
        (targets[0].file.as_str(), targets[0].document),
        ("examples/entities.yaml", Some(1))
    );
    assert_eq!(targets[0].entity.as_deref(), Some("location:default/more"));
    assert!(targets[0].message.contains(
        "document 0 of examples/more/team.yaml, which its targets read, failed at the rules stage"
    ));
    let url = with_rule(&report, "location/url-not-followed");
    assert_eq!(url.len(), 1);
    assert_eq!(url[0].file, "app-config.yaml");
    assert_eq!(url[0].span.map(|s| (s.line, s.column)), Some((14, 15)));
    // The nested Location's targets are a batch of their own, judged by the rules of the
    // location they came from.
    assert!(with_rule(&report, "location/kind-not-allowed")[0]
        .message
        .contains("allowed: API, Component, Location, Resource, System"));
}

#[test]
fn default_rules_refuse_groups_and_targets_stay_inside_the_root() {
    let dir = tree(
        "defaults",
        &[
            (
                "app-config.yaml",
                "catalog:\n  locations:\n    - {type: file, target: org.yaml}\n    - {type: file, target: ../outside.yaml}\n    - {type: file, target: gone.yaml}\n"
                    .to_string(),
            ),
            ("org.yaml", format!("{}---\n{}", entity("Group", "g"), entity("Component", "c"))),
        ],
    );
    let report = lint(&dir, &["app-config.yaml"], ".");
    assert!(report.catalog.is_empty());
    assert_eq!(with_rule(&report, "location/kind-not-allowed").len(), 1);
    assert_eq!(with_rule(&report, "location/batch-failed").len(), 1);
    assert_eq!(with_rule(&report, "location/outside-root").len(), 1);
    assert_eq!(with_rule(&report, "location/target-missing").len(), 1);
}

const URL_CONFIG: &str = "\
catalog:
  rules:
    - allow: [Component, Location]
  locations:
    - type: url
      target: https://github.com/acme/backstage/blob/feature/x/catalog-info.yaml
    - type: url
      target: https://github.com/Acme/backstage/tree/main/teams/*.yaml
      rules:
        - allow: [Group]
    - type: url
      target: https://github.com/acme/other/blob/main/catalog-info.yaml
    - type: file
      target: ../../cfg/nested.yaml
";

fn location(name: &str, targets: &str) -> String {
    format!("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: {name}\nspec:\n  targets: {targets}\n")
}

/// URL locations into the scanned repository are read from the work tree (a ref may hold
/// `/`); their globs and their nested Locations' globs keep `*` inside a folder and skip dot
/// files; a nested Location of a file location resolves `./x` against its file and `x`
/// against the backend folder, one of a URL location resolves `/x` at the repository's top.
#[test]
fn url_locations_into_the_repository_are_read_from_the_work_tree() {
    let dir = tree(
        "url",
        &[
            ("app-config.yaml", URL_CONFIG.to_string()),
            ("packages/backend/package.json", "{}".to_string()),
            (
                "catalog-info.yaml",
                format!(
                    "{}---\n{}",
                    entity("Component", "root"),
                    location("top", "[/services/*.yaml]")
                ),
            ),
            ("services/a.yaml", entity("Component", "a")),
            ("services/deep/b.yaml", entity("Component", "b")),
            ("teams/t.yaml", entity("Group", "t")),
            ("teams/.hidden.yaml", entity("Group", "hidden")),
            (
                "cfg/nested.yaml",
                location("nested", "[examples/c.yaml, ./d.yaml]"),
            ),
            ("packages/backend/examples/c.yaml", entity("Component", "c")),
            ("cfg/d.yaml", entity("Component", "d")),
        ],
    );
    let mut options = options(&dir, &["app-config.yaml"], "packages/backend");
    options.repository = Repository::new("git@github.com:acme/backstage.git", dir.clone());
    let report = lint_paths(std::slice::from_ref(&dir), &options).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let mut files: Vec<&str> = report.files.iter().map(|f| f.display.as_str()).collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [
            "catalog-info.yaml",
            "cfg/d.yaml",
            "cfg/nested.yaml",
            "packages/backend/examples/c.yaml",
            "services/a.yaml",
            "teams/t.yaml"
        ],
        "{:#?}",
        report.findings
    );
    assert_eq!(report.catalog.len(), 7, "{:#?}", report.findings);
    let elsewhere = with_rule(&report, "location/url-elsewhere");
    assert_eq!(elsewhere.len(), 1);
    assert!(elsewhere[0].message.contains("acme/other"));
    let rules: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.rule)
        .filter(|r| !r.starts_with("ref/"))
        .collect();
    assert_eq!(rules, ["location/url-elsewhere"], "{:#?}", report.findings);
}

/// `--exclude` leaves files out of what the locations reach; `--include` has nothing to add
/// to them and is refused.
#[test]
fn exclude_applies_and_include_is_refused_with_an_app_config() {
    let dir = tree(
        "exclude",
        &[
            (
                "app-config.yaml",
                "catalog:\n  locations:\n    - {type: file, target: 'cat/*.yaml'}\n".to_string(),
            ),
            ("cat/a.yaml", entity("Component", "a")),
            ("cat/b.yaml", entity("Component", "b")),
        ],
    );
    let mut options = options(&dir, &["app-config.yaml"], ".");
    options.exclude = vec!["cat/b.yaml".into()];
    let report = lint_paths(std::slice::from_ref(&dir), &options).unwrap();
    let files: Vec<&str> = report.files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(files, ["cat/a.yaml"]);
    options.include = vec!["**/*.yml".into()];
    let refused = lint_paths(std::slice::from_ref(&dir), &options)
        .unwrap_err()
        .to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        refused.contains("--include **/*.yml cannot be used with --app-config"),
        "{refused}"
    );
}
