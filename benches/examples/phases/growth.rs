//! `phases --growth SMALL LARGE [RUNS] [DIR]`: how end-to-end time grows from a catalog of
//! SMALL entities to one of LARGE (the acceptance's 10k → 100k), next to how the floor
//! (saphyr events, one thread) grows.
//!
//! Two catalogs are generated (`DIR/small`, `DIR/large`; default: a temporary directory).
//! Each round times events and end-to-end on both, the sizes taking turns at going first,
//! so that a pair of runs being compared is seconds apart. The small catalog's time in a
//! round is the mean of LARGE / SMALL runs in a row, so that both sides of a ratio span
//! about as long a stretch of the machine's load: a single 10k run lasts half a second,
//! and one burst of load moved it by a fifth. The per-round ratios are paired, and their
//! median and range are the figure.

use std::path::{Path, PathBuf};
use std::time::Duration;

use yardstick_benches::{catalog_files, generate, round_ratio, TempDir};

/// One catalog: where it is, its files and its facts.
struct Catalog {
    entities: usize,
    dir: PathBuf,
    files: Vec<PathBuf>,
    facts_text: String,
}

impl Catalog {
    fn generate(entities: usize, dir: PathBuf) -> Catalog {
        let stats = generate(&dir, 1, entities);
        println!(
            "generate: {} entities, {} files, {} bytes in {}",
            stats.entities,
            stats.files,
            stats.bytes,
            dir.display()
        );
        let files = catalog_files(&dir).expect("list files");
        let facts_text = std::fs::read_to_string(dir.join("facts.json")).expect("facts");
        Catalog {
            entities,
            dir,
            files,
            facts_text,
        }
    }

    /// Mean wall and CPU time of `repeats` runs of the floor, then of end-to-end.
    fn time(&self, repeats: u32) -> [(Duration, Option<Duration>); 2] {
        let mean = |measure: &dyn Fn() -> (Duration, Option<Duration>)| {
            let runs: Vec<_> = (0..repeats).map(|_| measure()).collect();
            let wall = runs.iter().map(|r| r.0).sum::<Duration>() / repeats;
            let cpu = (runs.iter().map(|r| r.1))
                .sum::<Option<Duration>>()
                .map(|c| c / repeats);
            (wall, cpu)
        };
        [
            mean(&|| super::measure(|| super::events(&self.files))),
            mean(&|| {
                super::measure_leaving(|| {
                    super::end_to_end(&self.dir, &self.facts_text, &mut |_| {})
                })
            }),
        ]
    }
}

/// Times per catalog (small, large) and measure (events, end-to-end), one per round.
#[derive(Default)]
struct Times {
    wall: [[Vec<Duration>; 2]; 2],
    cpu: [[Vec<Duration>; 2]; 2],
}

/// Runs `phases --growth`; `args` are what follows the flag.
pub(super) fn run(args: &[String]) {
    let number = |i: usize, default: usize, what: &str| {
        args.get(i)
            .map_or(default, |a| a.parse().unwrap_or_else(|_| panic!("{what}")))
    };
    let (small, large) = (number(0, 10_000, "SMALL"), number(1, 100_000, "LARGE"));
    assert!(
        0 < small && small <= large,
        "SMALL must be at least 1 and at most LARGE"
    );
    let runs = number(2, 5, "RUNS").max(1);
    let temp;
    let dir: &Path = match args.get(3) {
        Some(d) => Path::new(d),
        None => {
            temp = TempDir::new("growth").expect("temp dir");
            temp.path()
        }
    };
    let catalogs = [
        Catalog::generate(small, dir.join("small")),
        Catalog::generate(large, dir.join("large")),
    ];
    let repeats = [u32::try_from(large / small.max(1)).unwrap_or(1).max(1), 1];
    let mut times = Times::default();
    for round in 0..runs {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for size in order {
            let measured = catalogs[size].time(repeats[size]);
            for (measure, (wall, cpu)) in measured.into_iter().enumerate() {
                times.wall[size][measure].push(wall);
                times.cpu[size][measure].extend(cpu);
            }
        }
    }
    print_growth(&catalogs, &times, runs);
}

/// The medians per catalog, then the paired growth ratios.
fn print_growth(catalogs: &[Catalog; 2], times: &Times, runs: usize) {
    let ms = |v: &[Duration]| super::median(v.to_vec()).as_secs_f64() * 1e3;
    for (catalog, (wall, cpu)) in catalogs.iter().zip(times.wall.iter().zip(&times.cpu)) {
        println!(
            "{} entities: events {:.1} ms (cpu {:.0} ms), end-to-end {:.1} ms (cpu {:.0} ms), \
             end-to-end / events per round {}",
            catalog.entities,
            ms(&wall[0]),
            ms(&cpu[0]),
            ms(&wall[1]),
            ms(&cpu[1]),
            round_ratio(&wall[1], &wall[0], "x"),
        );
    }
    let (from, to) = (catalogs[0].entities, catalogs[1].entities);
    for (name, measure) in [("end-to-end", 1), ("events", 0)] {
        let wall = round_ratio(&times.wall[1][measure], &times.wall[0][measure], "x");
        let cpu = if times.cpu[0][measure].len() == runs && times.cpu[1][measure].len() == runs {
            round_ratio(&times.cpu[1][measure], &times.cpu[0][measure], "x")
        } else {
            "-".to_string()
        };
        println!(
            "growth {from} -> {to}, {name}, per round (median [min .. max] of {runs}): \
             wall {wall}, cpu {cpu}"
        );
    }
}
