//! The state directory: listing ETag cache and per-repository snapshot cache (which doubles as
//! resume progress). Every file is written atomically (temporary file, then rename).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{state_error, RepoSnapshot, ScanError};

/// Bumped when the files' shape changes; older files are ignored.
const VERSION: u32 = 1;

/// One cached listing page.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct CachedPage {
    pub etag: String,
    pub body: String,
    pub next: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct ListingFile {
    version: u32,
    pages: BTreeMap<String, CachedPage>,
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
    fingerprint: String,
    pub pages: BTreeMap<String, CachedPage>,
    pub repos: BTreeMap<String, CachedRepo>,
}

pub(crate) fn fnv_hex(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn read_json<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T, ScanError> {
    match std::fs::read_to_string(path) {
        // A corrupt or foreign file is a cache miss, not an error.
        Ok(text) => Ok(serde_json::from_str(&text).unwrap_or_default()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(state_error(path, e)),
    }
}

fn write_atomic(path: &Path, value: &impl Serialize) -> Result<(), ScanError> {
    let text = serde_json::to_string(value).map_err(|e| state_error(path, e))?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("state.json");
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| state_error(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        state_error(path, e)
    })
}

impl StateDir {
    /// Opens (creating the directory) the cache for `listing_key` (host + org) and
    /// `fingerprint` (host + org + catalog paths + shard).
    pub fn open(dir: &Path, listing_key: &str, fingerprint: &str) -> Result<StateDir, ScanError> {
        std::fs::create_dir_all(dir).map_err(|e| state_error(dir, e))?;
        let listing_path = dir.join(format!("listing-{}.json", fnv_hex(listing_key)));
        let snapshot_path = dir.join(format!("snapshots-{}.json", fnv_hex(fingerprint)));
        let listing: ListingFile = read_json(&listing_path)?;
        let snapshots: SnapshotFile = read_json(&snapshot_path)?;
        let pages = if listing.version == VERSION {
            listing.pages
        } else {
            BTreeMap::new()
        };
        let repos = if snapshots.version == VERSION && snapshots.fingerprint == fingerprint {
            snapshots.repos
        } else {
            BTreeMap::new()
        };
        Ok(StateDir {
            listing_path,
            snapshot_path,
            fingerprint: fingerprint.to_string(),
            pages,
            repos,
        })
    }

    pub fn save_listing(&self) -> Result<(), ScanError> {
        #[derive(Serialize)]
        struct Out<'a> {
            version: u32,
            pages: &'a BTreeMap<String, CachedPage>,
        }
        write_atomic(
            &self.listing_path,
            &Out {
                version: VERSION,
                pages: &self.pages,
            },
        )
    }

    pub fn save_snapshots(&self) -> Result<(), ScanError> {
        #[derive(Serialize)]
        struct Out<'a> {
            version: u32,
            fingerprint: &'a str,
            repos: &'a BTreeMap<String, CachedRepo>,
        }
        write_atomic(
            &self.snapshot_path,
            &Out {
                version: VERSION,
                fingerprint: &self.fingerprint,
                repos: &self.repos,
            },
        )
    }
}
