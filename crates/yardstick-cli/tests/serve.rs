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

    let mut server = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(["serve", "--db", &db, "--listen", "127.0.0.1:0"])
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
    assert!(address.starts_with("127.0.0.1:"), "{line}");

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
