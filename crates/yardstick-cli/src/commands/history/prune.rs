//! `history prune --keep DURATION`.

use std::time::Duration;

use super::with_store;
use crate::exit_code::EXIT_OK;
use crate::flags::DbArgs;
use crate::stdio::eprint_line;

pub fn run(db: &DbArgs, keep: Duration) -> Result<u8, String> {
    let pruned = with_store(db, |store| async move { store.prune(keep).await })?;
    eprint_line(&format!(
        "yardstick: pruned {} runs, {} entity and {} check intervals",
        pruned.runs, pruned.entity_intervals, pruned.check_intervals
    ));
    Ok(EXIT_OK)
}
