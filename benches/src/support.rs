//! What the benches and examples share besides the generator: the parse floor, the
//! scoring date and options, catalog file lists and temporary directories.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The YAML library alone: every event saphyr's parser reads from `text`, counted and
/// dropped, with no tree, no scalar resolution and no positions kept. This is the strict
/// parse floor; `yardstick::parse_stream` (events, plus the tree with spans that Backstage's
/// reader semantics need) is the other.
pub fn parse_events(text: &str) -> usize {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut events = 0;
    while let Some(Ok(event)) = parser.next_event() {
        std::hint::black_box(&event);
        events += 1;
    }
    events
}

/// The date scoring runs with in the benches, so that exemptions never expire mid-run.
pub const TODAY: &str = "2025-06-01";

/// `1000` as `1k`: benchmark and directory names.
pub fn label(n: usize) -> String {
    if n % 1000 == 0 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// Scoring options for a generated catalog: its `facts.json` and [`TODAY`].
pub fn score_options(dir: &Path) -> io::Result<yardstick::ScoreOptions> {
    let text = fs::read_to_string(dir.join("facts.json"))?;
    let facts = yardstick::Facts::parse(&text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    Ok(yardstick::ScoreOptions {
        facts,
        today: Some(TODAY.into()),
        ..yardstick::ScoreOptions::default()
    })
}

/// Every `catalog-info.yaml` below `dir`, sorted.
pub fn catalog_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if entry.file_name() == "catalog-info.yaml" {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The catalog file at `path` below `root` as a source, read now, shown relative to `root`
/// (as `lint_paths` of `root` shows it).
pub fn read_source(path: &Path, root: &Path) -> io::Result<yardstick::SourceFile> {
    let shown = path.strip_prefix(root).unwrap_or(path);
    Ok(yardstick::SourceFile {
        path: path.to_path_buf(),
        display: shown.to_string_lossy().replace('\\', "/"),
        root: root.to_path_buf(),
        text: std::sync::Arc::from(fs::read_to_string(path)?),
    })
}

/// A directory below the system temp dir, removed (with its contents) on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/yardstick-<label>-<pid>-<n>`.
    pub fn new(label: &str) -> io::Result<Self> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("yardstick-{label}-{}-{n}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The ratio `num[k] / den[k]` of each round `k` (two phases timed seconds apart, under
/// about the same load), as "median [min .. max]" over the rounds, each followed by
/// `unit`.
///
/// ```
/// use std::time::Duration;
/// let ms = Duration::from_millis;
/// let text = yardstick_benches::round_ratio(&[ms(30), ms(20)], &[ms(10), ms(10)], "x");
/// assert_eq!(text, "3.00x [2.00x .. 3.00x]");
/// ```
pub fn round_ratio(num: &[Duration], den: &[Duration], unit: &str) -> String {
    let mut r: Vec<f64> = num
        .iter()
        .zip(den)
        .map(|(n, d)| n.as_secs_f64() / d.as_secs_f64())
        .collect();
    if r.is_empty() {
        return "-".to_string();
    }
    r.sort_by(f64::total_cmp);
    format!(
        "{:.2}{unit} [{:.2}{unit} .. {:.2}{unit}]",
        r[r.len() / 2],
        r[0],
        r[r.len() - 1]
    )
}
