//! Files read, parsed and validated on the pool ahead of the thread that applies them in
//! queue order, so that neither waits for the other at batch boundaries.

use std::collections::HashMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc::{channel, Receiver, TryRecvError};

use super::reader::{FileReader, Prepared};

/// Files one job on the pool prepares: enough that sending its results costs little, few
/// enough that the threads finish together.
const JOB_FILES: usize = 64;

/// Jobs in flight ahead of the file being applied; with [`JOB_FILES`], it bounds how many
/// prepared files wait in memory.
const JOBS_AHEAD: usize = 4;

/// A file to prepare: its position among the files applied, its path and its root.
pub(super) type ToRead<'p> = (usize, &'p Path, &'p Path);

/// What one job gives: each of its files prepared, or the panic that stopped it.
type JobResult = std::thread::Result<Vec<(usize, Prepared)>>;

/// Calls `apply` for every position below `count` in order, with what was prepared for it
/// when it is one of `todo` (in ascending positions). The files are prepared on the pool,
/// [`JOB_FILES`] to a job and at most [`JOBS_AHEAD`] jobs ahead, while `apply` runs here;
/// a few files are prepared here. A panic while preparing is raised here.
pub(super) fn prepare_ahead(
    reader: &FileReader<'_>,
    count: usize,
    todo: &[ToRead<'_>],
    mut apply: impl FnMut(Option<Prepared>),
) {
    if todo.len() <= JOB_FILES {
        let mut prepared: HashMap<usize, Prepared> = reader.prepare(todo).into_iter().collect();
        (0..count).for_each(|i| apply(prepared.remove(&i)));
        return;
    }
    let (sender, results) = channel::<JobResult>();
    rayon::in_place_scope(|scope| {
        let mut jobs = todo.chunks(JOB_FILES);
        let mut spawn_next = || {
            let Some(job) = jobs.next() else { return };
            let sender = sender.clone();
            scope.spawn(move |_| {
                let prepared = catch_unwind(AssertUnwindSafe(|| reader.prepare(job)));
                // The receiver lives until every job is done (the scope's end).
                let _ = sender.send(prepared);
            });
        };
        (0..JOBS_AHEAD).for_each(|_| spawn_next());
        let mut arrived: HashMap<usize, Prepared> = HashMap::new();
        let mut wanted = todo.iter().map(|(i, ..)| *i).peekable();
        for i in 0..count {
            if wanted.next_if_eq(&i).is_none() {
                apply(None);
                continue;
            }
            // The job holding `i` is spawned: every earlier job held earlier positions, all
            // applied, so all received, and each one received spawned the next.
            while !arrived.contains_key(&i) {
                match receive(&results) {
                    Ok(job) => arrived.extend(job),
                    Err(panic) => resume_unwind(panic),
                }
                spawn_next();
            }
            apply(arrived.remove(&i));
        }
    });
}

/// The next job's results. On a pool thread, runs other work while none has come (a job
/// may be queued behind this one); elsewhere, or with nothing else to run, waits.
fn receive(results: &Receiver<JobResult>) -> JobResult {
    loop {
        match results.try_recv() {
            Ok(job) => return job,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {}
        }
        if !matches!(rayon::yield_now(), Some(rayon::Yield::Executed)) {
            break;
        }
    }
    // `prepare_ahead` holds a sender while it receives, so this waits for a job.
    results
        .recv()
        .unwrap_or_else(|_| Err(Box::new("a prepared file's job ended without its results")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::LintOptions;

    /// Writes `count` catalog files and lists every other one (and the last) as to read,
    /// with its position.
    fn files(dir: &Path, count: usize) -> Vec<(usize, std::path::PathBuf)> {
        (0..count)
            .filter(|i| i % 2 == 0 || *i == count - 1)
            .map(|i| {
                let file = dir.join(format!("c{i}.yaml"));
                let text = format!("kind: Component\nmetadata:\n  name: c{i}\n");
                std::fs::write(&file, text).map(|()| (i, file))
            })
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("write: {e}"))
    }

    /// The shown path of each position's prepared file, in the order `apply` was called.
    fn applied(reader: &FileReader<'_>, count: usize, todo: &[ToRead<'_>]) -> Vec<Option<String>> {
        let mut seen = Vec::new();
        prepare_ahead(reader, count, todo, |prepared| {
            seen.push(prepared.map(|(display, ..)| display));
        });
        seen
    }

    #[test]
    fn every_position_is_applied_in_order_with_its_own_file_on_any_pool() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let options = LintOptions::default();
        let reader = FileReader {
            options: &options,
            display_base: None,
            parts: None,
            whole_documents: false,
        };
        // Fewer files than a job (read here), and many jobs' worth (read on the pool).
        for count in [5, JOB_FILES * JOBS_AHEAD * 3 + 7] {
            let written = files(dir.path(), count);
            let todo: Vec<ToRead<'_>> = (written.iter())
                .map(|(i, file)| (*i, file.as_path(), dir.path()))
                .collect();
            let expected: Vec<Option<String>> = (0..count)
                .map(|i| (i % 2 == 0 || i == count - 1).then(|| format!("c{i}.yaml")))
                .collect();
            assert_eq!(applied(&reader, count, &todo), expected, "{count} files");
            // Called from a pool's only thread, which must run the jobs itself.
            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build();
            let pool = pool.unwrap_or_else(|e| panic!("pool: {e}"));
            let on_pool = pool.install(|| applied(&reader, count, &todo));
            assert_eq!(on_pool, expected, "{count} files, one pool thread");
        }
    }
}
