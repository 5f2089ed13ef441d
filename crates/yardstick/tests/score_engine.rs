//! The scoring engine through the library API: error isolation, exemptions, config.

use std::path::PathBuf;

use yardstick::{
    lint_paths, score, CheckStatus, Config, Facts, LintOptions, PolicySet, ScoreOptions,
};

fn catalog(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yardstick-engine-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const TWO_COMPONENTS: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: fine\n  annotations: {n: '12'}\nspec: {type: service, lifecycle: production, owner: team-a}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: boom\n  annotations: {n: abc}\nspec: {type: service, lifecycle: production, owner: team-a}\n";

const NUMERIC: &str = "# METADATA\n# title: Numeric\n# custom:\n#   id: numeric\n#   severity: low\n#   applies_to: [Component]\npackage custom.numeric\n\nimport rego.v1\n\nresult := {\"status\": \"pass\", \"message\": sprintf(\"n is %v\", [n]), \"pointer\": \"/metadata/annotations/n\"} if {\n\tn := to_number(input.entity.metadata.annotations.n)\n}\n";

#[test]
fn a_rego_error_is_an_error_cell_and_the_run_goes_on() {
    let dir = catalog("error", &[("catalog-info.yaml", TWO_COMPONENTS)]);
    let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    let mut policies = PolicySet::builtin().unwrap();
    policies.add_source("numeric.rego", NUMERIC).unwrap();
    let card = score(&report, &policies, &ScoreOptions::default()).unwrap();
    let status = |entity: &str| {
        card.entities
            .iter()
            .find(|e| e.reference == entity)
            .and_then(|e| e.checks.iter().find(|c| c.id == "numeric"))
            .map(|c| (c.status, c.message.clone()))
            .unwrap()
    };
    let (s, m) = status("component:default/fine");
    assert_eq!(s, CheckStatus::Pass, "{m}");
    let (s, message) = status("component:default/boom");
    assert_eq!(s, CheckStatus::Error, "{message}");
    // The other checks of the failing entity still ran.
    let boom = card
        .entities
        .iter()
        .find(|e| e.reference == "component:default/boom")
        .unwrap();
    assert!(boom
        .checks
        .iter()
        .any(|c| c.id == "has-owner" && c.status == CheckStatus::Pass));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn exemptions_exempt_until_they_expire() {
    let dir = catalog("exempt", &[("catalog-info.yaml", TWO_COMPONENTS)]);
    let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    let config = Config::parse(
        "exemptions:\n  - {entity: Component:default/fine, check: has-techdocs, reason: later, expires: 2026-12-31}\n  - {entity: component:default/boom, check: has-techdocs, reason: old, expires: 2020-01-01}\n",
    )
    .unwrap();
    let options = ScoreOptions {
        config,
        today: Some("2026-11-22".into()),
        ..ScoreOptions::default()
    };
    let card = score(&report, &PolicySet::builtin().unwrap(), &options).unwrap();
    let techdocs = |entity: &str| {
        card.entities
            .iter()
            .find(|e| e.reference == entity)
            .and_then(|e| e.checks.iter().find(|c| c.id == "has-techdocs"))
            .map(|c| c.status)
            .unwrap()
    };
    assert_eq!(techdocs("component:default/fine"), CheckStatus::Exempt);
    assert_eq!(techdocs("component:default/boom"), CheckStatus::Fail);
    assert_eq!(card.summary.expired_exemptions.len(), 1);
    assert_eq!(
        card.summary.expired_exemptions[0].entity,
        "component:default/boom"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn config_overrides_weights_params_and_disables_checks() {
    let dir = catalog("config", &[("catalog-info.yaml", TWO_COMPONENTS)]);
    let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    let config = Config::parse(
        "checks:\n  has-cost-tags:\n    weight: 0\n    params: {label_keys: [team]}\n  ci-passing: {enabled: false}\n  has-monitoring: {severity: critical}\n",
    )
    .unwrap();
    let facts = Facts::parse("entities: {}\n").unwrap();
    let card = score(
        &report,
        &PolicySet::builtin().unwrap(),
        &ScoreOptions {
            config,
            facts,
            ..ScoreOptions::default()
        },
    )
    .unwrap();
    let fine = card
        .entities
        .iter()
        .find(|e| e.reference == "component:default/fine")
        .unwrap();
    assert!(fine.checks.iter().all(|c| c.id != "ci-passing"));
    let cost = fine
        .checks
        .iter()
        .find(|c| c.id == "has-cost-tags")
        .unwrap();
    assert_eq!((cost.status, cost.weight), (CheckStatus::Fail, 0.0));
    assert!(cost.message.contains("team"), "{}", cost.message);
    let monitoring = fine
        .checks
        .iter()
        .find(|c| c.id == "has-monitoring")
        .unwrap();
    assert_eq!(
        (monitoring.severity.to_string().as_str(), monitoring.weight),
        ("critical", 10.0)
    );
    // has-owner passes (10), has-monitoring (10), has-techdocs (7.5), has-oncall (5) fail,
    // has-cost-tags weighs nothing: 10 / 32.5.
    assert!((fine.score.unwrap() - 100.0 * 10.0 / 32.5).abs() < 1e-9);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn config_errors_point_at_the_key() {
    let e = Config::parse("checks:\n  has-cost-tags:\n    params: {labels: [x]}\n").unwrap_err();
    assert_eq!((e.span.line, e.span.column), (3, 14), "{}", e.message);
    let e = Config::parse("exemptions:\n  - {entity: a, check: b}\n").unwrap_err();
    assert!(e.message.contains("reason"), "{}", e.message);
    let e = Config::parse("exemptions:\n  - {entity: a, check: b, reason: c, expires: tomorrow}\n")
        .unwrap_err();
    assert!(e.message.contains("YYYY-MM-DD"), "{}", e.message);
    let e = Config::parse("gate: {fail-on: sometimes}\n").unwrap_err();
    assert_eq!(e.span.line, 1);
}

#[test]
fn unknown_check_ids_are_accepted_with_a_warning_and_impossible_dates_are_errors() {
    let dir = catalog("unknown", &[("catalog-info.yaml", TWO_COMPONENTS)]);
    let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    let config = Config::parse("checks:\n  has-ownr: {enabled: false}\n").unwrap();
    let policies = PolicySet::builtin().unwrap();
    let ids: Vec<&str> = policies.checks().iter().map(|c| c.id.as_str()).collect();
    let warnings = config.check_ids(&ids);
    assert_eq!(warnings.len(), 1);
    assert_eq!((warnings[0].span.line, warnings[0].span.column), (2, 3));
    assert!(
        warnings[0].message.ends_with("did you mean `has-owner`?"),
        "{:?}",
        warnings[0]
    );
    let card = score(
        &report,
        &policies,
        &ScoreOptions {
            config,
            ..ScoreOptions::default()
        },
    )
    .unwrap();
    // The setting has no effect: has-owner still runs.
    assert!(card.entities[0]
        .checks
        .iter()
        .any(|c| &*c.id == "has-owner"));
    assert!(Config::parse(
        "exemptions:\n  - {entity: a, check: b, reason: c, expires: 2099-13-45}\n"
    )
    .is_err());
    assert!(Config::parse(
        "exemptions:\n  - {entity: a, check: b, reason: c, expires: 2028-02-29}\n"
    )
    .is_ok());
    // A partial level keeps the rest of its default rule.
    let c = Config::parse("levels:\n  gold: {min-score: 90}\n").unwrap();
    assert_eq!(c.levels.gold.require.len(), 4);
    std::fs::remove_dir_all(dir).ok();
}

/// A Component named `name` whose TechDocs are in its own folder (`dir:.`).
fn techdocs_component(name: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  \
         annotations: {{backstage.io/techdocs-ref: 'dir:.'}}\nspec: {{type: service, \
         lifecycle: production, owner: team-a}}\n"
    )
}

/// `has-techdocs` counts an `mkdocs.yml` only when its real path stays inside the scanned
/// root: a symlink to a file outside is not the entity's docs, one to a file inside is.
#[cfg(unix)]
#[test]
fn techdocs_follow_symlinks_only_inside_the_root() {
    let component = techdocs_component;
    let outside = catalog("techdocs-outside", &[("mkdocs.yml", "site_name: x\n")]);
    let dir = catalog(
        "techdocs-links",
        &[
            ("real/catalog-info.yaml", &component("real")),
            ("real/mkdocs.yml", "site_name: real\n"),
            ("inside/catalog-info.yaml", &component("inside")),
            ("escape/catalog-info.yaml", &component("escape")),
        ],
    );
    let link = std::os::unix::fs::symlink;
    link(dir.join("real/mkdocs.yml"), dir.join("inside/mkdocs.yml")).unwrap();
    link(outside.join("mkdocs.yml"), dir.join("escape/mkdocs.yml")).unwrap();
    let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    let card = score(
        &report,
        &PolicySet::builtin().unwrap(),
        &ScoreOptions::default(),
    )
    .unwrap();
    let status = |name: &str| {
        let entity = card
            .entities
            .iter()
            .find(|e| e.reference.ends_with(name))
            .unwrap();
        let check = entity
            .checks
            .iter()
            .find(|c| &*c.id == "has-techdocs")
            .unwrap();
        (check.status, check.message.to_string())
    };
    assert_eq!(status("/real").0, CheckStatus::Pass);
    assert_eq!(status("/inside").0, CheckStatus::Pass);
    assert_eq!(
        status("/escape"),
        (
            CheckStatus::Fail,
            "backstage.io/techdocs-ref points to a directory without mkdocs.yml: expected \
             escape/mkdocs.yml"
                .to_string()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

/// Discovery notes the folders where it meets a regular MkDocs configuration, and a run that
/// keeps parts answers `has-techdocs` from that for the catalog file's own folder. The
/// answers equal those of the file system's (a run that keeps everything asks it) for a
/// file, a `mkdocs.yaml`, a missing one, symlinks inside and outside the root, and an
/// ignored one (which discovery never meets).
#[cfg(unix)]
#[test]
fn techdocs_found_by_discovery_answer_as_the_file_system() {
    use yardstick::{Keep, Scorer};
    let component = techdocs_component;
    let outside = catalog("found-outside", &[("mkdocs.yml", "site_name: x\n")]);
    let mut files = vec![(".gitignore".to_string(), "ignored/mkdocs.yml\n".to_string())];
    for name in ["real", "yaml", "missing", "inside", "escape", "ignored"] {
        files.push((format!("{name}/catalog-info.yaml"), component(name)));
    }
    files.push(("real/mkdocs.yml".into(), "site_name: real\n".into()));
    files.push(("yaml/mkdocs.yaml".into(), "site_name: yaml\n".into()));
    files.push(("ignored/mkdocs.yml".into(), "site_name: ignored\n".into()));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = catalog("found-by-discovery", &files);
    let link = std::os::unix::fs::symlink;
    link(dir.join("real/mkdocs.yml"), dir.join("inside/mkdocs.yml")).unwrap();
    link(outside.join("mkdocs.yml"), dir.join("escape/mkdocs.yml")).unwrap();
    let (policies, options) = (PolicySet::builtin().unwrap(), ScoreOptions::default());
    let scorer = Scorer::new(&policies, &options).unwrap();
    let keep = Keep::Parts(scorer.entity_parts().unwrap().clone());
    let parts = LintOptions {
        keep,
        ..LintOptions::default()
    };
    let kept = lint_paths(std::slice::from_ref(&dir), &parts).unwrap();
    let whole = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
    let met: Vec<&str> = (kept.files.iter().zip(&kept.kept.as_ref().unwrap().mkdocs))
        .filter(|(_, met)| **met)
        .map(|(f, _)| f.display.as_str())
        .collect();
    assert_eq!(met, ["real/catalog-info.yaml", "yaml/catalog-info.yaml"]);
    let techdocs = |report| {
        let card = scorer.score(report).unwrap();
        (card.entities.iter())
            .map(|e| {
                let check = e.checks.iter().find(|c| &*c.id == "has-techdocs").unwrap();
                (e.reference.clone(), check.status, check.message.to_string())
            })
            .collect::<Vec<_>>()
    };
    let answers = techdocs(&kept);
    assert_eq!(answers, techdocs(&whole));
    let passing: Vec<&str> = (answers.iter())
        .filter(|(_, status, _)| *status == CheckStatus::Pass)
        .map(|(r, _, _)| r.as_str())
        .collect();
    assert_eq!(
        passing,
        [
            "component:default/ignored",
            "component:default/inside",
            "component:default/real",
            "component:default/yaml"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}
