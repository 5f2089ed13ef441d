//! The async runtime the GitHub client runs on.

/// A two-thread tokio runtime with I/O and timers.
pub fn start() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}
