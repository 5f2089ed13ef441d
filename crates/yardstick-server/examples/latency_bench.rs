//! Serving latency (issue 15): p50/p99 of Tech Insights `runChecks`
//! (`POST /api/tech-insights/checks/run/default/Component/{name}`) and of the dashboard's
//! entity page (`GET /entity/component/default/{name}`), each under CLIENTS concurrent
//! clients with a keep-alive connection each, against `yardstick serve`'s application on a
//! real TCP listener, over an SQLite store holding RUNS runs of ENTITIES synthetic
//! entities in which 1 % of the check results change per run.
//!
//! ```sh
//! cargo run --release -p yardstick-server --example latency_bench -- \
//!   [ENTITIES=10000] [RUNS=30] [REQUESTS_PER_CLIENT=500] [CLIENTS=4] [STORE_PATH]
//! ```
//!
//! A STORE_PATH that already holds RUNS runs is reused as it is (recording takes a while).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use yardstick::PolicySet;
use yardstick_server::{app, serve, ServerConfig};
use yardstick_store::{parse_report, RunMeta, Store};

/// Check ids with their severities and weights.
const CHECKS: [(&str, &str, f64); 7] = [
    ("ci-passing", "critical", 10.0),
    ("has-backups", "medium", 3.0),
    ("has-cost-tags", "low", 1.0),
    ("has-monitoring", "high", 5.0),
    ("has-oncall", "medium", 3.0),
    ("has-owner", "critical", 10.0),
    ("has-techdocs", "high", 5.0),
];

/// A deterministic xorshift generator: every run of the benchmark is the same.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

/// The catalog's pass/fail cells: `passes[entity][check]`.
type Cells = Vec<[bool; CHECKS.len()]>;

/// A score report (JSON) of `cells`, scored as yardstick's default levels score it.
fn report(cells: &Cells) -> Value {
    let entities: Vec<Value> = cells
        .iter()
        .enumerate()
        .map(|(i, passes)| {
            let file = format!("services/service-{i}/catalog-info.yaml");
            let (mut passed, mut total, mut worst) = (0.0, 0.0, 0);
            let checks: Vec<Value> = CHECKS
                .iter()
                .zip(passes)
                .enumerate()
                .map(|(n, (&(id, severity, weight), &pass))| {
                    total += weight;
                    if pass {
                        passed += weight;
                    } else {
                        worst = worst.max(rank(severity));
                    }
                    json!({"id": id, "status": if pass { "pass" } else { "fail" },
                        "severity": severity, "weight": weight,
                        "message": if pass { "met" } else { "the annotation is missing" },
                        "pointer": "/metadata/annotations",
                        "location": {"file": file, "line": 8 + n, "column": 3,
                            "end_line": 9 + n, "end_column": 1}})
                })
                .collect();
            let level = ["gold", "silver", "bronze", "none"][worst];
            json!({"ref": format!("component:default/service-{i}"), "kind": "Component",
                "file": file, "owner": format!("group:default/team-{}", i % 200),
                "system": format!("system:default/system-{}", i % 1000),
                "score": 100.0 * passed / total, "level": level, "checks": checks})
        })
        .collect();
    json!({"version": 1, "checks": [], "findings": [], "entities": entities,
        "summary": {"entities": cells.len(), "score": null, "owners": [], "systems": [],
            "levels": {"gold": 0, "silver": 0, "bronze": 0, "none": 0},
            "expired_exemptions": [], "gate": {"passed": true, "reasons": []}}})
}

/// 0 (no failure) to 3 (a critical failure): the level a failing check leaves.
fn rank(severity: &str) -> usize {
    match severity {
        "critical" => 3,
        "high" => 2,
        _ => 1,
    }
}

/// Records `runs` runs of `entities` entities, flipping 1 % of the cells between runs.
async fn record(store: &Store, entities: usize, runs: usize) -> Result<(), String> {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut cells: Cells = (0..entities)
        .map(|_| std::array::from_fn(|_| random.below(4) != 0))
        .collect();
    let flips = entities * CHECKS.len() / 100;
    for run in 0..runs {
        if run > 0 {
            for _ in 0..flips {
                let entity = random.below(entities);
                let check = random.below(CHECKS.len());
                if let Some(cell) = cells.get_mut(entity).and_then(|c| c.get_mut(check)) {
                    *cell = !*cell;
                }
            }
        }
        let text = report(&cells).to_string();
        let report = parse_report(&text).map_err(|e| e.to_string())?;
        let at = chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(20_000 + run as i64);
        let started = Instant::now();
        store
            .record(&report, &RunMeta::at(at))
            .await
            .map_err(|e| e.to_string())?;
        eprintln!("recorded run {} in {:.2?}", run + 1, started.elapsed());
    }
    Ok(())
}

/// One keep-alive HTTP/1.1 connection.
struct Client {
    stream: BufReader<TcpStream>,
    host: String,
}

impl Client {
    async fn connect(address: std::net::SocketAddr) -> Result<Client, String> {
        let stream = TcpStream::connect(address)
            .await
            .map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Client {
            stream: BufReader::new(stream),
            host: address.to_string(),
        })
    }

    /// Sends one request and reads the whole answer: its status and body length.
    async fn request(
        &mut self,
        method: &str,
        path: &str,
        body: &str,
    ) -> Result<(u16, usize), String> {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        let io = |e: std::io::Error| e.to_string();
        self.stream
            .get_mut()
            .write_all(head.as_bytes())
            .await
            .map_err(io)?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await.map_err(io)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("not an HTTP status line: {line:?}"))?;
        let mut length = None;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.map_err(io)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
        }
        let length = length.ok_or("an answer without Content-Length")?;
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.map_err(io)?;
        Ok((status, length))
    }
}

/// p50 and p99 of `latencies` (sorted here), and the mean.
fn percentiles(latencies: &mut [Duration]) -> (Duration, Duration, Duration) {
    latencies.sort();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1);
        latencies.get(index).copied().unwrap_or_default()
    };
    let total: Duration = latencies.iter().sum();
    let mean = total / u32::try_from(latencies.len().max(1)).unwrap_or(u32::MAX);
    (at(0.50), at(0.99), mean)
}

/// `clients` clients each sending `requests` requests for random entities; the latencies.
async fn load(
    address: std::net::SocketAddr,
    entities: usize,
    clients: usize,
    requests: usize,
    page: bool,
) -> Result<(Vec<Duration>, Duration), String> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        tasks.push(tokio::spawn(async move {
            let mut connection = Client::connect(address).await?;
            let mut random = Random(0x2545_f491_4f6c_dd1d + client as u64);
            let mut latencies = Vec::with_capacity(requests);
            for _ in 0..requests {
                let name = format!("service-{}", random.below(entities));
                let (method, path, body) = if page {
                    ("GET", format!("/entity/component/default/{name}"), "")
                } else {
                    (
                        "POST",
                        format!("/api/tech-insights/checks/run/default/Component/{name}"),
                        "{}",
                    )
                };
                let sent = Instant::now();
                let (status, _) = connection.request(method, &path, body).await?;
                latencies.push(sent.elapsed());
                if status != 200 {
                    return Err(format!("{method} {path}: {status}"));
                }
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok((all, started.elapsed()))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn argument(index: usize, default: usize) -> Result<usize, String> {
    match std::env::args().nth(index) {
        Some(text) => text
            .parse()
            .map_err(|_| format!("argument {index} ({text:?}) must be a count")),
        None => Ok(default),
    }
}

async fn run() -> Result<(), String> {
    let entities = argument(1, 10_000)?.max(1);
    let runs = argument(2, 30)?.max(1);
    let requests = argument(3, 500)?.max(1);
    let clients = argument(4, 4)?.max(1);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = std::env::args()
        .nth(5)
        .unwrap_or_else(|| dir.path().join("history.db").display().to_string());
    let store = Store::open(&path).await.map_err(|e| e.to_string())?;
    let recorded = store.runs().await.map_err(|e| e.to_string())?.len();
    if recorded == 0 {
        record(&store, entities, runs).await?;
    } else if recorded != runs {
        return Err(format!("{path} holds {recorded} runs, not {runs}"));
    }
    let counts = store.counts().await.map_err(|e| e.to_string())?;
    let config = ServerConfig::new(PolicySet::builtin().map_err(|e| e.to_string())?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, app(store, &config), async {
        let _ = stopped.await;
    }));
    // The first request reads the latest run into memory; it is not timed.
    let started = Instant::now();
    load(address, entities, 1, 1, false).await?;
    println!(
        "store: {runs} runs of {entities} entities, {} entity and {} check intervals; \
         first request (reads the latest run) {:.2?}",
        counts.entity_intervals,
        counts.check_intervals,
        started.elapsed()
    );
    println!("load average before: {}", load_average());
    println!("{clients} clients x {requests} requests each");
    for (name, page) in [("runChecks", false), ("entity page", true)] {
        let (mut latencies, took) = load(address, entities, clients, requests, page).await?;
        let (p50, p99, mean) = percentiles(&mut latencies);
        println!(
            "{name}: p50 {:.2} ms, p99 {:.2} ms, mean {:.2} ms, {:.0} requests/s",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            mean.as_secs_f64() * 1e3,
            latencies.len() as f64 / took.as_secs_f64()
        );
    }
    println!("load average after: {}", load_average());
    let _ = stop.send(());
    server
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("latency_bench: {error}");
        std::process::exit(2);
    }
}
