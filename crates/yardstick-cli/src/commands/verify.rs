//! `yardstick verify`: the `test_` rules of Rego test files, like `opa test`.

use std::io::{StdoutLock, Write};
use std::path::PathBuf;

use yardstick::{rego_files, run_rego_tests};

use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};

pub fn run(dir: Option<PathBuf>, now_ns: Option<i64>) -> Result<u8, String> {
    let modules = match &dir {
        None => yardstick::builtin_modules(),
        Some(dir) => rego_files(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .into_iter()
            .map(|file| {
                std::fs::read_to_string(&file)
                    .map(|text| (file.display().to_string(), text))
                    .map_err(|e| format!("cannot read {}: {e}", file.display()))
            })
            .collect::<Result<_, _>>()?,
    };
    let outcomes = run_rego_tests(&modules, now_ns).map_err(|e| e.to_string())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    let write = |out: &mut StdoutLock<'_>| -> std::io::Result<()> {
        for outcome in &outcomes {
            match &outcome.detail {
                None => writeln!(out, "PASS {}", outcome.name)?,
                Some(detail) => writeln!(out, "FAIL {}: {detail}", outcome.name)?,
            }
        }
        writeln!(out, "{} passed, {failed} failed", outcomes.len() - failed)
    };
    crate::stdio::stdout_result(write(&mut out).and_then(|()| out.flush()))?;
    if outcomes.is_empty() {
        return Err("no test_ rules found".into());
    }
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FINDINGS })
}
