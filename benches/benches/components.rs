//! The pieces of the lint-and-score pipeline, each timed on its own, on a synthetic catalog
//! (see `yardstick_benches::generate`) of 1k entities (10k too with `YARDSTICK_BENCH_10K=1`).
//!
//! Everything a benchmark needs is built, and checked, before it is timed; nothing timed
//! touches the disk. Groups, for a size `<n>` (`1k`, `10k`):
//!
//! * `yaml-<n>/parse_stream`: `yardstick::parse_stream` over the text of every catalog file,
//!   already in memory. Throughput per document, as for `validate`.
//! * `validate-<n>/validate_entity`: `yardstick::validate_entity` (default
//!   `ValidateOptions`: templates accepted, placeholders stubbed) on every document, already
//!   parsed.
//! * `check-<n>/<check id>`: `yardstick::score` on the catalog's lint report with only that
//!   built-in check enabled (the others turned off with `CheckConfig { enabled: Some(false) }`),
//!   one thread. Throughput is per accepted entity, whether the check applies to it or not;
//!   each run includes the fixed cost of compiling the check (see `entity/score`).
//! * `score-<n>/threads-1`, `score-<n>/threads-default`: `yardstick::score` with all seven
//!   built-in checks, on one worker thread and on rayon's default pool.
//! * `render-<n>/<format>`: one `Report` (`Report::from_scorecard`) written as `json`
//!   (`Report::write_json`), `sarif`, `markdown`, `html`, `junit` and `github` into a
//!   `Vec<u8>` (reserved beforehand). Throughput in output bytes.
//! * `entity/lint`, `entity/score`, `entity/lint_and_score`: one typical Component (a
//!   generated one that passes every check), read with `yardstick::lint_sources` from memory
//!   and scored with all built-in checks: the latency of scoring a single entity, fixed costs
//!   (compiling the checks, building the VM program) included; `entity/scorer` scores it
//!   with a `yardstick::Scorer` built once, as a tool scoring entities one by one would.
//!
//! Scoring uses the generated `facts.json` and a fixed date. `ScoreOptions::known_files`
//! lists the catalog's `mkdocs.yml` files so that the TechDocs check needs no file system;
//! setup checks that this gives the same scorecard as reading the disk (the `score` phase
//! of the `catalog` benchmark measures that path).
//!
//! Sampling is flat with few samples, as in the `catalog` benchmark: each measurement time
//! comes from a pilot run, so that slow benchmarks run about once per sample.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use yardstick::report::{github, html, junit, markdown, sarif, RenderOptions, Report};
use yardstick::{
    lint_paths, lint_sources, parse_stream, score, validate_entity, CheckConfig, CheckStatus,
    Config, Limits, LintOptions, LintReport, Node, PolicySet, ScoreOptions, Scorecard, Scorer,
    Severity, ValidateOptions,
};
use yardstick_benches::{catalog_files, generate, label, Stats, TempDir};

const SEED: u64 = 1;
/// Samples of benchmarks that take 10 ms or more.
const SAMPLES: usize = 10;
/// Samples of faster benchmarks (cheap, and steadier).
const FAST_SAMPLES: usize = 30;

fn sizes() -> Vec<usize> {
    let mut sizes = vec![1_000];
    if std::env::var("YARDSTICK_BENCH_10K").is_ok_and(|v| v == "1") {
        sizes.push(10_000);
    }
    sizes
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Sizes a benchmark from one pilot run: flat sampling, with a measurement time a little
/// under `samples` runs for slow benchmarks (one iteration per sample; criterion may warn
/// that it "cannot complete" the samples in time and runs them anyway), and at least 1 s
/// (many iterations per sample) for fast ones.
fn configure(g: &mut BenchmarkGroup<'_, WallTime>, pilot: Duration) {
    let fast = pilot < Duration::from_millis(10);
    let samples = if fast { FAST_SAMPLES } else { SAMPLES };
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(samples)
        .warm_up_time(if fast {
            Duration::from_millis(100)
        } else {
            Duration::from_millis(1)
        })
        .measurement_time((pilot * samples as u32 * 7 / 10).max(Duration::from_secs(1)));
}

/// The scoring inputs: generated facts, a fixed date, the `mkdocs.yml` files of the catalog.
fn score_options(dir: &Path, report: &LintReport) -> ScoreOptions {
    ScoreOptions {
        known_files: Some(Arc::new(mkdocs_files(report))),
        ..yardstick_benches::score_options(dir).expect("facts")
    }
}

/// `mkdocs.yml`/`mkdocs.yaml` files next to the catalog files, as `SourceFile::path` spells
/// them.
fn mkdocs_files(report: &LintReport) -> BTreeSet<PathBuf> {
    report
        .files
        .iter()
        .filter_map(|f| f.path.parent())
        .flat_map(|d| ["mkdocs.yml", "mkdocs.yaml"].map(|n| d.join(n)))
        .filter(|p| p.is_file())
        .collect()
}

/// `options` restricted to one check.
fn only_check(policies: &PolicySet, id: &str, options: &ScoreOptions) -> ScoreOptions {
    let mut config = Config::default();
    for c in policies.checks().iter().filter(|c| c.id != id) {
        config.checks.insert(
            c.id.clone(),
            CheckConfig {
                enabled: Some(false),
                ..CheckConfig::default()
            },
        );
    }
    ScoreOptions {
        config,
        threads: Some(1),
        ..options.clone()
    }
}

/// Every entity's check statuses, to compare scorecards.
fn statuses(card: &Scorecard) -> Vec<(String, Vec<(String, CheckStatus)>)> {
    card.entities
        .iter()
        .map(|e| {
            (
                e.reference.to_string(),
                e.checks
                    .iter()
                    .map(|c| (c.id.to_string(), c.status))
                    .collect(),
            )
        })
        .collect()
}

fn parse_all(texts: &[String], limits: &Limits) -> usize {
    let mut documents = 0;
    for text in texts {
        let stream = parse_stream(text, limits);
        documents += stream.documents.len();
        black_box(&stream);
    }
    documents
}

fn validate_all(roots: &[Node], options: &ValidateOptions<'_>) -> usize {
    let mut accepted = 0;
    for root in roots {
        let v = validate_entity(root, options);
        accepted += usize::from(v.accepted());
        black_box(&v);
    }
    accepted
}

/// The renderers, by format name.
type Render = fn(&Report, &RenderOptions, &mut Vec<u8>) -> std::io::Result<()>;

const RENDERERS: [(&str, Render); 6] = [
    ("json", |r, _, out| r.write_json(out)),
    ("sarif", |r, o, out| sarif::write(r, o, out)),
    ("markdown", |r, o, out| markdown::write(r, o, out)),
    ("html", |r, o, out| html::write(r, o, out)),
    ("junit", |r, o, out| junit::write(r, o, out)),
    ("github", |r, o, out| github::write(r, o, out)),
];

fn render(f: Render, report: &Report, options: &RenderOptions, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    f(report, options, &mut out).expect("render");
    out
}

/// A generated catalog, read and linted.
struct Catalog {
    dir: TempDir,
    stats: Stats,
    texts: Vec<String>,
    report: LintReport,
    options: ScoreOptions,
}

fn catalog(n: usize) -> Catalog {
    let dir = TempDir::new(&format!("components-{}", label(n))).expect("temp dir");
    let stats = generate(dir.path(), SEED, n);
    assert_eq!(stats.entities, n);
    let texts: Vec<String> = catalog_files(dir.path())
        .expect("list files")
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("read catalog file"))
        .collect();
    assert_eq!(texts.len(), stats.files);
    // The generator's failure rates count owners outside the catalog as failing has-owner,
    // which `auto` does not when fewer than half of the owners resolve, as here.
    let options = LintOptions {
        check_refs: yardstick::RefCheck::Always,
        ..LintOptions::default()
    };
    let report = lint_paths(&[dir.path().to_path_buf()], &options).expect("lint");
    assert_eq!(report.documents, stats.entities);
    assert_eq!(report.catalog.len(), stats.entities - stats.lint_errors);
    let options = score_options(dir.path(), &report);
    assert_eq!(
        options.known_files.as_ref().map(|k| k.len()),
        Some(stats.mkdocs_files)
    );
    Catalog {
        dir,
        stats,
        texts,
        report,
        options,
    }
}

/// Every group for one catalog size, in order: YAML, validation, each check, all checks,
/// renderers.
fn bench_size(c: &mut Criterion, policies: &PolicySet, cat: &Catalog) {
    let size = label(cat.stats.entities);
    eprintln!(
        "components {size}: {} entities ({} accepted), {} files, {} bytes",
        cat.stats.entities,
        cat.report.catalog.len(),
        cat.stats.files,
        cat.stats.bytes
    );
    bench_yaml(c, cat, &size);
    bench_validate(c, cat, &size);
    let one_thread = ScoreOptions {
        threads: Some(1),
        ..cat.options.clone()
    };
    let (card, score_pilot) = full_scorecard(cat, policies, &one_thread);
    bench_checks(c, cat, policies, &size);
    bench_score(c, cat, policies, &size, &one_thread, score_pilot);
    bench_renderers(c, cat, policies, &card, &size);
}

/// `yaml-<n>`: parsing every catalog file's text.
fn bench_yaml(c: &mut Criterion, cat: &Catalog, size: &str) {
    let limits = LintOptions::default().limits;
    let (docs, pilot) = timed(|| parse_all(&cat.texts, &limits));
    assert_eq!(docs, cat.stats.entities);
    let mut g = c.benchmark_group(format!("yaml-{size}"));
    configure(&mut g, pilot);
    g.throughput(Throughput::Elements(docs as u64));
    g.bench_function("parse_stream", |b| {
        b.iter(|| parse_all(&cat.texts, &limits))
    });
    g.finish();
}

/// `validate-<n>`: validating every document, parsed beforehand.
fn bench_validate(c: &mut Criterion, cat: &Catalog, size: &str) {
    let limits = LintOptions::default().limits;
    let roots: Vec<Node> = cat
        .texts
        .iter()
        .flat_map(|t| parse_stream(t, &limits).documents)
        .filter(|d| d.error.is_none() && !d.is_empty())
        .filter_map(|d| d.root)
        .collect();
    assert_eq!(roots.len(), cat.stats.entities);
    let validate_options = ValidateOptions::default();
    let (accepted, pilot) = timed(|| validate_all(&roots, &validate_options));
    assert_eq!(accepted, cat.report.catalog.len());
    let mut g = c.benchmark_group(format!("validate-{size}"));
    configure(&mut g, pilot);
    g.throughput(Throughput::Elements(roots.len() as u64));
    g.bench_function("validate_entity", |b| {
        b.iter(|| validate_all(&roots, &validate_options))
    });
    g.finish();
}

/// The full scorecard on one thread and its pilot time, checked against the disk
/// (known_files must not change a result) and against the generator's failure count.
fn full_scorecard(
    cat: &Catalog,
    policies: &PolicySet,
    one_thread: &ScoreOptions,
) -> (Scorecard, Duration) {
    let (card, score_pilot) = timed(|| score(&cat.report, policies, one_thread).expect("score"));
    assert_eq!(card.entities.len(), cat.report.catalog.len());
    let from_disk = score(
        &cat.report,
        policies,
        &ScoreOptions {
            known_files: None,
            ..one_thread.clone()
        },
    )
    .expect("score from disk");
    assert!(
        statuses(&card) == statuses(&from_disk),
        "known_files changes the scorecard"
    );
    let failing = card
        .entities
        .iter()
        .filter(|e| e.checks.iter().any(|c| c.status == CheckStatus::Fail))
        .count();
    assert_eq!(failing, cat.stats.check_failures);
    (card, score_pilot)
}

/// `check-<n>`: one check at a time.
fn bench_checks(c: &mut Criterion, cat: &Catalog, policies: &PolicySet, size: &str) {
    let entities = cat.report.catalog.len();
    let mut g = c.benchmark_group(format!("check-{size}"));
    g.throughput(Throughput::Elements(entities as u64));
    for check in policies.checks() {
        let options = only_check(policies, &check.id, &cat.options);
        let (card, pilot) = timed(|| score(&cat.report, policies, &options).expect("score"));
        assert_eq!(card.entities.len(), entities);
        let count = |s: CheckStatus| {
            card.entities
                .iter()
                .filter(|e| e.checks.len() == 1 && *e.checks[0].id == *check.id)
                .filter(|e| e.checks[0].status == s)
                .count()
        };
        let (pass, fail, na) = (
            count(CheckStatus::Pass),
            count(CheckStatus::Fail),
            count(CheckStatus::NotApplicable),
        );
        assert_eq!(count(CheckStatus::Error), 0, "{}", check.id);
        assert!(pass > 0, "{}: no entity passes", check.id);
        assert_eq!(
            pass + fail + na + count(CheckStatus::Unknown),
            entities,
            "{}: one result per entity",
            check.id
        );
        eprintln!(
            "check {size} {}: {pass} pass, {fail} fail, {na} not applicable; pilot {pilot:.2?}",
            check.id
        );
        configure(&mut g, pilot);
        g.bench_function(check.id.as_str(), |b| {
            b.iter(|| score(&cat.report, policies, &options).expect("score"))
        });
    }
    g.finish();
}

/// `score-<n>`: all checks, on one thread (`score_pilot` timed it) and on the default pool.
fn bench_score(
    c: &mut Criterion,
    cat: &Catalog,
    policies: &PolicySet,
    size: &str,
    one_thread: &ScoreOptions,
    score_pilot: Duration,
) {
    let default_threads = ScoreOptions {
        threads: None,
        ..cat.options.clone()
    };
    let (_, default_pilot) =
        timed(|| score(&cat.report, policies, &default_threads).expect("score"));
    let mut g = c.benchmark_group(format!("score-{size}"));
    g.throughput(Throughput::Elements(cat.report.catalog.len() as u64));
    configure(&mut g, score_pilot);
    g.bench_function("threads-1", |b| {
        b.iter(|| score(&cat.report, policies, one_thread).expect("score"))
    });
    configure(&mut g, default_pilot);
    g.bench_function("threads-default", |b| {
        b.iter(|| score(&cat.report, policies, &default_threads).expect("score"))
    });
    g.finish();
}

/// `render-<n>`: the scorecard's report in every format, each output checked first.
fn bench_renderers(
    c: &mut Criterion,
    cat: &Catalog,
    policies: &PolicySet,
    card: &Scorecard,
    size: &str,
) {
    let entities = cat.report.catalog.len();
    let report = Report::from_scorecard(&cat.report, card, policies, &Config::default());
    assert_eq!(report.entities.len(), entities);
    assert_eq!(report.checks.len(), policies.checks().len());
    assert_eq!(report.findings.len(), cat.report.findings.len());
    let render_options = RenderOptions::default();
    let mut g = c.benchmark_group(format!("render-{size}"));
    for (name, f) in RENDERERS {
        let (out, pilot) = timed(|| render(f, &report, &render_options, 0));
        let text = String::from_utf8(out).unwrap_or_else(|_| panic!("{name}: not UTF-8"));
        assert!(!text.trim().is_empty(), "{name}: empty output");
        check_rendered(name, &text, entities);
        eprintln!(
            "render {size} {name}: {} bytes; pilot {pilot:.2?}",
            text.len()
        );
        let capacity = text.len();
        configure(&mut g, pilot);
        g.throughput(Throughput::Bytes(capacity as u64));
        g.bench_function(name, |b| {
            b.iter(|| render(f, &report, &render_options, capacity))
        });
    }
    g.finish();
}

/// Format-specific sanity checks of a rendered report.
fn check_rendered(name: &str, text: &str, entities: usize) {
    match name {
        "json" => {
            let back = Report::from_json(text).expect("json reads back");
            assert_eq!(back.entities.len(), entities);
        }
        "sarif" => assert!(text.contains("2.1.0"), "sarif: no version"),
        "junit" => assert!(text.contains("<testsuite"), "junit: no test suite"),
        "html" => assert!(text.contains("<html"), "html: no document"),
        _ => {}
    }
}

/// A generated Component that passes every applicable check, as one in-memory source: its
/// file name (relative to the catalog), its text and the options to score it with.
fn typical_component(cat: &Catalog, policies: &PolicySet) -> (String, String, ScoreOptions) {
    for (path, text) in catalog_files(cat.dir.path())
        .expect("list files")
        .iter()
        .zip(&cat.texts)
    {
        let rel = path
            .strip_prefix(cat.dir.path())
            .expect("inside the catalog")
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.starts_with("services/") {
            continue;
        }
        // The component is the first document of its file.
        let end = text.find("\n---\n").map_or(text.len(), |i| i + 1);
        let doc = text[..end].to_string();
        let mkdocs = path.with_file_name("mkdocs.yml");
        let known: BTreeSet<PathBuf> = mkdocs
            .is_file()
            .then(|| Path::new(&rel).with_file_name("mkdocs.yml"))
            .into_iter()
            .collect();
        let options = ScoreOptions {
            known_files: Some(Arc::new(known)),
            ..cat.options.clone()
        };
        let lint = lint_sources(&[(rel.as_str(), doc.as_str())], &LintOptions::default());
        if lint.catalog.len() != 1 || lint.count(Severity::Error) > 0 {
            continue;
        }
        let card = score(&lint, policies, &options).expect("score");
        let checks = &card.entities[0].checks;
        let applicable = checks
            .iter()
            .filter(|c| c.status != CheckStatus::NotApplicable)
            .count();
        let passing = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Pass)
            .count();
        // Every check but has-backups (Resources only) applies to a Component.
        if card.entities[0].kind == "Component"
            && applicable == policies.checks().len() - 1
            && passing == applicable
        {
            return (rel, doc, options);
        }
    }
    panic!("no component of the generated catalog passes every check on its own");
}

fn bench_entity(c: &mut Criterion, cat: &Catalog, policies: &PolicySet) {
    let (name, doc, options) = typical_component(cat, policies);
    let lint_options = LintOptions::default();
    let sources = [(name.as_str(), doc.as_str())];
    let (lint, lint_pilot) = timed(|| lint_sources(&sources, &lint_options));
    let (card, score_pilot) = timed(|| score(&lint, policies, &options).expect("score"));
    assert_eq!(card.entities.len(), 1);
    eprintln!(
        "entity {}: {} bytes, {} checks; pilot lint {lint_pilot:.2?}, score {score_pilot:.2?}",
        card.entities[0].reference,
        doc.len(),
        card.entities[0].checks.len(),
    );
    let mut g = c.benchmark_group("entity");
    configure(&mut g, lint_pilot);
    g.bench_function("lint", |b| b.iter(|| lint_sources(&sources, &lint_options)));
    configure(&mut g, score_pilot);
    g.bench_function("score", |b| {
        b.iter(|| score(&lint, policies, &options).expect("score"))
    });
    let scorer = Scorer::new(policies, &options).expect("scorer");
    assert_eq!(scorer.score(&lint).expect("score"), card);
    configure(&mut g, lint_pilot);
    g.bench_function("scorer", |b| b.iter(|| scorer.score(&lint).expect("score")));
    configure(&mut g, lint_pilot + score_pilot);
    g.bench_function("lint_and_score", |b| {
        b.iter(|| {
            let lint = lint_sources(&sources, &lint_options);
            score(&lint, policies, &options).expect("score")
        })
    });
    g.finish();
}

fn components(c: &mut Criterion) {
    let policies = PolicySet::builtin().expect("builtin checks");
    assert_eq!(policies.checks().len(), 7);
    for (i, n) in sizes().into_iter().enumerate() {
        let cat = catalog(n);
        bench_size(c, &policies, &cat);
        if i == 0 {
            bench_entity(c, &cat, &policies);
        }
    }
}

criterion_group!(benches, components);
criterion_main!(benches);
