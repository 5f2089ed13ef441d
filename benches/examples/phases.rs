//! Plain wall-clock (and CPU) timing of the benchmark phases, for sizes where criterion is
//! too slow and for ratios on a busy machine:
//!
//! ```text
//! cargo run --release -p yardstick-benches --example phases -- [ENTITIES] [RUNS] [DIR]
//! ```
//!
//! Generates a catalog of ENTITIES (default 100000) entities into DIR (default: a temporary
//! directory), then runs the phases round-robin RUNS times (default 3) — events, parse,
//! lint, score, score on one thread, end-to-end (lint, score and the JSON report written to
//! a sink, as `yardstick score --format json` does; the report is freed after the clock
//! stops, as the command leaves it to the end of the process), then again — so that a change in machine
//! load hits every phase alike, and prints the median of each and the ratios. `events` is
//! the YAML library alone (saphyr's parser, events only: the strict parse floor), `parse`
//! is `yardstick::parse_stream` (events plus the tree with spans), `score-1t` is the
//! scoring phase with `ScoreOptions::threads = Some(1)`.
//!
//! Last, it measures peak memory: a child process (this program with `--peak DIR`, or
//! `--peak-streamed DIR`) runs the end-to-end (or streamed) phase once and reports its peak
//! resident set size (`VmHWM` of `/proc/self/status`, Linux), which is compared with the
//! catalog's size on disk. A
//! separate process per measurement keeps the timing runs' allocations (and other sizes)
//! out of the peak.
//!
//! `PHASES_ONLY=events,end-to-end` (comma-separated phase names, `memory` for the peaks)
//! runs only those phases: a quicker comparison of two builds.
//!
//! `PHASES_STEPS=1` prints the wall and CPU time of each step of every end-to-end run.
//!
//! `phases --growth SMALL LARGE [RUNS] [DIR]` times events and end-to-end on two catalogs
//! in turn, and prints the growth from one to the other, paired by round (see [`growth`]).

#[path = "phases/growth.rs"]
mod growth;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use yardstick::report::{JsonReportStream, Report};
use yardstick::{
    lint_paths, parse_stream, score, Config, Facts, Keep, Limits, LintOptions, LintReport,
    PolicySet, ScoreOptions, Scorer,
};
use yardstick_benches::{catalog_files, generate, parse_events, round_ratio, TempDir};

/// The median; zero for a phase that was not run (see `PHASES_ONLY`).
fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

/// Whether `phase` is timed: every phase, or those `PHASES_ONLY` (comma-separated) names,
/// for a quicker comparison of two builds (e.g. `PHASES_ONLY=events,end-to-end`).
fn selected(phase: &str) -> bool {
    std::env::var("PHASES_ONLY").map_or(true, |only| only.split(',').any(|p| p == phase))
}

/// CPU time (user + system, all threads) of this process so far, from `/proc/self/stat`
/// (Linux; clock ticks assumed to be 1/100 s). Less disturbed than wall time on a busy
/// machine.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the command name: state is field 3, utime 14, stime 15 (1-based, whole line).
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Wall and CPU time of one run of `f`, whose result is dropped within the time.
fn measure<T>(f: impl FnOnce() -> T) -> (Duration, Option<Duration>) {
    measure_leaving(|| {
        std::hint::black_box(f());
    })
}

/// Wall and CPU time of one run of `f`, whose result is dropped after the time is taken:
/// for a phase that `yardstick` leaves its results to the end of the process.
fn measure_leaving<T>(f: impl FnOnce() -> T) -> (Duration, Option<Duration>) {
    let (cpu0, start) = (cpu_time(), Instant::now());
    let left = std::hint::black_box(f());
    let wall = start.elapsed();
    let cpu = cpu0.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    drop(left);
    (wall, cpu)
}

const PHASES: [&str; 7] = [
    "events",
    "parse",
    "lint",
    "score",
    "score-1t",
    "end-to-end",
    "streamed",
];

/// Peak resident set size of this process in bytes (`VmHWM`, Linux).
fn peak_rss() -> Option<u64> {
    vm("VmHWM")
}

/// A size line of `/proc/self/status` (`VmHWM`, `VmRSS`), in bytes.
fn vm(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `--peak DIR` (`--peak-streamed DIR`): lint and score DIR once, end-to-end (streamed), as
/// timed above; print the peak RSS.
fn peak_child(dir: &std::path::Path, streamed: bool) {
    if streamed {
        let options = yardstick_benches::score_options(dir).expect("facts");
        std::hint::black_box(end_to_end_streamed(dir, &options));
    } else {
        let facts_text = std::fs::read_to_string(dir.join("facts.json")).expect("facts");
        let mut marks = Vec::new();
        std::hint::black_box(end_to_end(dir, &facts_text, &mut |phase| {
            marks.push(format!(
                "{phase} {}",
                vm("VmHWM").zip(vm("VmRSS")).map_or_else(
                    || "unknown".to_string(),
                    |(hwm, rss)| format!(
                        "peak {:.1} MB, now {:.1} MB",
                        hwm as f64 / 1e6,
                        rss as f64 / 1e6
                    ),
                )
            ));
        }));
        eprintln!("after each phase: {}", marks.join("; "));
    }
    println!("peak-rss-bytes {}", peak_rss().expect("VmHWM"));
}

/// Lints and scores `dir` and writes the JSON report to a sink, as `yardstick score` does:
/// the facts (`facts_text`) are parsed while the catalog is linted, and each part is dropped
/// as soon as the report no longer needs it; what is left at the end (the report, the
/// options and their facts, and what scoring left of the lint report, which kept parts)
/// comes back, since the command leaves it to the end of the process. `mark` is called
/// after lint, score and the report.
fn end_to_end(
    dir: &Path,
    facts_text: &str,
    mark: &mut dyn FnMut(&str),
) -> (u64, Report, ScoreOptions, LintReport) {
    let policies = PolicySet::builtin().expect("builtin checks");
    let mut options = options_without_facts(None);
    let without_facts = Scorer::new(&policies, &options).expect("scorer");
    let keep = Keep::Parts(without_facts.entity_parts().expect("bounded reads").clone());
    let lint_options = LintOptions {
        keep,
        ..LintOptions::default()
    };
    let (lint, facts) = std::thread::scope(|scope| {
        let facts = scope.spawn(|| Facts::parse(facts_text).expect("facts"));
        let lint = lint_paths(&[dir.to_path_buf()], &lint_options).expect("lint");
        (lint, facts.join().expect("facts thread"))
    });
    options.facts = facts;
    mark("lint");
    let scorer = Scorer::new(&policies, &options).expect("scorer");
    let (card, lint) = scorer.score_consuming(lint).expect("score");
    mark("score");
    let report = Report::from_owned_scorecard(&lint, card, &policies, &Config::default());
    mark("report");
    let mut out = Counting(0);
    report.write_json(&mut out).expect("write");
    mark("json");
    drop(scorer);
    (out.0, report, options, lint)
}

/// [`end_to_end`] as a stream, as `yardstick score --stream` runs it: the catalog's files
/// are listed, then read (on the workers) as each of the two passes reaches them; each file's
/// results are written (or kept, for the findings) and dropped. The same report, byte for
/// byte.
fn end_to_end_streamed(dir: &Path, options: &ScoreOptions) -> u64 {
    let lint = LintOptions::default();
    let files = yardstick::catalog_files(&[dir.to_path_buf()], &lint).expect("list files");
    let sources = || files.iter().cloned();
    let policies = PolicySet::builtin().expect("builtin checks");
    let scorer = Scorer::new(&policies, options).expect("scorer");
    let head = Report::score_head(&policies, &Config::default());
    let mut json = JsonReportStream::begin(&head, Counting(0)).expect("write");
    let done = scorer
        .score_stream(sources, &LintOptions::default(), |file| {
            json.file(&file.lint, &file.entities).expect("write");
        })
        .expect("score");
    json.finish(&done.summary).expect("write").0
}

/// `PHASES_STEPS=1`: the wall and CPU time of each step of an end-to-end run (lint, score,
/// report, json), printed to stderr after the run, to see which step a change moved.
struct StepMarks {
    start: Option<(Instant, Option<Duration>)>,
    steps: std::cell::RefCell<Vec<(String, Duration, Option<Duration>)>>,
}

impl StepMarks {
    fn new() -> Self {
        let on = std::env::var_os("PHASES_STEPS").is_some();
        StepMarks {
            start: on.then(|| (Instant::now(), cpu_time())),
            steps: std::cell::RefCell::default(),
        }
    }

    fn mark(&self, step: &str) {
        if let Some((start, cpu0)) = self.start {
            let cpu = cpu0.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
            self.steps
                .borrow_mut()
                .push((step.to_string(), start.elapsed(), cpu));
        }
    }

    fn print(&self) {
        let steps = self.steps.borrow();
        let (mut wall0, mut cpu0) = (Duration::ZERO, Duration::ZERO);
        let line: Vec<String> = steps
            .iter()
            .map(|(step, wall, cpu)| {
                let cpu = cpu.unwrap_or_default();
                let text = format!(
                    "{step} {:.0} ms (cpu {:.0} ms)",
                    (*wall - wall0).as_secs_f64() * 1e3,
                    cpu.saturating_sub(cpu0).as_secs_f64() * 1e3
                );
                (wall0, cpu0) = (*wall, cpu);
                text
            })
            .collect();
        if !line.is_empty() {
            eprintln!("end-to-end steps: {}", line.join(", "));
        }
    }
}

/// A sink that counts what it is given.
struct Counting(u64);

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes of the files the end-to-end phase reads: the catalog files and `facts.json`.
fn catalog_bytes(files: &[PathBuf], dir: &std::path::Path) -> u64 {
    files
        .iter()
        .chain(std::iter::once(&dir.join("facts.json")))
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--growth") {
        growth::run(&args[1..]);
        return;
    }
    if let Some(flag @ ("--peak" | "--peak-streamed")) = args.first().map(String::as_str) {
        peak_child(
            Path::new(args.get(1).expect("--peak DIR")),
            flag != "--peak",
        );
        return;
    }
    let entities: usize = args
        .first()
        .map_or(100_000, |a| a.parse().expect("ENTITIES"));
    let runs: usize = args.get(1).map_or(3, |a| a.parse().expect("RUNS")).max(1);
    // Kept alive until the end: the peak-memory child reads the catalog too.
    let temp;
    let dir: PathBuf = match args.get(2) {
        Some(d) => PathBuf::from(d),
        None => {
            temp = TempDir::new("phases").expect("temp dir");
            temp.path().to_path_buf()
        }
    };

    let start = Instant::now();
    let stats = generate(&dir, 1, entities);
    println!(
        "generate: {} entities, {} files, {} bytes in {:.2?}",
        stats.entities,
        stats.files,
        stats.bytes,
        start.elapsed()
    );
    let files = catalog_files(&dir).expect("list files");
    let (wall, cpu) = Inputs::new(&dir, &files).time_rounds(runs);
    print_timings(wall, cpu, runs);
    if selected("memory") {
        print_memory(&dir, &files);
    }
}

/// What the phases work on, prepared before any timing.
struct Inputs<'a> {
    dir: &'a PathBuf,
    files: &'a [PathBuf],
    limits: Limits,
    policies: PolicySet,
    facts_text: String,
    /// The lint report the scoring phases score.
    report: LintReport,
    /// Scoring options on the default thread pool, and on one thread.
    all: ScoreOptions,
    one: ScoreOptions,
}

impl<'a> Inputs<'a> {
    fn new(dir: &'a PathBuf, files: &'a [PathBuf]) -> Self {
        let limits = LintOptions::default().limits;
        let policies = PolicySet::builtin().expect("builtin checks");
        let facts_text = std::fs::read_to_string(dir.join("facts.json")).expect("facts");
        Inputs {
            dir,
            files,
            limits,
            policies,
            // Built only when a scoring phase is timed.
            report: if selected("score") || selected("score-1t") {
                lint(dir)
            } else {
                LintReport::default()
            },
            all: options(&facts_text, None),
            one: options(&facts_text, Some(1)),
            facts_text,
        }
    }

    /// Wall and CPU time of one run of a phase (one of [`PHASES`]).
    fn time(&self, phase: &str) -> (Duration, Option<Duration>) {
        let (report, policies) = (&self.report, &self.policies);
        match phase {
            "events" => measure(|| events(self.files)),
            "parse" => measure(|| {
                self.files
                    .iter()
                    .map(|f| {
                        let text = std::fs::read_to_string(f).expect("read");
                        parse_stream(&text, &self.limits).documents.len()
                    })
                    .sum::<usize>()
            }),
            "lint" => measure(|| lint(self.dir)),
            "score" => measure(|| score(report, policies, &self.all).expect("score")),
            "score-1t" => measure(|| score(report, policies, &self.one).expect("score")),
            "end-to-end" => measure_leaving(|| {
                let marks = StepMarks::new();
                let left = end_to_end(self.dir, &self.facts_text, &mut |step| {
                    marks.mark(step);
                });
                marks.print();
                left
            }),
            _ => measure(|| end_to_end_streamed(self.dir, &options(&self.facts_text, None))),
        }
    }

    /// Every phase, round-robin, `runs` times: wall times per phase (one per round), and
    /// CPU times where `/proc` had them.
    fn time_rounds(&self, runs: usize) -> (Vec<Vec<Duration>>, Vec<Vec<Duration>>) {
        let mut wall: Vec<Vec<Duration>> = vec![Vec::new(); PHASES.len()];
        let mut cpu: Vec<Vec<Duration>> = vec![Vec::new(); PHASES.len()];
        for _ in 0..runs {
            for (i, phase) in PHASES.iter().enumerate().filter(|(_, p)| selected(p)) {
                let (w, c) = self.time(phase);
                wall[i].push(w);
                cpu[i].extend(c);
            }
        }
        (wall, cpu)
    }
}

/// The floor: every file read and parsed to events, on one thread.
fn events(files: &[PathBuf]) -> usize {
    (files.iter())
        .map(|f| parse_events(&std::fs::read_to_string(f).expect("read")))
        .sum()
}

fn lint(dir: &PathBuf) -> LintReport {
    lint_paths(std::slice::from_ref(dir), &LintOptions::default()).expect("lint")
}

fn options(facts_text: &str, threads: Option<usize>) -> ScoreOptions {
    ScoreOptions {
        facts: Facts::parse(facts_text).expect("facts"),
        ..options_without_facts(threads)
    }
}

/// [`options`] before the facts are read.
fn options_without_facts(threads: Option<usize>) -> ScoreOptions {
    ScoreOptions {
        today: Some(yardstick_benches::TODAY.into()),
        threads,
        ..ScoreOptions::default()
    }
}

/// Ratios within each round (the phases of one round ran seconds apart, under about the
/// same load), as their median and range over the rounds.
fn round_ratios(wall: &[Vec<Duration>]) -> String {
    let per_round = |num: usize, den: usize| round_ratio(&wall[num], &wall[den], "x");
    format!(
        "end-to-end / events {}, streamed / events {}, end-to-end / parse {}, lint / parse {}, \
         score / parse {}",
        per_round(5, 0),
        per_round(6, 0),
        per_round(5, 1),
        per_round(2, 1),
        per_round(3, 1),
    )
}

/// The ratios of the phases' medians (`v` in milliseconds, by [`PHASES`] index).
fn ratios(v: &[f64]) -> String {
    let (events, parse, lint, score, e2e, streamed) = (0, 1, 2, 3, 5, 6);
    format!(
        "end-to-end / events {:.2}x, streamed / events {:.2}x, end-to-end / parse {:.2}x, \
         lint / parse {:.2}x, score / parse {:.2}x, parse / events {:.2}x",
        v[e2e] / v[events],
        v[streamed] / v[events],
        v[e2e] / v[parse],
        v[lint] / v[parse],
        v[score] / v[parse],
        v[parse] / v[events],
    )
}

/// The table of medians, then the ratios.
fn print_timings(wall: Vec<Vec<Duration>>, cpu: Vec<Vec<Duration>>, runs: usize) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let round_ratios = round_ratios(&wall);
    let wall: Vec<f64> = wall.into_iter().map(|v| ms(median(v))).collect();
    // CPU medians only if every run had a CPU time.
    let cpu: Option<Vec<f64>> = (cpu.into_iter().zip(PHASES))
        .map(|(v, phase)| (v.len() == runs || !selected(phase)).then(|| ms(median(v))))
        .collect();
    println!("phase        wall (median of {runs})   cpu (median)");
    for (i, name) in PHASES.iter().enumerate() {
        let c = cpu
            .as_ref()
            .map_or_else(|| "-".to_string(), |c| format!("{:.0} ms", c[i]));
        println!("{name:<12} {:>12.1} ms   {c:>12}", wall[i]);
    }
    println!("wall: {}", ratios(&wall));
    println!("wall, per round (median [min .. max] of {runs}): {round_ratios}");
    if let Some(c) = &cpu {
        println!("cpu:  {}", ratios(c));
    }
}

/// Peak memory of the end-to-end and streamed phases, each from a child process (`--peak
/// DIR`, `--peak-streamed DIR`), against the catalog's size on disk and the target.
fn print_memory(dir: &Path, files: &[PathBuf]) {
    let on_disk = catalog_bytes(files, dir);
    let mb = |b: u64| b as f64 / 1e6;
    for (phase, flag) in [("end-to-end", "--peak"), ("streamed", "--peak-streamed")] {
        let child = std::process::Command::new(std::env::current_exe().expect("own path"))
            .arg(flag)
            .arg(dir)
            .output()
            .expect("run the peak-memory child");
        let peak: Option<u64> = String::from_utf8_lossy(&child.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("peak-rss-bytes ")?.trim().parse().ok());
        let Some(peak) = peak else {
            let err = String::from_utf8_lossy(&child.stderr);
            println!("memory: the {phase} peak-memory child failed: {err}");
            continue;
        };
        let limit = 3 * on_disk + 64 * 1_000_000;
        println!(
            "memory: {phase} peak RSS {:.1} MB (separate process); catalog on disk {:.1} MB; \
             peak / disk {:.2}x; target 3 x disk + 64 MB = {:.1} MB: {} ({:.2}x of the target)",
            mb(peak),
            mb(on_disk),
            peak as f64 / on_disk as f64,
            mb(limit),
            if peak <= limit { "met" } else { "missed" },
            peak as f64 / limit as f64,
        );
    }
}
