//! `yardstick rules`: every lint rule with its id, severity and help.

use std::io::{self, Write};

use yardstick::RULES;

use crate::exit_code::EXIT_OK;

/// Writes the rule list to stdout: a table, or JSON with `as_json`.
pub fn run(as_json: bool) -> Result<u8, String> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = if as_json {
        let rules: Vec<_> = RULES
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "severity": r.severity, "summary": r.summary, "help": r.help, "url": r.docs_url()}))
            .collect();
        serde_json::to_writer_pretty(&mut out, &rules)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        RULES
            .iter()
            .try_for_each(|r| writeln!(out, "{:<32} {:<8} {}", r.id, r.severity, r.summary))
    };
    crate::stdio::stdout_result(result.and_then(|()| out.flush()))?;
    Ok(EXIT_OK)
}
