//! How often each built-in check's result is reused for an entity whose reads equal an
//! earlier one's (memoisation, see `Scorer::score_counting`), and what scoring costs with
//! and without it:
//!
//! ```text
//! cargo run --release -p yardstick-benches --example memo -- [ENTITIES] [RUNS] [DIR]
//! ```
//!
//! Generates a catalog of ENTITIES (default 10000) into DIR (default: a temporary
//! directory), lints it, scores it once on one thread to count (the counts do not depend
//! on the build or the machine), then times scoring with memoisation and with plain
//! evaluation, one thread and the default pool, RUNS rounds (default 3) round-robin.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use yardstick::{lint_paths, Facts, LintOptions, PolicySet, ScoreOptions, Scorer};
use yardstick_benches::{generate, round_ratio, TempDir};

fn options(facts: &Facts, threads: Option<usize>, plain: bool) -> ScoreOptions {
    ScoreOptions {
        facts: facts.clone(),
        today: Some(yardstick_benches::TODAY.into()),
        threads,
        plain_evaluation: plain,
        ..ScoreOptions::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let entities: usize = args
        .first()
        .map_or(10_000, |a| a.parse().expect("ENTITIES"));
    let runs: usize = args.get(1).map_or(3, |a| a.parse().expect("RUNS")).max(1);
    let temp;
    let dir: PathBuf = match args.get(2) {
        Some(d) => PathBuf::from(d),
        None => {
            temp = TempDir::new("memo").expect("temp dir");
            temp.path().to_path_buf()
        }
    };
    let stats = generate(&dir, 1, entities);
    println!(
        "catalog: {} entities, {} files",
        stats.entities, stats.files
    );
    let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).expect("lint");
    let policies = PolicySet::builtin().expect("builtin checks");
    let facts_text = std::fs::read_to_string(dir.join("facts.json")).expect("facts");
    let facts = Facts::parse(&facts_text).expect("facts");

    let counting = options(&facts, Some(1), false);
    let scorer = Scorer::new(&policies, &counting).expect("compile");
    let (_, counts) = scorer.score_counting(&report).expect("score");
    println!("check           evaluations  distinct    reused  hit rate  unkeyed  key paths");
    let (mut all, mut reused) = (0, 0);
    for s in &counts {
        let rate = s.reused as f64 / s.evaluations.max(1) as f64 * 100.0;
        let keyed = match (&s.not_memoised, s.given_up_after) {
            (Some(why), _) => format!("not memoised: {why}"),
            (None, Some(after)) => format!("given up after {after}; {}", s.paths.join(", ")),
            (None, None) => s.paths.join(", "),
        };
        println!(
            "{:<15} {:>11} {:>9} {:>9} {:>8.1}% {:>8}  {keyed}",
            s.check, s.evaluations, s.distinct, s.reused, rate, s.unkeyed
        );
        all += s.evaluations;
        reused += s.reused;
    }
    println!(
        "all checks      {all:>11} {:>9} {reused:>9} {:>8.1}%",
        "-",
        reused as f64 / all.max(1) as f64 * 100.0
    );

    let variants = [
        ("memo, 1 thread", options(&facts, Some(1), false)),
        ("plain, 1 thread", options(&facts, Some(1), true)),
        ("memo, default", options(&facts, None, false)),
        ("plain, default", options(&facts, None, true)),
    ];
    let scorers: Vec<Scorer<'_>> = variants
        .iter()
        .map(|(_, o)| Scorer::new(&policies, o).expect("compile"))
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for _ in 0..runs {
        for (i, scorer) in scorers.iter().enumerate() {
            let start = Instant::now();
            std::hint::black_box(scorer.score(&report).expect("score"));
            times[i].push(start.elapsed());
        }
    }
    let median = |v: &[Duration]| {
        let mut v = v.to_vec();
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    for (i, (name, _)) in variants.iter().enumerate() {
        println!(
            "score, {name:<16} {:>10.1} ms (median of {runs})",
            median(&times[i])
        );
    }
    let ratio = |memo: usize, plain: usize| round_ratio(&times[memo], &times[plain], "");
    println!(
        "memo / plain, per round (median [min .. max]): 1 thread {}, default pool {}",
        ratio(0, 1),
        ratio(2, 3)
    );
}
