//! The fake's own contract, over raw HTTP/1.1 (no client library in between).

use std::io::{Read, Write};
use std::net::TcpStream;

use github_fake::{FakeGitHub, DEFAULT_TOKEN};

struct Reply {
    status: u16,
    head: String,
    body: String,
}

fn send(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let url = url::Url::parse(base).expect("base url");
    let host = format!(
        "{}:{}",
        url.host_str().expect("host"),
        url.port().expect("port")
    );
    let mut stream = TcpStream::connect(&host).expect("connect");
    let mut request = format!(
        "{method} {}{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        url.path().trim_end_matches('/'),
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn header(reply: &Reply, name: &str) -> Option<String> {
    reply.head.lines().find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    })
}

const AUTH: (&str, &str) = (
    "Authorization",
    "Bearer ghp_fake0000000000000000000000000000000",
);

#[test]
fn requests_without_the_expected_token_get_401() {
    assert!(AUTH.1.ends_with(DEFAULT_TOKEN));
    let fake = FakeGitHub::builder().repos(3).start_blocking();
    let reply = send(&fake.uri(), "GET", "/orgs/acme/repos", &[], "");
    assert_eq!(reply.status, 401);
    let reply = send(
        &fake.uri(),
        "GET",
        "/orgs/acme/repos",
        &[("Authorization", "Bearer nope")],
        "",
    );
    assert_eq!(reply.status, 401);
    let reply = send(&fake.uri(), "GET", "/orgs/acme/repos", &[AUTH], "");
    assert_eq!(reply.status, 200);
    assert_eq!(fake.stats().unauthorized, 2);
}

#[test]
fn listing_pages_link_to_organizations_and_answer_304_to_their_etag() {
    let fake = FakeGitHub::builder().repos(150).start_blocking();
    let first = send(
        &fake.uri(),
        "GET",
        "/orgs/acme/repos?per_page=100&type=all",
        &[AUTH],
        "",
    );
    assert_eq!(first.status, 200);
    let link = header(&first, "link").expect("link");
    assert!(
        link.contains("/organizations/9000001/repos?per_page=100&type=all&page=2>; rel=\"next\"")
    );
    let etag = header(&first, "etag").expect("etag");
    let repos: serde_json::Value = serde_json::from_str(&first.body).expect("json");
    assert_eq!(repos.as_array().map(Vec::len), Some(100));

    let again = send(
        &fake.uri(),
        "GET",
        "/orgs/acme/repos?per_page=100&type=all",
        &[AUTH, ("If-None-Match", &etag)],
        "",
    );
    assert_eq!(again.status, 304);
    assert_eq!(header(&again, "link"), None);
    let second = send(
        &fake.uri(),
        "GET",
        "/organizations/9000001/repos?per_page=100&type=all&page=2",
        &[AUTH],
        "",
    );
    let repos: serde_json::Value = serde_json::from_str(&second.body).expect("json");
    assert_eq!(repos.as_array().map(Vec::len), Some(50));
    assert_eq!(fake.stats().rest_list, 2);
    assert_eq!(fake.stats().not_modified, 1);
}

#[test]
fn graphql_answers_aliases_objects_and_unknown_repos() {
    let fake = FakeGitHub::builder().repos(12).start_blocking();
    let query = r#"query {
      a: repository(owner: "acme", name: "service-0010") {
        defaultBranchRef { name target { ... on Commit { oid statusCheckRollup { state } } } }
        f: object(expression: "HEAD:catalog-info.yaml") { ... on Blob { text } }
        d: object(expression: "HEAD:docs") { __typename }
        m: object(expression: "HEAD:nope.txt") { __typename }
      }
      b: repository(owner: "acme", name: "missing") { defaultBranchRef { name } }
      c: repository(owner: "acme", name: "service-0005") { defaultBranchRef { name } }
    }"#;
    let body = serde_json::json!({ "query": query }).to_string();
    let reply = send(
        &fake.graphql_uri().replace("/graphql", ""),
        "POST",
        "/graphql",
        &[AUTH],
        &body,
    );
    assert_eq!(reply.status, 200);
    let answer: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    let a = &answer["data"]["a"];
    assert_eq!(a["defaultBranchRef"]["name"], "main");
    assert_eq!(
        a["defaultBranchRef"]["target"]["statusCheckRollup"]["state"],
        "FAILURE"
    );
    assert!(a["f"]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("service-0010"));
    assert_eq!(a["d"]["__typename"], "Tree");
    assert!(a["m"].is_null());
    assert!(answer["data"]["b"].is_null());
    assert_eq!(answer["errors"][0]["path"][0], "b");
    assert_eq!(answer["errors"][0]["type"], "NOT_FOUND");
    assert!(answer["data"]["c"]["defaultBranchRef"].is_null()); // empty repository
    assert_eq!(fake.stats().graphql_repos, 3);
}

/// Posts a GraphQL query and returns the answer.
fn graphql(fake: &FakeGitHub, query: &str) -> serde_json::Value {
    let body = serde_json::json!({ "query": query }).to_string();
    let reply = send(
        &fake.graphql_uri().replace("/graphql", ""),
        "POST",
        "/graphql",
        &[AUTH],
        &body,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("json")
}

fn listing_query(org: &str, first: usize, after: Option<&str>) -> String {
    let after = after.map_or_else(|| "null".to_string(), |c| format!("{c:?}"));
    format!(
        "query {{ organization(login: {org:?}) {{ repositories(first: {first}, after: {after}, \
         orderBy: {{field: NAME, direction: ASC}}) {{ totalCount pageInfo {{ hasNextPage endCursor }} \
         nodes {{ name pushedAt defaultBranchRef {{ name target {{ ... on Commit {{ oid \
         statusCheckRollup {{ state }} }} }} }} }} }} }} }}"
    )
}

#[test]
fn the_graphql_listing_pages_by_cursor_in_name_order() {
    let fake = FakeGitHub::builder()
        .repo(github_fake::FakeRepo::new("zeta"))
        .repos(150)
        .pending_percent(8)
        .start_blocking();
    let mut names = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let answer = graphql(&fake, &listing_query("acme", 100, after.as_deref()));
        let connection = &answer["data"]["organization"]["repositories"];
        assert_eq!(connection["totalCount"], 151);
        for node in connection["nodes"].as_array().expect("nodes") {
            names.push(node["name"].as_str().expect("name").to_string());
        }
        pages += 1;
        if connection["pageInfo"]["hasNextPage"] == false {
            break;
        }
        let cursor = connection["pageInfo"]["endCursor"]
            .as_str()
            .expect("cursor");
        assert!(!cursor.contains("service"), "cursors are opaque: {cursor}");
        after = Some(cursor.to_string());
    }
    assert_eq!(pages, 2);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 151);
    assert_eq!(fake.stats().graphql_listing, 2);
    assert_eq!(
        fake.stats().graphql,
        0,
        "listing pages are not repository queries"
    );
    // 8 of every 100 positions are PENDING (none of them empty).
    let pending = fake
        .repos()
        .iter()
        .filter(|r| r.ci == github_fake::FakeCi::Pending)
        .count();
    assert!((11..=12).contains(&pending), "{pending}");

    // GitHub's limits and errors.
    let too_many = graphql(&fake, &listing_query("acme", 101, None));
    assert_eq!(too_many["errors"][0]["type"], "EXCESSIVE_PAGINATION");
    assert!(too_many.get("data").is_none());
    let bad_cursor = graphql(&fake, &listing_query("acme", 10, Some("bm9wZQ==")));
    assert_eq!(bad_cursor["errors"][0]["type"], "INVALID_CURSOR_ARGUMENTS");
    let nobody = graphql(&fake, &listing_query("nobody", 10, None));
    assert!(nobody["data"]["organization"].is_null());
    assert_eq!(nobody["errors"][0]["type"], "NOT_FOUND");
    assert_eq!(nobody["errors"][0]["path"][0], "organization");
}

#[test]
fn a_default_branch_switch_moves_the_head_but_not_pushed_at() {
    let fake = FakeGitHub::builder().repos(3).start_blocking();
    let node = |fake: &FakeGitHub| {
        let answer = graphql(fake, &listing_query("acme", 100, None));
        answer["data"]["organization"]["repositories"]["nodes"][0].clone()
    };
    let before = node(&fake);
    assert_eq!(before["defaultBranchRef"]["name"], "main");
    // A PENDING rollup turning green moves no commit.
    assert!(fake.update_repo("service-0000", |r| r.ci = github_fake::FakeCi::Pending));
    let pending = node(&fake);
    assert_eq!(
        pending["defaultBranchRef"]["target"]["statusCheckRollup"]["state"],
        "PENDING"
    );
    assert_eq!(fake.settle_pending(), vec!["service-0000".to_string()]);
    let settled = node(&fake);
    assert_eq!(
        settled["defaultBranchRef"]["target"]["statusCheckRollup"]["state"],
        "SUCCESS"
    );
    assert_eq!(
        settled["defaultBranchRef"]["target"]["oid"],
        before["defaultBranchRef"]["target"]["oid"]
    );

    let files = [("catalog-info.yaml".to_string(), "kind: Group\n".to_string())].into();
    assert!(fake.switch_default_branch("service-0000", "develop", files));
    let after = node(&fake);
    assert_eq!(after["defaultBranchRef"]["name"], "develop");
    assert_eq!(after["pushedAt"], before["pushedAt"]);
    assert_ne!(
        after["defaultBranchRef"]["target"]["oid"],
        before["defaultBranchRef"]["target"]["oid"]
    );
}
