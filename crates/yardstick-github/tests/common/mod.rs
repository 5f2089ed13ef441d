//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::time::Duration;

use github_fake::{FakeGitHub, FakeRepo, DEFAULT_TOKEN};
use yardstick_github::{Auth, ScanOptions, Secret};

/// Options for the fake with fast retries.
pub fn options(fake: &FakeGitHub) -> ScanOptions {
    let mut options = ScanOptions::new(
        fake.org(),
        fake.uri(),
        Auth::Token(Secret::new(DEFAULT_TOKEN)),
    );
    options.retry_backoff = Duration::from_millis(10);
    options.request_timeout = Duration::from_secs(10);
    options
}

/// [`options`] with a fresh state directory, which must outlive the options' use.
pub fn options_with_state(fake: &FakeGitHub) -> (tempfile::TempDir, ScanOptions) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = options(fake);
    options.state_dir = Some(dir.path().to_path_buf());
    (dir, options)
}

/// Names the default filter keeps (not archived, not a fork), empty ones included.
pub fn selected(repos: &[FakeRepo]) -> BTreeSet<String> {
    repos
        .iter()
        .filter(|r| !r.archived && !r.fork)
        .map(|r| r.name.clone())
        .collect()
}

/// Names that end up in `OrgSnapshot::repositories` with the default filter.
pub fn scanned(repos: &[FakeRepo]) -> BTreeSet<String> {
    repos
        .iter()
        .filter(|r| !r.archived && !r.fork && !r.empty)
        .map(|r| r.name.clone())
        .collect()
}

pub fn batches(n: usize) -> u64 {
    n.div_ceil(100) as u64
}
