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
/// report is never held in memory whole. A path that exists and is not a regular file (a
/// device such as `/dev/null`, a pipe) is written in place, not replaced.
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
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        // A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written in place:
        // renaming over it would replace it with a plain file.
        let mut out = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        write(&mut out)?;
        return out.flush();
    }
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    /// `--output /dev/null` once replaced /dev/null with a plain file: a pipe stands in for
    /// the device here, as a test must not risk the real one.
    #[test]
    fn a_pipe_is_written_in_place_not_replaced() {
        let dir = std::env::temp_dir().join(format!("yardstick-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let fifo = dir.join("out");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("run mkfifo");
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).expect("read the pipe"))
        };
        write_atomically_with(&fifo, |out| out.write_all(b"report\n")).expect("write");
        // Checked before joining: a replaced pipe would leave the reader waiting forever.
        let kind = std::fs::symlink_metadata(&fifo).expect("stat").file_type();
        assert!(kind.is_fifo(), "{kind:?}");
        assert_eq!(reader.join().expect("reader"), b"report\n");
        assert_eq!(std::fs::read_dir(&dir).expect("list").count(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
