//! `yardstick history …` and `--record`: the score history in `yardstick-store`.

pub mod diff;
pub mod prune;
pub mod record;
pub mod runs;
pub mod trend;

use std::future::Future;

use yardstick_store::Store;

use crate::flags::{DbArgs, HistoryCommand};
use crate::github::runtime;

pub fn run(command: HistoryCommand) -> Result<u8, String> {
    match command {
        HistoryCommand::Record { report, db, run } => record::run(&report, &db, &run),
        HistoryCommand::Runs { db, format } => runs::run(&db, format),
        HistoryCommand::Trend(args) => trend::run(args),
        HistoryCommand::Diff(args) => diff::run(args),
        HistoryCommand::Prune { db, keep } => prune::run(&db, keep),
    }
}

/// Opens the store `db` names and runs `work` on it, on a runtime of its own.
pub fn with_store<T, F, Fut>(db: &DbArgs, work: F) -> Result<T, String>
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = Result<T, yardstick_store::StoreError>>,
{
    let address = db.address()?;
    let runtime = runtime::start()?;
    runtime.block_on(async {
        let store = Store::open(&address)
            .await
            .map_err(|e| format!("cannot open the score history {address}: {e}"))?;
        let result = work(store.clone()).await.map_err(|e| e.to_string());
        store.close().await;
        result
    })
}

/// A score with one decimal, `-` when there is none.
pub fn score_text(score: Option<f64>) -> String {
    yardstick::report::text::score_text(score, "-")
}
