//! SARIF output for GitHub code scanning: schema-valid, within GitHub's rules and limits,
//! one result per failing check and lint finding, and fingerprints that survive edits.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::copy_dir;
use serde_json::Value;
use yardstick::report::{sarif, FindingRecord, RenderOptions, Report};
use yardstick::{
    CheckStatus, Config, Facts, LintOptions, LintReport, PolicySet, ScoreOptions, Severity,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Lints and scores `<root>/<catalog>` with the demo facts, paths shown relative to `root`.
fn scored_report(root: &Path, catalog: &str) -> Report {
    let lint_options = LintOptions {
        display_base: Some(root.to_path_buf()),
        ..LintOptions::default()
    };
    let lint = yardstick::lint_paths(&[root.join(catalog)], &lint_options).expect("lint");
    let policies = PolicySet::builtin().expect("built-in policies");
    let facts_path = repo().join("fixtures/demo/facts.json");
    let facts = Facts::parse(&std::fs::read_to_string(&facts_path).expect("read facts"))
        .expect("facts parse");
    let options = ScoreOptions {
        facts,
        config: Config::default(),
        fail_on: None,
        min_score: None,
        threads: None,
        today: Some("2025-01-01".into()),
        now_ns: None,
        known_files: None,
        plain_evaluation: false,
    };
    let card = yardstick::score(&lint, &policies, &options).expect("score");
    Report::from_scorecard(&lint, &card, &policies, &options.config)
}

fn demo_report() -> Report {
    scored_report(&repo(), "fixtures/demo")
}

fn render(report: &Report, options: &RenderOptions) -> Value {
    let mut out = Vec::new();
    sarif::write(report, options, &mut out).expect("write SARIF");
    serde_json::from_slice(&out).expect("SARIF is JSON")
}

fn run(log: &Value) -> &Value {
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run per invocation");
    &runs[0]
}

fn results(log: &Value) -> &Vec<Value> {
    run(log)["results"].as_array().expect("results")
}

fn validator() -> jsonschema::Validator {
    let path = repo().join("tests/reports/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("read SARIF schema");
    // The published schema's pattern for `language` (a property yardstick never writes) has a
    // stray `]` that is only legal in ECMAScript's Annex B, and the schema's own meta-schema
    // rejects it as a `regex`; use the pattern it means ("en" or "en-US").
    let broken = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(
        text.contains(broken),
        "the schema changed; drop this workaround"
    );
    let text = text.replace(broken, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("compile SARIF schema")
}

fn assert_schema_valid(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not match the 2.1.0 schema:\n{}",
        errors.join("\n")
    );
}

fn non_empty_str<'v>(v: &'v Value, what: &str) -> &'v str {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    assert!(!s.trim().is_empty(), "{what} is empty");
    s
}

/// What GitHub code scanning requires beyond the schema.
fn assert_github_rules(log: &Value, report: &Report) {
    assert_eq!(log["version"], "2.1.0");
    non_empty_str(&log["$schema"], "$schema");
    let run = run(log);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "yardstick");
    non_empty_str(&driver["version"], "driver.version");
    non_empty_str(&driver["informationUri"], "driver.informationUri");
    assert_eq!(run["automationDetails"]["id"], "yardstick/");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let rules = driver["rules"].as_array().expect("rules");
    assert!(
        rules.len() <= 25_000,
        "GitHub accepts at most 25,000 rules per run"
    );
    let mut ids = BTreeSet::new();
    for rule in rules {
        let id = non_empty_str(&rule["id"], "rule id");
        assert!(ids.insert(id.to_string()), "rule {id} listed twice");
        let name = non_empty_str(&rule["name"], "rule name");
        assert!(
            name.chars().count() <= 255,
            "{id}: name over 255 characters"
        );
        assert!(
            name.chars().all(char::is_alphanumeric),
            "{id}: name {name} is not PascalCase"
        );
        for field in ["shortDescription", "fullDescription"] {
            let text = non_empty_str(&rule[field]["text"], &format!("{id} {field}"));
            assert!(
                text.chars().count() <= 1024,
                "{id}: {field} over 1024 characters"
            );
        }
        non_empty_str(&rule["help"]["text"], &format!("{id} help.text"));
        non_empty_str(&rule["help"]["markdown"], &format!("{id} help.markdown"));
        let level = rule["defaultConfiguration"]["level"]
            .as_str()
            .expect("level");
        assert!(
            ["error", "warning", "note"].contains(&level),
            "{id}: level {level}"
        );
        let tags = rule["properties"]["tags"].as_array().expect("tags");
        assert!(!tags.is_empty() && tags.len() <= 10, "{id}: 1 to 10 tags");
        let distinct: BTreeSet<String> = tags.iter().map(Value::to_string).collect();
        assert_eq!(distinct.len(), tags.len(), "{id}: tags repeat");
        assert!(
            rule["properties"].get("security-severity").is_none(),
            "{id}: security-severity only on request"
        );
        if let Some(uri) = rule.get("helpUri") {
            assert!(
                non_empty_str(uri, "helpUri").starts_with("https://"),
                "{id}: helpUri"
            );
        }
    }
    for check in &report.checks {
        assert!(
            ids.contains(&check.id),
            "check {} that ran is not a rule",
            check.id
        );
    }

    let results = results(log);
    assert!(results.len() <= sarif::MAX_RESULTS);
    for (i, result) in results.iter().enumerate() {
        let rule_id = non_empty_str(&result["ruleId"], "ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], rule_id,
            "result {i}: ruleIndex points at another rule"
        );
        non_empty_str(&result["message"]["text"], "message.text");
        let level = result["level"].as_str().expect("level");
        assert!(
            ["error", "warning", "note"].contains(&level),
            "result {i}: level {level}"
        );
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "result {i}: exactly one location");
        let physical = &locations[0]["physicalLocation"];
        let uri = non_empty_str(&physical["artifactLocation"]["uri"], "uri");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            !uri.contains(':'),
            "result {i}: uri {uri} has a scheme or drive"
        );
        assert!(!uri.starts_with('/'), "result {i}: uri {uri} is absolute");
        assert!(
            !uri.contains(' ') && !uri.contains('\\'),
            "result {i}: uri {uri} not encoded"
        );
        let region = &physical["region"];
        let pos = |k: &str| {
            region[k]
                .as_u64()
                .unwrap_or_else(|| panic!("result {i}: region has no {k}"))
        };
        let (start_line, start_column) = (pos("startLine"), pos("startColumn"));
        let (end_line, end_column) = (pos("endLine"), pos("endColumn"));
        assert!(
            start_line >= 1 && start_column >= 1,
            "result {i}: region before 1:1"
        );
        assert!(
            (end_line, end_column) >= (start_line, start_column),
            "result {i}: region ends before it starts"
        );
        non_empty_str(
            &result["partialFingerprints"]["yardstick/v1"],
            "fingerprint",
        );
    }
}

#[test]
fn demo_sarif_matches_the_sarif_2_1_0_schema() {
    let report = demo_report();
    let validator = validator();
    assert_schema_valid(&validator, &render(&report, &RenderOptions::default()));
    let security = RenderOptions {
        security_severity: true,
        ..RenderOptions::default()
    };
    assert_schema_valid(&validator, &render(&report, &security));
}

#[test]
fn demo_sarif_follows_github_code_scanning_rules() {
    let report = demo_report();
    assert!(!report.checks.is_empty() && !report.findings.is_empty());
    let log = render(&report, &RenderOptions::default());
    assert_github_rules(&log, &report);

    // Lint rules: documented, tagged, with the level of their severity.
    let rules = run(&log)["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).expect(id);
    let owner = rule("ref/unresolved-owner");
    assert_eq!(owner["name"], "RefUnresolvedOwner");
    assert_eq!(owner["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        owner["helpUri"],
        yardstick::rule("ref/unresolved-owner").unwrap().docs_url()
    );
    assert!(owner["properties"]["tags"]
        .as_array()
        .unwrap()
        .contains(&Value::from("lint")));
    for check in &report.checks {
        let r = rule(&check.id);
        assert_eq!(
            r["helpUri"],
            format!(
                "https://github.com/yardstick-dev/yardstick/blob/main/docs/checks.md#{}",
                check.id
            )
        );
        assert!(r["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("scorecard")));
        assert!(r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains(check.remediation.trim()));
    }
}

#[test]
fn security_severity_is_opt_in_and_follows_check_severity() {
    let report = demo_report();
    let log = render(
        &report,
        &RenderOptions {
            security_severity: true,
            ..RenderOptions::default()
        },
    );
    let rules = run(&log)["tool"]["driver"]["rules"].as_array().unwrap();
    for check in &report.checks {
        let rule = rules.iter().find(|r| r["id"] == check.id.as_str()).unwrap();
        let (score, level) = match check.severity {
            yardstick::CheckSeverity::Critical => ("9.0", "error"),
            yardstick::CheckSeverity::High => ("7.0", "error"),
            yardstick::CheckSeverity::Medium => ("5.0", "warning"),
            yardstick::CheckSeverity::Low => ("3.0", "note"),
        };
        assert_eq!(
            rule["properties"]["security-severity"], score,
            "{}",
            check.id
        );
        assert_eq!(rule["defaultConfiguration"]["level"], level, "{}", check.id);
    }
    for rule in rules {
        assert!(rule["properties"]["security-severity"].is_string());
    }
}

/// (ruleId, uri, startLine, startColumn, entity) of every result.
type Key = (String, String, u64, u64, String);

#[test]
fn one_result_per_failing_check_and_lint_finding_at_the_right_line() {
    let report = demo_report();
    let mut expected: Vec<Key> = Vec::new();
    for entity in &report.entities {
        for check in entity
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
        {
            let (file, line, column) = match &check.location {
                Some(l) => (l.file.clone(), l.line, l.column),
                None => (entity.file.clone(), 1, 1),
            };
            expected.push((
                check.id.to_string(),
                file.to_string(),
                line as u64,
                column as u64,
                entity.reference.clone(),
            ));
        }
    }
    let failing_checks = expected.len();
    assert!(failing_checks > 0, "the demo has failing checks");
    for f in &report.findings {
        expected.push((
            f.rule.clone(),
            f.file.clone(),
            f.line.unwrap_or(1) as u64,
            f.column.unwrap_or(1) as u64,
            f.entity.clone().unwrap_or_default(),
        ));
    }
    expected.sort();

    let log = render(&report, &RenderOptions::default());
    let mut actual: Vec<Key> = results(&log)
        .iter()
        .map(|r| {
            let physical = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                // Demo paths need no percent-encoding.
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                physical["region"]["startLine"].as_u64().unwrap(),
                physical["region"]["startColumn"].as_u64().unwrap(),
                r["properties"]["entity"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    actual.sort();
    assert_eq!(actual, expected);

    // Messages name the entity, and levels follow the severities.
    for r in results(&log) {
        if let Some(entity) = r["properties"]["entity"].as_str() {
            let text = r["message"]["text"].as_str().unwrap();
            assert!(text.starts_with(&format!("{entity}: ")), "{text}");
        }
    }
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let error_results = results(&log)
        .iter()
        .filter(|r| r["level"] == "error" && r["ruleId"].as_str().unwrap().contains('/'))
        .count();
    assert_eq!(errors, error_results);
}

/// Fingerprint and start line of every result, by (ruleId, entity, pointer, uri).
fn fingerprints(log: &Value) -> BTreeMap<(String, String, String, String), (String, u64)> {
    let mut map = BTreeMap::new();
    for r in results(log) {
        let key = (
            r["ruleId"].as_str().unwrap().to_string(),
            r["properties"]["entity"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            r["properties"]["pointer"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        let value = (
            r["partialFingerprints"]["yardstick/v1"]
                .as_str()
                .unwrap()
                .to_string(),
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap(),
        );
        assert!(
            map.insert(key.clone(), value).is_none(),
            "{key:?} is not unique"
        );
    }
    map
}

#[test]
fn fingerprints_survive_unrelated_lines_inserted_above() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sarif-fingerprints-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&repo().join("fixtures/demo"), &root.join("demo"));
    let before = fingerprints(&render(
        &scored_report(&root, "demo"),
        &RenderOptions::default(),
    ));

    // Comment lines at the top of the second document (customer-portal-bff), whose failing CI
    // check moves down; the first document's findings stay where they are.
    let file = root.join("demo/repos/customer-portal/catalog-info.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (first, second) = text.split_once("\n---\n").expect("two documents");
    let padding = "# an unrelated comment\n".repeat(5);
    std::fs::write(&file, format!("{first}\n---\n{padding}{second}")).unwrap();
    let after = fingerprints(&render(
        &scored_report(&root, "demo"),
        &RenderOptions::default(),
    ));
    std::fs::remove_dir_all(&root).unwrap();

    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same logical results"
    );
    let mut moved = 0;
    for (key, (fingerprint, line)) in &before {
        let (after_fingerprint, after_line) = &after[key];
        assert_eq!(
            fingerprint, after_fingerprint,
            "{key:?} changed fingerprint"
        );
        if key.1 == "component:default/customer-portal-bff" {
            assert_eq!(*after_line, line + 5, "{key:?} moved down");
            moved += 1;
        } else {
            assert_eq!(after_line, line, "{key:?} stayed");
        }
    }
    assert!(moved > 0, "some result of customer-portal-bff moved");
}

#[test]
fn demo_sarif_snapshot() {
    let mut log = render(&demo_report(), &RenderOptions::default());
    // The version changes with every release; the rest is deterministic.
    let driver = &mut log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    insta::assert_json_snapshot!("demo", log);
}

fn finding(i: usize, severity: Severity) -> FindingRecord {
    FindingRecord {
        rule: match severity {
            Severity::Error => "schema/metadata-name",
            Severity::Warning => "ref/unresolved-owner",
            Severity::Note => "location/url-not-followed",
        }
        .into(),
        severity,
        message: format!("problem {i}"),
        file: format!("repos/service {:05}/catalog-info.yaml", i % 1000),
        document: Some(0),
        line: Some(i / 1000 + 1),
        column: Some(3),
        end_line: Some(i / 1000 + 1),
        end_column: Some(9),
        entity: Some(format!("component:default/service-{i}")),
        pointer: Some("/metadata/name".into()),
        help: "fix it".into(),
        url: None,
    }
}

#[test]
fn results_over_githubs_limit_are_truncated_most_severe_first() {
    const TOTAL: usize = 25_010;
    let mut report = Report::from_lint(&LintReport::default());
    // Notes everywhere, ten errors and a warning scattered among them: the errors and the
    // warning must survive, and the notes dropped must be the last ones by file and line.
    report.findings = (0..TOTAL)
        .map(|i| {
            let severity = match i {
                _ if i % 2600 == 7 => Severity::Error,
                12_345 => Severity::Warning,
                _ => Severity::Note,
            };
            finding(i, severity)
        })
        .collect();
    let log = render(&report, &RenderOptions::default());
    assert_github_rules(&log, &report);
    let kept = results(&log);
    assert_eq!(kept.len(), sarif::MAX_RESULTS);
    assert_eq!(sarif::MAX_RESULTS, 25_000);

    let levels: Vec<&str> = kept.iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(levels.iter().filter(|l| **l == "error").count(), 10);
    assert_eq!(levels.iter().filter(|l| **l == "warning").count(), 1);
    assert!(levels[..10].iter().all(|l| *l == "error") && levels[10] == "warning");

    // The notes kept come first by (file, line); the dropped ten are the last.
    let position = |r: &Value| {
        let physical = &r["locations"][0]["physicalLocation"];
        (
            physical["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string(),
            physical["region"]["startLine"].as_u64().unwrap(),
        )
    };
    let kept_notes: Vec<_> = kept[11..].iter().map(position).collect();
    let mut all_notes: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Note)
        .map(|f| (f.file.replace(' ', "%20"), f.line.unwrap() as u64))
        .collect();
    all_notes.sort();
    assert_eq!(kept_notes, all_notes[..all_notes.len() - 10]);

    let run = run(&log);
    assert_eq!(run["properties"]["yardstick/resultsTruncated"], true);
    assert_eq!(run["properties"]["yardstick/resultsDropped"], 10);
    assert_eq!(run["properties"]["yardstick/resultsTotal"], TOTAL);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "warning");
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(text.contains("dropped 10"), "{text}");

    // Deterministic whatever the input order.
    report.findings.reverse();
    assert_eq!(render(&report, &RenderOptions::default()), log);
}

#[test]
fn small_runs_are_not_truncated_and_uris_are_encoded() {
    let mut report = Report::from_lint(&LintReport::default());
    report.findings = vec![finding(1, Severity::Warning)];
    report.findings[0].line = None;
    report.findings[0].column = None;
    report.findings[0].end_line = None;
    report.findings[0].end_column = None;
    let log = render(&report, &RenderOptions::default());
    assert_schema_valid(&validator(), &log);
    assert_github_rules(&log, &report);
    let run = run(&log);
    assert!(run.get("properties").is_none());
    assert!(run["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
    let physical = &run["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "repos/service%2000001/catalog-info.yaml"
    );
    assert_eq!(physical["region"]["startLine"], 1);
    assert_eq!(physical["region"]["startColumn"], 1);
}

#[test]
fn check_errors_become_notifications_not_results() {
    let mut report = demo_report();
    let entity = report
        .entities
        .iter_mut()
        .find(|e| e.reference == "component:default/route-planner")
        .unwrap();
    let check = entity
        .checks
        .iter_mut()
        .find(|c| c.id == "has-owner")
        .unwrap();
    assert_eq!(check.status, CheckStatus::Fail);
    check.status = CheckStatus::Error;
    check.message = "rego: undefined function".into();
    let log = render(&report, &RenderOptions::default());
    assert_schema_valid(&validator(), &log);
    assert_github_rules(&log, &report);
    assert!(!results(&log).iter().any(|r| r["ruleId"] == "has-owner"
        && r["properties"]["entity"] == "component:default/route-planner"));
    let invocation = &run(&log)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["associatedRule"]["id"], "has-owner");
    let index = notes[0]["associatedRule"]["index"].as_u64().unwrap() as usize;
    assert_eq!(
        run(&log)["tool"]["driver"]["rules"][index]["id"],
        "has-owner"
    );
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("component:default/route-planner: rego: undefined function"),
        "{text}"
    );
}

#[test]
fn unknown_rules_and_categories() {
    let mut report = Report::from_lint(&LintReport::default());
    let mut f = finding(3, Severity::Error);
    f.rule = "future/rule".into();
    f.url = Some("https://example.com/rules#future".into());
    report.findings = vec![f];
    for (category, expected) in [("a/b", Some("a/b/")), ("a/b/", Some("a/b/")), ("", None)] {
        let options = RenderOptions {
            sarif_category: category.into(),
            ..RenderOptions::default()
        };
        let log = render(&report, &options);
        assert_schema_valid(&validator(), &log);
        let run = run(&log);
        assert_eq!(
            run["automationDetails"]["id"].as_str(),
            expected,
            "{category:?}"
        );
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let rule = rules.last().unwrap();
        assert_eq!(rule["id"], "future/rule");
        assert_eq!(rule["name"], "FutureRule");
        assert_eq!(rule["helpUri"], "https://example.com/rules#future");
        assert_eq!(run["results"][0]["ruleIndex"], rules.len() - 1);
    }
}
