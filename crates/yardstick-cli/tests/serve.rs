//! `yardstick serve`: the binary records nothing, serves a recorded history on the address
//! it prints, and stops cleanly on SIGTERM.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use common::{repo, yardstick};

/// A plain HTTP/1.1 request; the whole answer (head and body).
fn http(address: &str, method: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
#[cfg(unix)]
fn serves_the_recorded_demo_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db").display().to_string();
    let demo = repo().join("fixtures/demo");
    let facts = demo.join("facts.json");
    let out = yardstick(
        &[
            "score",
            demo.to_str().expect("path"),
            "--facts",
            facts.to_str().expect("path"),
            "--format",
            "json",
            "--record",
            "--db",
            &db,
        ],
        dir.path(),
    );
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{out:?}"
    );

    let (server, mut stderr, address) = start(&["--db", &db]);
    let mut server = server;
    assert!(address.starts_with("127.0.0.1:"), "{address}");

    let health = http(&address, "GET", "/healthz", "");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(r#""latest_run":1"#), "{health}");
    let run = http(
        &address,
        "POST",
        "/api/tech-insights/checks/run/default/Component/fleet-manager",
        r#"{"checks": ["has-owner"]}"#,
    );
    assert!(run.starts_with("HTTP/1.1 200"), "{run}");
    assert!(run.contains(r#""result":true"#), "{run}");

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = server.wait().expect("wait");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("stderr");
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("yardstick: stopped"), "{rest}");
}

/// Starts `yardstick serve ARGS` on a free port; the child and its address.
fn start(
    args: &[&str],
) -> (
    std::process::Child,
    BufReader<std::process::ChildStderr>,
    String,
) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("YARDSTICK_INGEST_TOKEN")
        .env_remove("YARDSTICK_READ_TOKEN")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut stderr = BufReader::new(server.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("the serving line");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split([' ', '/']).next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (server, stderr, address)
}

#[test]
#[cfg(unix)]
fn an_ingested_report_shows_in_history_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db").display().to_string();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "t0ken-for-ci\n").expect("token file");
    let demo = repo().join("fixtures/demo");
    let out = yardstick(
        &["score", demo.to_str().expect("path"), "--format", "json"],
        dir.path(),
    );
    let report = String::from_utf8(out.stdout).expect("report");
    let (mut server, _stderr, address) = start(&[
        "--db",
        &db,
        "--ingest-token-file",
        token_file.to_str().expect("path"),
    ]);
    let answer = http_with(
        &address,
        "/api/v1/runs?commit=cafe",
        "Bearer t0ken-for-ci",
        &report,
    );
    let refused = http_with(&address, "/api/v1/runs", "Bearer guess", &report);
    let _ = server.kill();
    let _ = server.wait();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(
        !refused.contains("guess") && !refused.contains("t0ken"),
        "{refused}"
    );
    let runs = yardstick(
        &["history", "runs", "--db", &db, "--format", "json"],
        dir.path(),
    );
    let runs: serde_json::Value = serde_json::from_slice(&runs.stdout).expect("runs JSON");
    assert_eq!(runs.as_array().map(Vec::len), Some(1), "{runs}");
    assert_eq!(runs[0]["commits"], serde_json::json!(["cafe"]));
}

/// A POST with an Authorization header.
fn http_with(address: &str, path: &str, authorization: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: {authorization}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
fn an_empty_ingest_token_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db").display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(["serve", "--db", &db, "--listen", "127.0.0.1:0"])
        .env("YARDSTICK_INGEST_TOKEN", " ")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the ingest token in $YARDSTICK_INGEST_TOKEN is empty"),
        "{stderr}"
    );
}

#[test]
fn cors_origins_must_be_origins() {
    let dir = tempfile::tempdir().expect("tempdir");
    for bad in [
        "backstage.example.com",
        "https://backstage.example.com/",
        "ftp://x.example",
    ] {
        let out = yardstick(&["serve", "--db", "h.db", "--cors-origin", bad], dir.path());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not an origin"),
            "{bad}"
        );
    }
}

#[test]
fn a_zero_request_timeout_and_a_busy_address_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db").display().to_string();
    let out = yardstick(
        &["serve", "--db", &db, "--request-timeout", "0s"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--request-timeout"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = taken.local_addr().expect("address").to_string();
    let out = yardstick(&["serve", "--db", &db, "--listen", &address], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "{stderr}"
    );
}

#[test]
#[cfg(unix)]
fn with_a_read_token_reads_need_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db").display().to_string();
    let token_file = dir.path().join("read-token");
    std::fs::write(&token_file, "r3ad-token\n").expect("token file");
    let (mut server, mut stderr, address) = start(&[
        "--db",
        &db,
        "--read-token-file",
        token_file.to_str().expect("path"),
    ]);
    let path = "/api/tech-insights/checks/run";
    let body = r#"{"entities": []}"#;
    let health = http(&address, "GET", "/healthz", "");
    let without = http(&address, "POST", path, body);
    let wrong = http_with(&address, path, "Bearer r3ad-tokem", body);
    let with = http_with(&address, path, "Bearer r3ad-token", body);
    let _ = server.kill();
    let _ = server.wait();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("stderr");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(without.starts_with("HTTP/1.1 401"), "{without}");
    assert!(without.contains("AuthenticationError"), "{without}");
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    assert!(!wrong.contains("r3ad"), "{wrong}");
    assert!(with.starts_with("HTTP/1.1 200"), "{with}");
    assert!(!rest.contains("r3ad"), "{rest}");
}

#[test]
fn bad_read_settings_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db").display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(["serve", "--db", &db, "--listen", "127.0.0.1:0"])
        .env("YARDSTICK_READ_TOKEN", "\n")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the read token in $YARDSTICK_READ_TOKEN is empty"),
        "{stderr}"
    );
    for bad in [
        "backstage.example.com",
        "ftp://backstage.example.com",
        "https://b.example/?x",
    ] {
        let out = yardstick(&["serve", "--db", &db, "--backstage-url", bad], dir.path());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--backstage-url"), "{bad}: {stderr}");
    }
}
