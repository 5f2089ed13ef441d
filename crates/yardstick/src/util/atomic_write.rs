//! Writing a file so that readers see the old contents or the new, never a part.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`.
///
/// The temporary file is removed when any step fails.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("yardstick-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("report.json");
/// yardstick::util::atomic_write::write_atomically(&path, b"{}").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"{}");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// [`write_atomically`] with the contents streamed by `write` (buffered), so that a large
/// report is never held in memory whole.
///
/// ```
/// use std::io::Write;
/// let dir = std::env::temp_dir().join(format!("yardstick-doc-with-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("report.json");
/// yardstick::util::atomic_write::write_atomically_with(&path, |out| writeln!(out, "{{}}")).unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
/// // A failed write leaves the old contents and no temporary file.
/// let failed = yardstick::util::atomic_write::write_atomically_with(&path, |out| {
///     out.write_all(b"[")?;
///     Err(std::io::Error::other("render failed"))
/// });
/// assert!(failed.is_err());
/// assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let temp: PathBuf = dir.join(format!(".{name}.yardstick-{}.tmp", std::process::id()));
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&temp)?);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
