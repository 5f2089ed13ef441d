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
    let mut file = AtomicFile::create(path)?;
    write(&mut file)?;
    file.commit()
}

/// A file being written atomically, for writers that cannot be a closure (several reports
/// written side by side as results arrive): written to a temporary file beside the path,
/// buffered, and renamed into place by [`AtomicFile::commit`]. Dropped without a commit, it
/// removes the temporary file and leaves the old contents. A path that exists and is not a
/// regular file (`/dev/null`, a pipe) is written in place.
///
/// ```
/// use std::io::Write;
/// use yardstick::util::atomic_write::AtomicFile;
/// let dir = std::env::temp_dir().join(format!("yardstick-doc-atomic-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let (a, b) = (dir.join("a.json"), dir.join("b.json"));
/// let (mut first, mut second) = (AtomicFile::create(&a).unwrap(), AtomicFile::create(&b).unwrap());
/// write!(first, "[1").unwrap();
/// write!(second, "[2]").unwrap();
/// write!(first, "]").unwrap();
/// first.commit().unwrap();
/// drop(second); // not committed: nothing is written
/// assert_eq!(std::fs::read(&a).unwrap(), b"[1]");
/// assert!(!b.exists());
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    out: Option<std::io::BufWriter<std::fs::File>>,
    path: PathBuf,
    /// The temporary file, until it is renamed; `None` for a path written in place.
    temp: Option<PathBuf>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            // A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written in place:
            // renaming over it would replace it with a plain file.
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(AtomicFile {
                out: Some(std::io::BufWriter::new(file)),
                path: path.to_path_buf(),
                temp: None,
            });
        }
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        let temp = dir.join(format!(".{name}.yardstick-{}.tmp", std::process::id()));
        let file = std::fs::File::create(&temp)?;
        Ok(AtomicFile {
            out: Some(std::io::BufWriter::new(file)),
            path: path.to_path_buf(),
            temp: Some(temp),
        })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> std::io::Result<()> {
        let Some(out) = self.out.take() else {
            return Ok(());
        };
        let file = out.into_inner().map_err(|e| e.into_error())?;
        let Some(temp) = &self.temp else {
            return Ok(());
        };
        file.sync_all()?;
        std::fs::rename(temp, &self.path)?;
        self.temp = None;
        Ok(())
    }

    fn out(&mut self) -> std::io::Result<&mut std::io::BufWriter<std::fs::File>> {
        self.out
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the file was committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out()?.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            drop(self.out.take());
            let _ = std::fs::remove_file(temp);
        }
    }
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
