//! The state directory: the progress of an interrupted listing, and the per-repository
//! snapshot cache (which doubles as resume progress). Every file is written atomically
//! (temporary file, then rename).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use yardstick::util::atomic_write::write_atomically;
use yardstick::util::fnv::fnv1a_64_hex;

use crate::scan::ListingProgress;
use crate::{state_error, OrgPeopleRead, RepoSnapshot, ScanError};

/// Our clock, in seconds since the epoch.
fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Bumped when a file's shape changes; older files are ignored. (Version 1 of the listing
/// file held REST listing pages with their ETags, version 2 one cursor of a one-ended
/// listing.)
const LISTING_VERSION: u32 = 3;
const SNAPSHOT_VERSION: u32 = 1;
const PEOPLE_VERSION: u32 = 1;

/// How long the organisation's teams and members are taken from the cache: a day, so a
/// nightly scan reads them once a night and a warm run within the day spends nothing on them.
const PEOPLE_FRESH_SECS: u64 = 24 * 3_600;

/// The teams and members as read, and when.
#[derive(Serialize, Deserialize, Default)]
struct PeopleFile {
    version: u32,
    /// When they were read (seconds since the epoch, our clock).
    #[serde(default)]
    saved_at: u64,
    #[serde(default)]
    teams: Vec<String>,
    #[serde(default)]
    members: Vec<String>,
}

/// How long the listing progress of an interrupted run is resumed from: the pages read are
/// taken as they were, so a rerun much later lists again from the start instead (a stale
/// page would hide pushes and CI changes).
const LISTING_RESUME_SECS: u64 = 3_600;

#[derive(Serialize, Deserialize, Default)]
struct ListingFile {
    version: u32,
    /// When it was saved (seconds since the epoch, our clock).
    #[serde(default)]
    saved_at: u64,
    #[serde(default)]
    progress: Option<ListingProgress>,
}

/// One repository's cached snapshot.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct CachedRepo {
    /// `pushed_at` of the listing the snapshot was taken for.
    pub pushed_at: String,
    /// Every path probed for existence (catalog paths aside).
    pub probed: BTreeSet<String>,
    pub snapshot: RepoSnapshot,
}

#[derive(Serialize, Deserialize, Default)]
struct SnapshotFile {
    version: u32,
    /// What the snapshots depend on besides each repository's `pushed_at`.
    fingerprint: String,
    repos: BTreeMap<String, CachedRepo>,
}

/// The cache of one org + options fingerprint.
pub(crate) struct StateDir {
    listing_path: PathBuf,
    snapshot_path: PathBuf,
    people_path: PathBuf,
    /// The cached teams and members, when younger than a day.
    people: Option<OrgPeopleRead>,
    fingerprint: String,
    /// The listing in progress (or resumed); `None` once the listing is complete.
    pub listing: Option<ListingProgress>,
    pub repos: BTreeMap<String, CachedRepo>,
}

/// The file at `path`, or the default when it is missing. A corrupt or unreadable file is a
/// cache miss, not an error, but `warn` hears of it first: a cache that never holds is
/// otherwise invisible until the request counts show it.
fn read_json<T: for<'de> Deserialize<'de> + Default>(path: &Path, warn: &dyn Fn(&str)) -> T {
    let discard = |why: String| {
        warn(&format!(
            "state file {} {why}; discarding it (the scan fetches what it held again)",
            path.display()
        ));
        T::default()
    };
    match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => discard(format!("is corrupt ({e})")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => T::default(),
        Err(e) => discard(format!("cannot be read ({e})")),
    }
}

fn write_json_atomically(path: &Path, value: &impl Serialize) -> Result<(), ScanError> {
    let text = serde_json::to_string(value).map_err(|e| state_error(path, e))?;
    write_atomically(path, text.as_bytes()).map_err(|e| state_error(path, e))
}

impl StateDir {
    /// Opens (creating the directory) the cache for `listing_key` (host + org) and
    /// `fingerprint` (host + org + catalog paths + shard). Files that cannot be used are
    /// reported to `warn` and start empty.
    pub fn open(
        dir: &Path,
        listing_key: &str,
        fingerprint: &str,
        warn: &dyn Fn(&str),
    ) -> Result<StateDir, ScanError> {
        std::fs::create_dir_all(dir).map_err(|e| state_error(dir, e))?;
        let listing_path = dir.join(format!("listing-{}.json", fnv1a_64_hex(listing_key)));
        let snapshot_path = dir.join(format!("snapshots-{}.json", fnv1a_64_hex(fingerprint)));
        let people_path = dir.join(format!("people-{}.json", fnv1a_64_hex(listing_key)));
        let listing: ListingFile = read_json(&listing_path, warn);
        let people: PeopleFile = read_json(&people_path, warn);
        let snapshots: SnapshotFile = read_json(&snapshot_path, warn);
        let fresh = listing.saved_at.saturating_add(LISTING_RESUME_SECS) >= now_secs();
        let progress = listing
            .progress
            .filter(|_| listing.version == LISTING_VERSION && fresh);
        let repos = if snapshots.version == SNAPSHOT_VERSION && snapshots.fingerprint == fingerprint
        {
            snapshots.repos
        } else {
            BTreeMap::new()
        };
        let people_fresh = people.version == PEOPLE_VERSION
            && people.saved_at <= now_secs()
            && people.saved_at.saturating_add(PEOPLE_FRESH_SECS) > now_secs();
        Ok(StateDir {
            listing_path,
            snapshot_path,
            people_path,
            people: people_fresh.then_some(OrgPeopleRead {
                teams: people.teams,
                members: people.members,
                cached: true,
            }),
            fingerprint: fingerprint.to_string(),
            listing: progress,
            repos,
        })
    }

    /// Saves the listing progress (none, once the listing is complete).
    pub fn save_listing(&self) -> Result<(), ScanError> {
        #[derive(Serialize)]
        struct ListingFileRef<'a> {
            version: u32,
            saved_at: u64,
            progress: Option<&'a ListingProgress>,
        }
        write_json_atomically(
            &self.listing_path,
            &ListingFileRef {
                version: LISTING_VERSION,
                saved_at: now_secs(),
                progress: self.listing.as_ref(),
            },
        )
    }

    /// The teams and members read within the last day, if any.
    pub fn fresh_people(&self) -> Option<OrgPeopleRead> {
        self.people.clone()
    }

    /// Caches teams and members just read.
    pub fn save_people(&mut self, people: &OrgPeopleRead) -> Result<(), ScanError> {
        write_json_atomically(
            &self.people_path,
            &PeopleFile {
                version: PEOPLE_VERSION,
                saved_at: now_secs(),
                teams: people.teams.clone(),
                members: people.members.clone(),
            },
        )?;
        self.people = Some(OrgPeopleRead {
            cached: true,
            ..people.clone()
        });
        Ok(())
    }

    pub fn save_snapshots(&self) -> Result<(), ScanError> {
        #[derive(Serialize)]
        struct SnapshotFileRef<'a> {
            version: u32,
            fingerprint: &'a str,
            repos: &'a BTreeMap<String, CachedRepo>,
        }
        write_json_atomically(
            &self.snapshot_path,
            &SnapshotFileRef {
                version: SNAPSHOT_VERSION,
                fingerprint: &self.fingerprint,
                repos: &self.repos,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_file_names_are_pinned() {
        // Renaming these files would throw away every existing cache.
        let dir = tempfile::tempdir().expect("temp dir");
        let state = StateDir::open(
            dir.path(),
            "https://api.github.com\nacme",
            "https://api.github.com\nacme\ncatalog-info.yaml\ncatalog-info.yml\nall",
            &|_| {},
        )
        .expect("state dir");
        assert_eq!(
            state.listing_path.file_name().and_then(|n| n.to_str()),
            Some("listing-1ddf3693163bda64.json")
        );
        assert_eq!(
            state.snapshot_path.file_name().and_then(|n| n.to_str()),
            Some("snapshots-8899f55a9a01f2aa.json")
        );
    }

    #[test]
    fn a_corrupt_state_file_is_a_warning_and_a_miss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let open = |warnings: &std::cell::RefCell<Vec<String>>| {
            StateDir::open(dir.path(), "k", "f", &|w| {
                warnings.borrow_mut().push(w.to_string())
            })
            .expect("state dir")
        };
        let warnings = std::cell::RefCell::new(Vec::new());
        let state = open(&warnings);
        assert!(warnings.borrow().is_empty(), "missing files are no warning");
        std::fs::write(&state.listing_path, "{not json").expect("write");
        std::fs::write(&state.snapshot_path, [0xff, 0xfe]).expect("write");
        let state = open(&warnings);
        assert!(state.listing.is_none() && state.repos.is_empty());
        let warnings = warnings.into_inner();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("listing-") && warnings[0].contains("is corrupt"));
        assert!(warnings[1].contains("snapshots-") && warnings[1].contains("cannot be read"));
    }

    #[test]
    fn listing_progress_is_resumed_within_the_hour_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let open = || StateDir::open(dir.path(), "k", "f", &|w| panic!("{w}")).expect("state");
        let mut state = open();
        let mut progress = ListingProgress::default();
        progress.asc.cursor = Some("Y3Vyc29y".into());
        progress.desc.cursor = Some("ZGVzYw==".into());
        progress.requests = 1;
        progress.total_counts.insert(500);
        state.listing = Some(progress.clone());
        state.save_listing().expect("save");
        assert_eq!(open().listing, Some(progress), "both ends' cursors resumed");

        // Saved two hours ago: the pages may hide pushes since, so the listing starts over.
        let text = std::fs::read_to_string(&state.listing_path).expect("read");
        let mut file: serde_json::Value = serde_json::from_str(&text).expect("json");
        file["saved_at"] = serde_json::json!(now_secs() - 7_200);
        std::fs::write(&state.listing_path, file.to_string()).expect("write");
        assert!(open().listing.is_none());

        // A version 1 file (REST pages with ETags) is ignored without a warning.
        std::fs::write(
            &state.listing_path,
            r#"{"version":1,"pages":{"https://x/orgs/a/repos":{"etag":"e","body":"[]","next":null}}}"#,
        )
        .expect("write");
        assert!(open().listing.is_none());

        // Nor is a version 2 file (one cursor of a one-ended listing).
        let v2 = serde_json::json!({"version": 2, "saved_at": now_secs(),
            "progress": {"cursor": "Y3Vyc29y", "repos": []}});
        std::fs::write(&state.listing_path, v2.to_string()).expect("write");
        assert!(open().listing.is_none());
    }
}
