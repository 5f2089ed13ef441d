//! The score history's growth and speed: 30 runs of a synthetic 100k-entity report in
//! which 1 % of the check results change per run, recorded into SQLite and (when
//! `YARDSTICK_TEST_POSTGRES_URL` names a server) PostgreSQL. Prints, per backend, the
//! recording time of each run and the database size after the first and the last run.
//!
//! When `YARDSTICK_BIN` and `GEN_CATALOG_BIN` name release binaries, it also times the
//! scoring a run records: `yardstick score` of a generated catalog of as many entities
//! (`gen-catalog --seed 1`), before each backend, and prints recording time / scoring time.
//!
//! ```sh
//! cargo build --release -p yardstick-cli --bin yardstick -p yardstick-benches --bin gen-catalog
//! YARDSTICK_BIN=target/release/yardstick GEN_CATALOG_BIN=target/release/gen-catalog \
//!   cargo run --release -p yardstick-store --example history_bench -- [ENTITIES] [RUNS]
//! ```

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Connection, Executor};
use yardstick::report::{Report, Summary, REPORT_VERSION};
use yardstick::{
    CheckResult, CheckSeverity, CheckStatus, EntityScore, GateResult, Level, LevelCounts, Location,
    SharedStr,
};
use yardstick_store::{RunMeta, Store};

/// The built-in checks' ids and severities.
const CHECKS: [(&str, CheckSeverity); 7] = [
    ("ci-passing", CheckSeverity::Critical),
    ("has-backups", CheckSeverity::Medium),
    ("has-cost-tags", CheckSeverity::Low),
    ("has-monitoring", CheckSeverity::High),
    ("has-oncall", CheckSeverity::Medium),
    ("has-owner", CheckSeverity::Critical),
    ("has-techdocs", CheckSeverity::High),
];

/// A deterministic xorshift generator: every run of the benchmark changes the same cells.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check(
    id: &str,
    severity: CheckSeverity,
    pass: bool,
    file: &SharedStr,
    line: u32,
) -> CheckResult {
    CheckResult {
        id: SharedStr::from(id),
        status: if pass {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        severity,
        weight: severity.weight(),
        message: SharedStr::from(if pass {
            format!("{id}: the entity meets the check")
        } else {
            format!("{id}: the annotation or fact this check needs is missing")
        }),
        pointer: Some(SharedStr::from("/metadata/annotations")),
        location: Some(Location {
            file: file.clone(),
            line,
            column: 3,
            end_line: line + 2,
            end_column: 1,
        }),
    }
}

/// Score and level of `entity` from its checks, as yardstick's default levels give them.
fn rescore(entity: &mut EntityScore) {
    let (mut passed, mut scored, mut worst) = (0.0, 0.0, None);
    for c in &entity.checks {
        scored += c.weight;
        if c.status == CheckStatus::Pass {
            passed += c.weight;
        } else {
            worst = worst.min(Some(c.severity)).or(Some(c.severity));
        }
    }
    entity.score = Some(100.0 * passed / scored);
    entity.level = Some(match worst {
        None => Level::Gold,
        Some(CheckSeverity::Medium | CheckSeverity::Low) => Level::Silver,
        Some(CheckSeverity::High) => Level::Bronze,
        Some(CheckSeverity::Critical) => Level::None,
    });
}

fn catalog(entities: usize, random: &mut Random) -> Report {
    let entities = (0..entities)
        .map(|i| {
            let file = SharedStr::from(format!(
                "services/team-{}/service-{i}/catalog-info.yaml",
                i % 200
            ));
            let mut entity = EntityScore {
                reference: format!("component:default/service-{i}"),
                kind: SharedStr::from("Component"),
                owner: Some(SharedStr::from(format!("group:default/team-{}", i % 200))),
                system: Some(SharedStr::from(format!(
                    "system:default/system-{}",
                    i % 1000
                ))),
                score: None,
                level: None,
                checks: CHECKS
                    .iter()
                    .enumerate()
                    .map(|(n, (id, severity))| {
                        check(id, *severity, random.next() % 4 != 0, &file, 8 + n as u32)
                    })
                    .collect(),
                file,
            };
            rescore(&mut entity);
            entity
        })
        .collect::<Vec<_>>();
    Report {
        version: REPORT_VERSION,
        yardstick_version: Some("0.1.0".into()),
        policy_digest: Some(format!("sha256:{:064x}", 1)),
        config_digest: Some(format!("sha256:{:064x}", 2)),
        paths: vec!["services".into()],
        checks: Vec::new(),
        summary: Summary {
            entities: entities.len(),
            score: None,
            levels: LevelCounts::default(),
            owners: Vec::new(),
            systems: Vec::new(),
            expired_exemptions: Vec::new(),
            gate: GateResult {
                passed: true,
                reasons: Vec::new(),
            },
        },
        entities,
        findings: Vec::new(),
        comparison: None,
        scan: None,
    }
}

/// Flips the status of `share` of all check results.
fn change(report: &mut Report, share: f64, random: &mut Random) {
    let cells = report.entities.len() * CHECKS.len();
    let flips = (cells as f64 * share).round() as usize;
    for _ in 0..flips {
        let cell = (random.next() % cells as u64) as usize;
        let entity = &mut report.entities[cell / CHECKS.len()];
        let n = cell % CHECKS.len();
        let old = &entity.checks[n];
        let (id, severity) = CHECKS[n];
        let line = old.location.as_ref().map_or(1, |l| l.line);
        entity.checks[n] = check(
            id,
            severity,
            old.status != CheckStatus::Pass,
            &entity.file,
            line,
        );
        rescore(entity);
    }
}

async fn size(address: &str) -> u64 {
    if let Some(path) = address.strip_prefix("sqlite:") {
        let mut conn = AnyConnection::connect(&format!("sqlite://{path}"))
            .await
            .expect("connect");
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint");
        conn.close().await.expect("close");
        let wal = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
        std::fs::metadata(path).expect("the database file").len() + wal
    } else {
        let mut conn = AnyConnection::connect(address).await.expect("connect");
        let bytes: i64 = sqlx::query_scalar(
            // Every table of the store with its indexes and TOAST (views have no storage).
            "SELECT CAST(SUM(pg_total_relation_size(oid)) AS BIGINT) FROM pg_class \
             WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
        )
        .fetch_one(&mut conn)
        .await
        .expect("sizes");
        bytes as u64
    }
}

/// A generated catalog of `entities` entities in `dir`, when `GEN_CATALOG_BIN` is set.
fn generate_catalog(dir: &Path, entities: usize) -> Option<std::path::PathBuf> {
    let generator = std::env::var("GEN_CATALOG_BIN").ok()?;
    let catalog = dir.join("catalog");
    let status = Command::new(generator)
        .arg(&catalog)
        .args(["--seed", "1", "--entities", &entities.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("gen-catalog runs");
    assert!(status.success(), "gen-catalog failed");
    Some(catalog)
}

/// Wall time of `yardstick score CATALOG --format json` (the report a run records).
fn scoring_time(catalog: &Path, out: &Path) -> Option<Duration> {
    let yardstick = std::env::var("YARDSTICK_BIN").ok()?;
    let began = Instant::now();
    let status = Command::new(yardstick)
        .arg("score")
        .arg(catalog)
        .args(["--format", "json", "--output"])
        .arg(out)
        .status()
        .expect("yardstick runs");
    let took = began.elapsed();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "yardstick score failed"
    );
    Some(took)
}

async fn bench(name: &str, address: &str, entities: usize, runs: usize, scoring: Option<Duration>) {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut report = catalog(entities, &mut random);
    let store = Store::open(address).await.expect("open");
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T02:00:00Z")
        .expect("time")
        .to_utc();
    let mut times: Vec<Duration> = Vec::new();
    let mut first_size = 0;
    println!(
        "{name}: {entities} entities × {} checks, {runs} runs, 1 % of cells changing",
        CHECKS.len()
    );
    for run in 0..runs {
        if run > 0 {
            change(&mut report, 0.01, &mut random);
        }
        let at = start + chrono::Duration::days(run as i64);
        let began = Instant::now();
        let recorded = store
            .record(&report, &RunMeta::at(at))
            .await
            .expect("record");
        let took = began.elapsed();
        times.push(took);
        if run == 0 {
            first_size = size(address).await;
        }
        println!(
            "  run {:>2}: {:>8.3} s  entities +{:<6} checks +{:<6}",
            recorded.run,
            took.as_secs_f64(),
            recorded.entities_opened,
            recorded.checks_opened
        );
    }
    store.close().await;
    let last_size = size(address).await;
    let mut steady: Vec<Duration> = times[1..].to_vec();
    steady.sort();
    let median = steady.get(steady.len() / 2).copied().unwrap_or_default();
    println!(
        "{name}: first run {:.3} s, steady median {:.3} s [{:.3} .. {:.3}]; size after run 1 {:.1} MB, after run {runs} {:.1} MB: {:.2}×",
        times[0].as_secs_f64(),
        median.as_secs_f64(),
        steady.first().copied().unwrap_or_default().as_secs_f64(),
        steady.last().copied().unwrap_or_default().as_secs_f64(),
        first_size as f64 / 1e6,
        last_size as f64 / 1e6,
        last_size as f64 / first_size as f64
    );
    if let Some(scoring) = scoring {
        println!(
            "{name}: yardstick score {:.3} s; recording / scoring: first run {:.2}, steady median {:.2}, steady max {:.2}",
            scoring.as_secs_f64(),
            times[0].as_secs_f64() / scoring.as_secs_f64(),
            median.as_secs_f64() / scoring.as_secs_f64(),
            steady.last().copied().unwrap_or_default().as_secs_f64() / scoring.as_secs_f64()
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let entities: usize = args
        .next()
        .map_or(100_000, |a| a.parse().expect("ENTITIES"));
    let runs: usize = args.next().map_or(30, |a| a.parse().expect("RUNS"));
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = format!("sqlite:{}", dir.path().join("history.db").display());
    let catalog = generate_catalog(dir.path(), entities);
    let report = dir.path().join("report.json");
    let score = || {
        let took = catalog.as_deref().and_then(|c| scoring_time(c, &report));
        if let Some(took) = took {
            println!(
                "yardstick score of {entities} generated entities: {:.3} s",
                took.as_secs_f64()
            );
        }
        took
    };
    // HISTORY_BENCH_POSTGRES_ONLY=1 runs the PostgreSQL half alone (e.g. beside an SQLite run).
    if std::env::var_os("HISTORY_BENCH_POSTGRES_ONLY").is_none() {
        bench("SQLite", &sqlite, entities, runs, score()).await;
    }
    if let Ok(server) = std::env::var("YARDSTICK_TEST_POSTGRES_URL") {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(&server).await.expect("PostgreSQL");
        let database = if std::env::var_os("HISTORY_BENCH_POSTGRES_ONLY").is_some() {
            "yardstick_bench_postgres"
        } else {
            "yardstick_bench"
        };
        conn.execute(&*format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            .await
            .expect("drop");
        conn.execute(&*format!("CREATE DATABASE {database}"))
            .await
            .expect("create");
        let mut url = url::Url::parse(&server).expect("URL");
        url.set_path(database);
        bench("PostgreSQL", url.as_str(), entities, runs, score()).await;
    }
}
