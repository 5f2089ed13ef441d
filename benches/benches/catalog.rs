//! Lint and scoring throughput on synthetic catalogs (see `yardstick_benches::generate`).
//!
//! For each size (1k and 10k entities; 100k too with `YARDSTICK_BENCH_100K=1`) the catalog is
//! generated once into a temporary directory, then five phases are measured:
//!
//! * `events`: read every catalog file and run saphyr's parser over it, events only (the
//!   YAML library alone: the strict floor);
//! * `parse`: read every catalog file and run `yardstick::parse_stream` on it (events plus
//!   the tree with spans);
//! * `lint`: `yardstick::lint_paths` on the directory;
//! * `score`: `yardstick::score` on a lint report built beforehand, with the built-in checks
//!   and the generated facts;
//! * `end_to_end`: lint, read the facts, compile the built-in checks, score.
//!
//! Every benchmark takes 10 samples of one iteration each (flat sampling): with runs of
//! hundreds of milliseconds to seconds, more would only make `cargo bench` slow.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use yardstick::{lint_paths, parse_stream, score, Limits, LintOptions, LintReport, PolicySet};
use yardstick_benches::{catalog_files, generate, label, parse_events, score_options, TempDir};

const SEED: u64 = 1;
const SAMPLES: usize = 10;

fn sizes() -> Vec<usize> {
    let mut sizes = vec![1_000, 10_000];
    if std::env::var("YARDSTICK_BENCH_100K").is_ok_and(|v| v == "1") {
        sizes.push(100_000);
    }
    sizes
}

/// The YAML library alone: read every file and pull saphyr's events, nothing else.
fn events_all(files: &[PathBuf]) -> usize {
    files
        .iter()
        .map(|f| parse_events(&std::fs::read_to_string(f).expect("read catalog file")))
        .sum()
}

/// Read and parse every file into yardstick's trees, nothing else.
fn parse_all(files: &[PathBuf], limits: &Limits) -> usize {
    let mut documents = 0;
    for f in files {
        let text = std::fs::read_to_string(f).expect("read catalog file");
        let stream = parse_stream(&text, limits);
        documents += stream.documents.len();
        black_box(&stream);
    }
    documents
}

fn lint(dir: &Path) -> LintReport {
    lint_paths(&[dir.to_path_buf()], &LintOptions::default()).expect("lint")
}

fn end_to_end(dir: &Path) -> usize {
    let report = lint(dir);
    let options = score_options(dir).expect("facts");
    let policies = PolicySet::builtin().expect("builtin checks");
    let card = score(&report, &policies, &options).expect("score");
    card.entities.len()
}

/// Measurement time from one pilot run: a little less than `SAMPLES` runs, so that flat
/// sampling takes one iteration per sample (criterion may then say it "cannot complete 10
/// samples" in that time: it runs them anyway, which is what we want).
fn budget(pilot: Duration) -> Duration {
    (pilot * SAMPLES as u32 * 7 / 10).max(Duration::from_millis(300))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn catalog(c: &mut Criterion) {
    let policies = PolicySet::builtin().expect("builtin checks");
    let limits = LintOptions::default().limits;
    for n in sizes() {
        let dir = TempDir::new(&format!("bench-{}", label(n))).expect("temp dir");
        let (stats, gen_time) = timed(|| generate(dir.path(), SEED, n));
        let files = catalog_files(dir.path()).expect("list files");
        let options = score_options(dir.path()).expect("facts");

        // Pilot runs: one of each phase, to size the measurement and check the catalog.
        let (events, events_pilot) = timed(|| events_all(&files));
        let (docs, parse_pilot) = timed(|| parse_all(&files, &limits));
        assert!(events > docs);
        let (report, lint_pilot) = timed(|| lint(dir.path()));
        let (card, score_pilot) = timed(|| score(&report, &policies, &options).expect("score"));
        let (_, e2e_pilot) = timed(|| end_to_end(dir.path()));
        assert_eq!(docs, stats.entities);
        assert_eq!(report.documents, stats.entities);
        assert_eq!(card.entities.len(), stats.entities - stats.lint_errors);
        eprintln!(
            "catalog {}: {} entities, {} files, {} bytes (generated in {gen_time:.2?}); \
             {} findings, {} accepted; pilot parse {parse_pilot:.2?}, lint {lint_pilot:.2?}, \
             score {score_pilot:.2?}, end-to-end {e2e_pilot:.2?}",
            label(n),
            stats.entities,
            stats.files,
            stats.bytes,
            report.findings.len(),
            report.catalog.len(),
        );

        let mut g = c.benchmark_group(format!("catalog-{}", label(n)));
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(SAMPLES)
            .warm_up_time(Duration::from_millis(1))
            .throughput(Throughput::Elements(n as u64));
        g.measurement_time(budget(events_pilot));
        g.bench_function("events", |b| b.iter(|| events_all(&files)));
        g.measurement_time(budget(parse_pilot));
        g.bench_function("parse", |b| b.iter(|| parse_all(&files, &limits)));
        g.measurement_time(budget(lint_pilot));
        g.bench_function("lint", |b| b.iter(|| lint(dir.path())));
        g.measurement_time(budget(score_pilot));
        g.bench_function("score", |b| {
            b.iter(|| score(&report, &policies, &options).expect("score"))
        });
        g.measurement_time(budget(e2e_pilot));
        g.bench_function("end_to_end", |b| b.iter(|| end_to_end(dir.path())));
        g.finish();
    }
}

criterion_group!(benches, catalog);
criterion_main!(benches);
