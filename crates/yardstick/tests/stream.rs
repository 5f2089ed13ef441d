//! Streamed lint and score (`CatalogIndex`, `Scorer::score_stream`) find and score exactly
//! what linting and scoring the same sources at once does, file by file.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{demo_score_options, source};
use yardstick::{
    catalog_files, lint_files, lint_paths, CatalogIndex, Finding, LintError, LintOptions,
    LintReport, PolicySet, RefCheck, ScoreError, ScoreOptions, Scorer, Source, SourceFile,
};

/// A directory of the repository.
fn repo(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir)
}

/// Every YAML file below `dir`, in path order, shown relative to it.
fn sources_under(dir: &Path) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| SourceFile {
            display: path.strip_prefix(dir).unwrap().display().to_string(),
            text: Arc::from(std::fs::read_to_string(&path).unwrap()),
            root: dir.to_path_buf(),
            path,
        })
        .collect()
}

/// Lints and scores `sources` both ways and asserts that they agree: the same findings, the
/// same scores in the same order, the same summary. Gives the findings.
fn assert_stream_equals_whole(
    sources: &[SourceFile],
    lint: &LintOptions,
    options: &ScoreOptions,
) -> Vec<Finding> {
    let whole = lint_files(sources.to_vec(), lint);
    assert_streams_as(whole, sources, lint, options)
}

/// [`assert_stream_equals_whole`] for catalog files on disk, read by the stream as
/// `lint_paths` reads them.
fn assert_files_stream_as_they_lint(
    paths: &[PathBuf],
    lint: &LintOptions,
    options: &ScoreOptions,
) -> Vec<Finding> {
    let whole = lint_paths(paths, lint).unwrap();
    let files = catalog_files(paths, lint).unwrap();
    assert_eq!(files.len(), whole.files.len());
    assert_streams_as(whole, &files, lint, options)
}

/// Asserts that streaming `sources` lints and scores as `whole`, their lint at once, does.
fn assert_streams_as<S: Clone + Into<Source> + Send>(
    whole: LintReport,
    sources: &[S],
    lint: &LintOptions,
    options: &ScoreOptions,
) -> Vec<Finding> {
    let policies = PolicySet::builtin().unwrap();
    let scorer = Scorer::new(&policies, options).unwrap();
    let card = scorer.score(&whole).unwrap();

    let (mut findings, mut scores, mut files) = (Vec::new(), Vec::new(), Vec::new());
    let done = scorer
        .score_stream(
            || sources.iter().cloned(),
            lint,
            |file| {
                files.extend(file.lint.files.iter().map(|f| f.display.clone()));
                findings.extend(file.lint.findings);
                scores.extend(file.entities);
            },
        )
        .unwrap();
    // Files stream in the order given; a whole report sorts its findings by file as shown.
    findings.sort_by(|a, b| a.file.cmp(&b.file));
    assert_eq!(findings, whole.findings);
    assert_eq!(scores, card.entities);
    assert_eq!(done.summary, card.summary);
    let shown: Vec<String> = whole.files.iter().map(|f| f.display.clone()).collect();
    assert_eq!((files, done.files), (shown, sources.len()));

    let mut linted = Vec::new();
    let index = CatalogIndex::build(sources.iter().cloned(), lint).expect("index");
    assert_eq!(index.entities(), whole.catalog.len());
    assert_eq!(index.owners(), &whole.owners);
    index.lint_each(sources.iter().cloned(), |file| linted.extend(file.findings));
    linted.sort_by(|a, b| a.file.cmp(&b.file));
    assert_eq!(linted, whole.findings);
    whole.findings
}

#[test]
fn the_fixture_catalogs_stream_as_they_lint_whole() {
    let mut found = 0;
    for dir in ["fixtures/demo", "fixtures/owners", "fixtures/create-app"] {
        let sources = sources_under(&repo(dir));
        assert!(sources.len() > 2, "{dir}");
        // Also on a pool of its own (`threads`), which the stream spreads each chunk over.
        for (check_refs, threads) in [(RefCheck::Auto, None), (RefCheck::Always, Some(1))] {
            let lint = LintOptions {
                check_refs,
                ..LintOptions::default()
            };
            let options = ScoreOptions {
                threads,
                ..demo_score_options()
            };
            found += assert_stream_equals_whole(&sources, &lint, &options).len();
        }
    }
    assert!(found > 20, "{found} findings");
}

const GROUP: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n";

fn component(name: &str, owner: &str, depends: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {name}}}\n\
         spec: {{type: service, lifecycle: production, owner: {owner}, dependsOn: [{depends}], sytem: x}}\n"
    )
}

#[test]
fn a_reference_defined_twice_keeps_the_definition_first_by_file_name_not_by_stream_order() {
    // `b.yaml` streams first, but `a.yaml` sorts first: Backstage's (and lint_files') order.
    let sources = vec![
        source("b.yaml", &component("cart", "team-a", "component:cart")),
        source(
            "a.yaml",
            &format!("{}---\n{GROUP}", component("cart", "team-b", "")),
        ),
        source("c.yaml", &component("checkout", "team-a", "component:kart")),
    ];
    let findings =
        assert_stream_equals_whole(&sources, &LintOptions::default(), &ScoreOptions::default());
    let duplicate = findings
        .iter()
        .find(|f| f.rule == "catalog/duplicate-entity")
        .unwrap();
    assert_eq!(duplicate.file, "b.yaml");
    assert!(duplicate
        .message
        .contains("already defined in a.yaml (document 0)"));
    // Owners resolve against the Group of a later file; the missing target gets its near
    // miss from the whole catalog.
    let unresolved: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule.starts_with("ref/"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        unresolved,
        [
            "spec.owner refers to group:default/team-b, which is not in the scanned catalog; did you mean group:default/team-a?",
            "spec.dependsOn refers to component:default/kart, which is not in the scanned catalog; did you mean component:default/cart?",
        ]
    );
    assert!(findings
        .iter()
        .any(|f| f.rule == "schema/misspelled-spec-key" && f.file == "c.yaml"));
}

#[test]
fn a_file_that_fails_keeps_its_entities_out_of_the_streamed_catalog() {
    let sources = vec![
        source("bad.yaml", &format!("{GROUP}---\nkind: [\n")),
        source("good.yaml", &component("cart", "team-a", "")),
    ];
    let findings =
        assert_stream_equals_whole(&sources, &LintOptions::default(), &ScoreOptions::default());
    assert!(findings.iter().any(|f| f.rule == "yaml/syntax"));
    let index =
        CatalogIndex::build(sources.iter().cloned(), &LintOptions::default()).expect("index");
    assert_eq!((index.entities(), index.files()), (1, 2));
}

#[test]
fn an_empty_stream_scores_nothing() {
    let policies = PolicySet::builtin().unwrap();
    let options = ScoreOptions::default();
    let scorer = Scorer::new(&policies, &options).unwrap();
    let mut called = false;
    let done = scorer
        .score_stream(Vec::<SourceFile>::new, &LintOptions::default(), |_| {
            called = true
        })
        .unwrap();
    assert!(!called);
    assert_eq!((done.files, done.summary.entities), (0, 0));
    assert!(done.summary.gate.passed);
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn catalog_files_on_disk_stream_as_lint_paths_reads_them() {
    let lint = LintOptions {
        follow_locations: false,
        ..LintOptions::default()
    };
    let mut found = 0;
    for dir in ["fixtures/demo", "fixtures/owners", "fixtures/create-app"] {
        found += assert_files_stream_as_they_lint(&[repo(dir)], &lint, &demo_score_options()).len();
    }
    // Two scanned paths that overlap, and findings shown from a base of their own.
    let lint = LintOptions {
        display_base: Some(repo("fixtures")),
        include: vec!["**/*.yaml".into()],
        ..lint
    };
    let paths = [repo("fixtures/demo/repos"), repo("fixtures/demo")];
    found += assert_files_stream_as_they_lint(&paths, &lint, &demo_score_options()).len();
    assert!(found > 10, "{found} findings");
}

#[test]
fn files_that_cannot_be_read_whole_or_need_their_placeholders_stream_as_they_lint() {
    let dir = scratch("stream-disk");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write(
        "a/catalog-info.yaml",
        component("cart", "team-a", "").as_bytes(),
    );
    // A placeholder read from the file's folder, and one that escapes the root.
    write(
        "b/catalog-info.yaml",
        format!(
            "{GROUP}---
{}",
            component("checkout", "team-a", "")
        )
        .replace(
            "name: checkout}",
            "name: checkout, description: {$text: ./about.txt}}",
        )
        .as_bytes(),
    );
    write("b/about.txt", b"Checks out carts.");
    write(
        "c/catalog-info.yaml",
        component("pay", "team-a", "")
            .replace(
                "name: pay}",
                "name: pay, description: {$text: ../../../etc/hostname}}",
            )
            .as_bytes(),
    );
    // Not UTF-8; a YAML error; too large to read.
    write(
        "d/catalog-info.yaml",
        &[b"metadata: {name: \xff}\n".as_slice(), &[0xff, 0xfe]].concat(),
    );
    write("e/catalog-info.yaml", b"kind: [\n");
    write("f/catalog-info.yaml", GROUP.as_bytes());
    write(
        "g/catalog-info.yaml",
        format!("# {}\n{GROUP}", "x".repeat(5000)).as_bytes(),
    );
    let lint = LintOptions {
        limits: yardstick::Limits {
            max_file_bytes: 4096,
            ..yardstick::Limits::default()
        },
        ..LintOptions::default()
    };
    let findings = assert_files_stream_as_they_lint(
        std::slice::from_ref(&dir),
        &lint,
        &ScoreOptions::default(),
    );
    let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    for rule in ["yaml/encoding", "yaml/syntax", "yaml/file-too-large"] {
        assert!(rules.contains(&rule), "{rule} not in {rules:?}");
    }
    assert!(
        findings.iter().any(|f| f.file.starts_with("c/")),
        "{rules:?}"
    );
}

#[test]
fn a_location_on_disk_is_refused_while_locations_are_followed() {
    let dir = repo("fixtures/demo");
    let lint = LintOptions::default();
    let files = catalog_files(&[dir], &lint).unwrap();
    let policies = PolicySet::builtin().unwrap();
    let options = ScoreOptions::default();
    let scorer = Scorer::new(&policies, &options).unwrap();
    let error = scorer
        .score_stream(
            || files.iter().cloned(),
            &lint,
            |_| panic!("no file is scored"),
        )
        .unwrap_err();
    let ScoreError::Lint(LintError::LocationNotFollowed { file, line, column }) = &error else {
        panic!("{error}");
    };
    assert_eq!((file.as_str(), *line, *column), ("catalog-info.yaml", 4, 1));
    assert!(error
        .to_string()
        .starts_with("catalog-info.yaml:4:1: a Location entity"));
    // The same text held in memory is linted as lint_files does: nothing is followed.
    let loaded: Vec<Source> = vec![Source::Loaded(SourceFile {
        path: "catalog-info.yaml".into(),
        display: "catalog-info.yaml".into(),
        root: "".into(),
        text: std::fs::read_to_string(&files[0].path).unwrap().into(),
    })];
    assert!(CatalogIndex::build(loaded, &lint).is_ok());
}
