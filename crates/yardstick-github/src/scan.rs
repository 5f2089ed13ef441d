//! The org scan: listing, filter, shard, batched GraphQL, cache and resume.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use http::header::IF_NONE_MATCH;
use http::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::client::{
    days_from_civil, graphql_rate_limit_wait, next_link, Answer, Client, Kind, Policy, Scope,
};
use crate::state::{CachedPage, CachedRepo, StateDir};
use crate::{
    CiStatus, OrgSnapshot, Progress, RepoFile, RepoFilter, RepoSnapshot, ScanError, ScanOptions,
    SkipCounts,
};

/// Repositories per GraphQL query, at most.
const BATCH: usize = 100;
/// Objects per GraphQL query, at most: one per repository plus one per `object(...)` look-up
/// (catalog files and probes). 100 repositories with the default two catalog paths and two
/// `mkdocs` probes make 500, so the default scan still needs one query per 100 repositories.
const MAX_OBJECTS: usize = 500;
/// Follow-up probes per repository and run, at most; the rest are asked for on later runs.
const MAX_PROBES: usize = 50;
/// The most retries [`ScanOptions::max_retries`] may ask for.
const MAX_RETRIES: u32 = 10;
/// A cached `ci: none` is trusted only for repositories not pushed to within this long: CI
/// may not have registered its first check yet (see `reusable`).
const FRESH_PUSH_SECS: u64 = 24 * 3_600;
/// Listing pages followed at most (100 repositories each).
const MAX_PAGES: usize = 10_000;

/// A repository as the REST listing shows it.
#[derive(Deserialize, Clone, Debug)]
struct Listed {
    name: String,
    #[serde(default)]
    html_url: String,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    fork: bool,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default)]
    private: bool,
    #[serde(default)]
    pushed_at: Option<String>,
}

/// What one repository's GraphQL node said.
#[derive(Default)]
struct Node {
    default_branch: Option<String>,
    head: Option<String>,
    ci: CiStatus,
    files: Vec<RepoFile>,
    present: Vec<String>,
}

/// One repository of a GraphQL batch.
struct Ask {
    name: String,
    /// Fetch the head, CI and catalog files (first round), or only probe (follow-up round).
    full: bool,
    probes: Vec<String>,
}

/// Scans the organisation: lists its repositories, applies [`RepoFilter`] and the shard, and
/// fetches every selected repository's catalog files, head, CI state and probe paths in
/// batched GraphQL queries. See the crate documentation for retries, rate limits and caching.
///
/// A repository that still cannot be fetched after retries gets [`RepoSnapshot::error`]; the
/// scan ends early only for bad options or credentials, a rate limit longer than
/// [`ScanOptions::max_wait`], a listing that cannot be read, or an unwritable state directory.
pub async fn scan_org(options: &ScanOptions) -> Result<OrgSnapshot, ScanError> {
    check_name(&options.org, "organisation")?;
    let catalog_paths = catalog_paths(&options.catalog_paths)?;
    let names = name_globs(&options.filter.names)?;
    if options.max_retries > MAX_RETRIES {
        return Err(ScanError::InvalidOptions(format!(
            "max_retries is {}, at most {MAX_RETRIES} are allowed",
            options.max_retries
        )));
    }
    if let Some(shard) = options.shard {
        if shard.count == 0 || shard.index == 0 || shard.index > shard.count {
            return Err(ScanError::InvalidOptions(format!(
                "shard {shard}: expected 1 ≤ I ≤ N"
            )));
        }
    }
    let policy = Policy {
        max_retries: options.max_retries,
        max_wait: options.max_wait,
        backoff: options.retry_backoff,
        timeout: options.request_timeout,
        secondary_floor: options.secondary_wait_floor,
    };
    let client = Client::new(
        &options.api_url,
        options.graphql_url.as_deref(),
        &options.auth,
        Scope::Org(&options.org),
        policy,
    )
    .await?;
    let listing_key = format!("{}\n{}", client.api_url, options.org.to_lowercase());
    let fingerprint = format!(
        "{listing_key}\n{}\n{}",
        catalog_paths.join("\n"),
        options
            .shard
            .map_or_else(|| "all".to_string(), |s| s.to_string())
    );
    let mut state = match &options.state_dir {
        Some(dir) => Some(StateDir::open(dir, &listing_key, &fingerprint)?),
        None => None,
    };

    let listed = list_repos(&client, &options.org, state.as_mut()).await?;

    let mut skipped = SkipCounts::default();
    let mut selected = Vec::new();
    for repo in listed {
        if repo.archived && !options.filter.include_archived {
            skipped.archived += 1;
        } else if repo.fork && !options.filter.include_forks {
            skipped.forks += 1;
        } else if !passes(&options.filter, &names, &repo) {
            skipped.filtered += 1;
        } else if options.shard.is_some_and(|s| !s.includes(&repo.name)) {
            skipped.other_shards += 1;
        } else {
            selected.push(repo);
        }
    }

    let base_probes = probe_paths(&catalog_paths);
    let total = selected.len();
    let mut done: BTreeMap<String, CachedRepo> = BTreeMap::new();
    let mut to_fetch = Vec::new();
    let now = now_secs();
    for repo in &selected {
        let reusable = state
            .as_ref()
            .and_then(|s| s.repos.get(&repo.name))
            .filter(|c| reusable(repo, c, &base_probes, now))
            .cloned();
        match reusable {
            Some(mut cached) => {
                cached.snapshot.html_url = repo.html_url.clone();
                done.insert(repo.name.clone(), cached);
            }
            None => to_fetch.push(repo),
        }
    }
    report(options, done.len(), total);

    let first_asks: Vec<Ask> = to_fetch
        .iter()
        .map(|r| Ask {
            name: r.name.clone(),
            full: true,
            probes: base_probes.clone(),
        })
        .collect();
    let mut start = 0;
    for size in batch_sizes(&first_asks, &catalog_paths) {
        let chunk = &to_fetch[start..start + size];
        let asks = &first_asks[start..start + size];
        start += size;
        let outcomes = run_batch(&client, &options.org, &catalog_paths, asks).await?;
        for (repo, outcome) in chunk.iter().zip(outcomes) {
            let snapshot = snapshot_of(repo, outcome);
            let cached = CachedRepo {
                pushed_at: repo.pushed_at.clone().unwrap_or_default(),
                probed: base_probes.iter().cloned().collect(),
                snapshot,
            };
            if let Some(state) = state.as_mut() {
                state.repos.insert(repo.name.clone(), cached.clone());
            }
            done.insert(repo.name.clone(), cached);
        }
        if let Some(state) = &state {
            state.save_snapshots()?;
        }
        report(options, done.len(), total);
    }

    if let Some(followup) = &options.followup {
        let mut asks = Vec::new();
        for (name, cached) in &done {
            let snap = &cached.snapshot;
            if snap.error.is_some() || snap.default_branch.is_none() {
                continue;
            }
            let extra: BTreeSet<String> = followup(snap)
                .iter()
                .filter_map(|p| normalize_path(p))
                .filter(|p| !cached.probed.contains(p) && !catalog_paths.contains(p))
                .take(MAX_PROBES)
                .collect();
            if !extra.is_empty() {
                asks.push(Ask {
                    name: name.clone(),
                    full: false,
                    probes: extra.into_iter().collect(),
                });
            }
        }
        let mut start = 0;
        for size in batch_sizes(&asks, &catalog_paths) {
            let chunk = &asks[start..start + size];
            start += size;
            let outcomes = run_batch(&client, &options.org, &catalog_paths, chunk).await?;
            for (ask, outcome) in chunk.iter().zip(outcomes) {
                let Some(cached) = done.get_mut(&ask.name) else {
                    continue;
                };
                match outcome {
                    Ok(node) => {
                        cached.probed.extend(ask.probes.iter().cloned());
                        let present: BTreeSet<String> = cached
                            .snapshot
                            .present
                            .drain(..)
                            .chain(node.present)
                            .collect();
                        cached.snapshot.present = present.into_iter().collect();
                    }
                    // The first round's data stands; the probes stay unprobed, so the next
                    // run asks for them again.
                    Err(_) => continue,
                }
                if let Some(state) = state.as_mut() {
                    state.repos.insert(ask.name.clone(), cached.clone());
                }
            }
            if let Some(state) = &state {
                state.save_snapshots()?;
            }
        }
    }

    if let Some(state) = state.as_mut() {
        // Forget repositories that left the selection, so the cache does not grow forever.
        let keep: HashSet<&str> = selected.iter().map(|r| r.name.as_str()).collect();
        let before = state.repos.len();
        state.repos.retain(|name, _| keep.contains(name.as_str()));
        if state.repos.len() != before {
            state.save_snapshots()?;
        }
    }

    let mut repositories = Vec::new();
    for (_, cached) in done {
        let snap = cached.snapshot;
        if snap.error.is_none() && snap.default_branch.is_none() {
            skipped.empty += 1;
        } else {
            repositories.push(snap);
        }
    }
    repositories.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(OrgSnapshot {
        org: options.org.clone(),
        repositories,
        skipped,
        stats: client.stats(),
    })
}

/// Whether a cached snapshot can stand in for a fetch: same `pushed_at`, every base probe
/// done, no error, and a settled CI state. `pending` is always fetched again; so is `none`
/// for a repository pushed to within the last 24 hours, since GitHub shows no rollup until
/// the first check or status of a new head registers (older `none` stays cached: CI that
/// has not shown up after a day is taken as absent until the next push).
fn reusable(repo: &Listed, cached: &CachedRepo, base_probes: &[String], now: u64) -> bool {
    let pushed = repo.pushed_at.as_deref();
    let recent = pushed
        .and_then(parse_rfc3339)
        .is_none_or(|at| at.saturating_add(FRESH_PUSH_SECS) > now);
    pushed.is_some_and(|p| p == cached.pushed_at)
        && base_probes.iter().all(|p| cached.probed.contains(p))
        && cached.snapshot.error.is_none()
        && cached.snapshot.ci != CiStatus::Pending
        && !(cached.snapshot.ci == CiStatus::None && recent)
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `YYYY-MM-DDTHH:MM:SS` followed by `Z` or fractional seconds and `Z` (GitHub's form) as
/// epoch seconds.
fn parse_rfc3339(text: &str) -> Option<u64> {
    let text = text.trim();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if text.len() < 20 || text.as_bytes()[10] != b'T' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3_600 + mi * 60 + s;
    u64::try_from(secs).ok()
}

/// How many asks go in each GraphQL query, in order: at most [`BATCH`] repositories and
/// [`MAX_OBJECTS`] objects (an ask larger than that goes alone).
fn batch_sizes(asks: &[Ask], catalog_paths: &[String]) -> Vec<usize> {
    let mut sizes = Vec::new();
    let (mut count, mut objects) = (0usize, 0usize);
    for ask in asks {
        let cost = ask_cost(ask, catalog_paths);
        if count > 0 && (count == BATCH || objects + cost > MAX_OBJECTS) {
            sizes.push(count);
            count = 0;
            objects = 0;
        }
        count += 1;
        objects += cost;
    }
    if count > 0 {
        sizes.push(count);
    }
    sizes
}

fn ask_cost(ask: &Ask, catalog_paths: &[String]) -> usize {
    1 + if ask.full { catalog_paths.len() } else { 0 } + ask.probes.len()
}

fn report(options: &ScanOptions, done: usize, total: usize) {
    if let Some(progress) = &options.progress {
        progress(Progress { done, total });
    }
}

/// Refuses names that could change the URL's path.
pub(crate) fn check_name(name: &str, what: &str) -> Result<(), ScanError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ScanError::InvalidOptions(format!(
            "{what} name {name:?} is not a GitHub name"
        )))
    }
}

fn normalize_path(path: &str) -> Option<String> {
    let mut path = path.trim();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let path = path.trim_matches('/');
    let bad =
        path.is_empty() || path == "." || path.split('/').any(|seg| seg == ".." || seg.is_empty());
    (!bad).then(|| path.to_string())
}

fn catalog_paths(paths: &[String]) -> Result<Vec<String>, ScanError> {
    let mut out: Vec<String> = Vec::new();
    for path in paths {
        let normal = normalize_path(path).ok_or_else(|| {
            ScanError::InvalidOptions(format!("catalog path {path:?} is not a repo-relative path"))
        })?;
        if !out.contains(&normal) {
            out.push(normal);
        }
    }
    if out.is_empty() {
        return Err(ScanError::InvalidOptions("no catalog paths".into()));
    }
    Ok(out)
}

/// `mkdocs.yml` and `mkdocs.yaml` next to every catalog path.
fn probe_paths(catalog_paths: &[String]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for path in catalog_paths {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        for name in ["mkdocs.yml", "mkdocs.yaml"] {
            let probe = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            if !catalog_paths.contains(&probe) {
                out.insert(probe);
            }
        }
    }
    out.into_iter().collect()
}

fn name_globs(globs: &[String]) -> Result<Option<GlobSet>, ScanError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for glob in globs {
        let glob = GlobBuilder::new(glob)
            .case_insensitive(true)
            .build()
            .map_err(|e| ScanError::InvalidOptions(format!("repository name glob: {e}")))?;
        set.add(glob);
    }
    set.build()
        .map(Some)
        .map_err(|e| ScanError::InvalidOptions(format!("repository name globs: {e}")))
}

fn passes(filter: &RepoFilter, names: &Option<GlobSet>, repo: &Listed) -> bool {
    if !filter.topics.is_empty()
        && !repo
            .topics
            .iter()
            .any(|t| filter.topics.iter().any(|f| f.eq_ignore_ascii_case(t)))
    {
        return false;
    }
    if let Some(names) = names {
        if !names.is_match(&repo.name) {
            return false;
        }
    }
    if let Some(wanted) = &filter.visibility {
        let visibility = repo
            .visibility
            .clone()
            .unwrap_or_else(|| if repo.private { "private" } else { "public" }.to_string());
        if !visibility.eq_ignore_ascii_case(wanted.trim()) {
            return false;
        }
    }
    true
}

fn snapshot_of(repo: &Listed, outcome: Result<Node, String>) -> RepoSnapshot {
    match outcome {
        Ok(node) => RepoSnapshot {
            name: repo.name.clone(),
            html_url: repo.html_url.clone(),
            default_branch: node.default_branch,
            head: node.head,
            files: node.files,
            present: node.present,
            ci: node.ci,
            error: None,
        },
        Err(message) => RepoSnapshot {
            name: repo.name.clone(),
            html_url: repo.html_url.clone(),
            default_branch: None,
            head: None,
            files: Vec::new(),
            present: Vec::new(),
            ci: CiStatus::None,
            error: Some(message),
        },
    }
}

/// Lists the organisation's repositories, following `Link: rel="next"` as given, with ETags.
async fn list_repos(
    client: &Client,
    org: &str,
    mut state: Option<&mut StateDir>,
) -> Result<Vec<Listed>, ScanError> {
    // Sorted by name so pages stay stable while repositories are created during the listing.
    let mut url = format!(
        "{}/orgs/{org}/repos?per_page=100&type=all&sort=full_name&direction=asc",
        client.api_url
    );
    let mut seen = HashSet::new();
    let mut pages = BTreeMap::new();
    let mut repos: BTreeMap<String, Listed> = BTreeMap::new();
    let mut order = Vec::new();
    loop {
        if !seen.insert(url.clone()) || seen.len() > MAX_PAGES {
            return Err(ScanError::Decode {
                what: client.describe(&Method::GET, &url),
                message: "the listing's pagination loops".into(),
            });
        }
        let cached = state.as_ref().and_then(|s| s.pages.get(&url)).cloned();
        let headers: Vec<_> = cached
            .iter()
            .map(|c| (IF_NONE_MATCH, c.etag.clone()))
            .collect();
        let answer = client
            .request(Kind::Rest, Method::GET, &url, &headers, None)
            .await?;
        let page = match (answer.status, cached) {
            (304, Some(cached)) => cached,
            (200, _) => CachedPage {
                etag: answer.header("etag").unwrap_or_default().to_string(),
                next: next_link(&answer.headers),
                body: answer.body,
            },
            (status, _) => return Err(api_error(client, &Method::GET, &url, status, &answer)),
        };
        let items: Vec<Listed> =
            serde_json::from_str(&page.body).map_err(|e| ScanError::Decode {
                what: client.describe(&Method::GET, &url),
                message: format!("not a list of repositories: {e}"),
            })?;
        for item in items {
            if !repos.contains_key(&item.name) {
                order.push(item.name.clone());
                repos.insert(item.name.clone(), item);
            }
        }
        let next = page.next.clone();
        if !page.etag.is_empty() {
            pages.insert(url.clone(), page);
        }
        match next {
            Some(next) => url = next,
            None => break,
        }
    }
    if let Some(state) = state.as_mut() {
        state.pages = pages;
        state.save_listing()?;
    }
    Ok(order
        .into_iter()
        .filter_map(|name| repos.remove(&name))
        .collect())
}

pub(crate) fn api_error(
    client: &Client,
    method: &Method,
    url: &str,
    status: u16,
    answer: &Answer,
) -> ScanError {
    let what = client.describe(method, url);
    let message = client.redact(&answer.message());
    if status == 401 {
        ScanError::Auth(format!(
            "GitHub answered HTTP 401 to {what}: {message} (check the token or App credentials)"
        ))
    } else {
        ScanError::Api {
            status,
            what,
            message,
        }
    }
}

fn gql_string(text: &str) -> String {
    // JSON string escapes are valid GraphQL string escapes.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn build_query(org: &str, catalog_paths: &[String], asks: &[Ask]) -> String {
    let mut q = String::from("query {\n  rateLimit { cost remaining resetAt }\n");
    for (i, ask) in asks.iter().enumerate() {
        q.push_str(&format!(
            "  r{i}: repository(owner: {}, name: {}) {{\n",
            gql_string(org),
            gql_string(&ask.name)
        ));
        if ask.full {
            q.push_str(
                "    defaultBranchRef { name target { ... on Commit { oid statusCheckRollup { state } } } }\n",
            );
            for (j, path) in catalog_paths.iter().enumerate() {
                q.push_str(&format!(
                    "    f{j}: object(expression: {}) {{ __typename ... on Blob {{ text isTruncated isBinary byteSize }} }}\n",
                    gql_string(&format!("HEAD:{path}"))
                ));
            }
        }
        for (j, path) in ask.probes.iter().enumerate() {
            q.push_str(&format!(
                "    p{j}: object(expression: {}) {{ __typename }}\n",
                gql_string(&format!("HEAD:{path}"))
            ));
        }
        q.push_str("  }\n");
    }
    q.push_str("}\n");
    q
}

/// One GraphQL query for `asks`, with retries. When the whole query still fails, it is split
/// in halves and each half is sent once more before its repositories are marked. The outer
/// error ends the scan; an inner `Err` marks repositories.
async fn run_batch(
    client: &Client,
    org: &str,
    catalog_paths: &[String],
    asks: &[Ask],
) -> Result<Vec<Result<Node, String>>, ScanError> {
    let retries = client.policy.max_retries;
    let message = match query_batch(client, org, catalog_paths, asks, retries).await? {
        Ok(outcomes) => return Ok(outcomes),
        Err(message) => message,
    };
    if asks.len() < 2 {
        return Ok(vec![Err(message)]);
    }
    let (left, right) = asks.split_at(asks.len() / 2);
    let mut outcomes = Vec::with_capacity(asks.len());
    for half in [left, right] {
        match query_batch(client, org, catalog_paths, half, 0).await? {
            Ok(part) => outcomes.extend(part),
            Err(message) => outcomes.extend(half.iter().map(|_| Err(message.clone()))),
        }
    }
    Ok(outcomes)
}

/// One GraphQL query for `asks`. `Ok(Err(_))`: the whole query failed.
async fn query_batch(
    client: &Client,
    org: &str,
    catalog_paths: &[String],
    asks: &[Ask],
    max_retries: u32,
) -> Result<Result<Vec<Result<Node, String>>, String>, ScanError> {
    let query = build_query(org, catalog_paths, asks);
    let (data, errors) = match graphql(client, &query, max_retries).await? {
        Ok(answer) => answer,
        Err(message) => return Ok(Err(client.redact(&message))),
    };
    let describe = |error: &Value| {
        let kind = error.get("type").and_then(Value::as_str).unwrap_or("ERROR");
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        client.redact(&format!("GitHub GraphQL {kind}: {message}"))
    };
    // Only an error on the node itself (`path: [alias]`) fails the repository; a deeper one
    // (e.g. `[alias, "defaultBranchRef", "target", "statusCheckRollup"]`) leaves that part
    // null, read as unknown. An error without a path explains nodes that came back null.
    let mut node_errors: BTreeMap<String, String> = BTreeMap::new();
    let mut top_level = None;
    for error in &errors {
        match error.get("path").and_then(Value::as_array) {
            Some(path) if path.len() == 1 => {
                if let Some(alias) = path[0].as_str() {
                    node_errors
                        .entry(alias.to_string())
                        .or_insert_with(|| describe(error));
                }
            }
            Some(path) if !path.is_empty() => {}
            _ => {
                top_level.get_or_insert_with(|| describe(error));
            }
        }
    }
    Ok(Ok(asks
        .iter()
        .enumerate()
        .map(|(i, ask)| {
            let alias = format!("r{i}");
            if let Some(message) = node_errors.get(&alias) {
                return Err(message.clone());
            }
            match data.get(&alias) {
                Some(node) if node.is_object() => Ok(parse_node(node, catalog_paths, ask)),
                _ => Err(match &top_level {
                    Some(message) => format!("{message} ({org}/{})", ask.name),
                    None => format!("GitHub GraphQL returned no data for {org}/{}", ask.name),
                }),
            }
        })
        .collect()))
}

fn parse_node(node: &Value, catalog_paths: &[String], ask: &Ask) -> Node {
    let mut out = Node::default();
    if ask.full {
        if let Some(branch) = node.get("defaultBranchRef").filter(|b| b.is_object()) {
            out.default_branch = branch
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string);
            let target = branch.get("target");
            out.head = target
                .and_then(|t| t.get("oid"))
                .and_then(Value::as_str)
                .map(str::to_string);
            out.ci = match target
                .and_then(|t| t.get("statusCheckRollup"))
                .and_then(|r| r.get("state"))
                .and_then(Value::as_str)
            {
                Some("SUCCESS") => CiStatus::Passing,
                Some("FAILURE" | "ERROR") => CiStatus::Failing,
                Some("PENDING" | "EXPECTED") => CiStatus::Pending,
                _ => CiStatus::None,
            };
        }
        if out.default_branch.is_some() {
            for (j, path) in catalog_paths.iter().enumerate() {
                let Some(blob) = node.get(format!("f{j}")).filter(|b| b.is_object()) else {
                    continue;
                };
                // A tree, a submodule (`Commit`) or anything else that is not a file.
                if blob.get("__typename").and_then(Value::as_str) != Some("Blob") {
                    continue;
                }
                let flag = |name: &str| blob.get(name).and_then(Value::as_bool).unwrap_or(false);
                let text = blob.get("text").and_then(Value::as_str);
                out.files.push(RepoFile {
                    path: path.clone(),
                    text: text.unwrap_or_default().to_string(),
                    // A binary blob has no text, and is whole; a text blob without text was cut.
                    truncated: !flag("isBinary") && (text.is_none() || flag("isTruncated")),
                });
            }
        }
    }
    for (j, path) in ask.probes.iter().enumerate() {
        if node.get(format!("p{j}")).is_some_and(|o| o.is_object()) {
            out.present.push(path.clone());
        }
    }
    out.present.sort();
    out
}

/// Posts a query; waits out `RATE_LIMITED` and secondary rate limits, retries malformed JSON.
/// `Ok(Err(_))`: the query failed for good.
async fn graphql(
    client: &Client,
    query: &str,
    max_retries: u32,
) -> Result<Result<(Value, Vec<Value>), String>, ScanError> {
    let body = json!({ "query": query });
    let mut bad_json = 0u32;
    let mut waits = 0u32;
    loop {
        let answer = match client
            .request_with(
                Kind::Graphql,
                Method::POST,
                &client.graphql_url,
                &[],
                Some(&body),
                max_retries,
            )
            .await
        {
            Ok(answer) => answer,
            Err(e @ ScanError::Network { .. }) => return Ok(Err(e.to_string())),
            Err(e) => return Err(e),
        };
        if answer.status == 401 {
            return Err(api_error(
                client,
                &Method::POST,
                &client.graphql_url,
                401,
                &answer,
            ));
        }
        if answer.status != 200 {
            return Ok(Err(api_error(
                client,
                &Method::POST,
                &client.graphql_url,
                answer.status,
                &answer,
            )
            .to_string()));
        }
        let Ok(json) = serde_json::from_str::<Value>(&answer.body) else {
            if bad_json < max_retries {
                bad_json += 1;
                client.backoff(bad_json).await;
                continue;
            }
            return Ok(Err("GitHub GraphQL answered malformed JSON".into()));
        };
        let errors = json
            .get("errors")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let rate_limited = errors.iter().any(|e| {
            e.get("type").and_then(Value::as_str) == Some("RATE_LIMITED")
                || (e.get("path").is_none_or(Value::is_null)
                    && e.get("message")
                        .and_then(Value::as_str)
                        .is_some_and(|m| m.to_lowercase().contains("secondary rate limit")))
        });
        if rate_limited {
            waits += 1;
            let wait =
                graphql_rate_limit_wait(&answer.headers, waits, client.policy.secondary_floor);
            client.wait_rate_limit(wait, waits).await?;
            continue;
        }
        match json.get("data") {
            Some(data) if data.is_object() => return Ok(Ok((data.clone(), errors))),
            _ => {
                let first = errors
                    .first()
                    .and_then(|e| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("no data and no error");
                return Ok(Err(format!("GitHub GraphQL query failed: {first}")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_sit_next_to_catalog_files() {
        let paths = vec![
            "catalog-info.yaml".to_string(),
            "deploy/catalog.yaml".to_string(),
        ];
        assert_eq!(
            probe_paths(&paths),
            vec![
                "deploy/mkdocs.yaml",
                "deploy/mkdocs.yml",
                "mkdocs.yaml",
                "mkdocs.yml"
            ]
        );
    }

    #[test]
    fn paths_are_normalised_and_escapes_are_safe() {
        assert_eq!(normalize_path("./docs/").as_deref(), Some("docs"));
        assert_eq!(normalize_path("../etc"), None);
        assert_eq!(normalize_path("."), None);
        let asks = [Ask {
            name: "we\"ird".into(),
            full: true,
            probes: vec![],
        }];
        let q = build_query("acme", &["a\"b.yaml".to_string()], &asks);
        assert!(q.contains(r#"name: "we\"ird""#));
        assert!(q.contains(r#"expression: "HEAD:a\"b.yaml""#));
    }

    #[test]
    fn org_names_cannot_escape_the_path() {
        assert!(check_name("acme-inc", "organisation").is_ok());
        assert!(check_name("../x", "organisation").is_err());
        assert!(check_name("a/b", "organisation").is_err());
        assert!(check_name("", "organisation").is_err());
    }
}
