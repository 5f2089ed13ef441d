//! `yardstick report --from`: a saved JSON report rendered in other formats.

use std::path::Path;

use yardstick::report::Report;

use crate::exit_code::EXIT_OK;
use crate::flags::OutputArgs;
use crate::output;

pub fn run(from: &Path, args: &OutputArgs) -> Result<u8, String> {
    let text = std::fs::read_to_string(from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let report = Report::from_json(&text).map_err(|e| format!("{}: {e}", from.display()))?;
    output::emit(args, &report, output::Live::Saved)?;
    Ok(EXIT_OK)
}
