//! Writes a synthetic catalog: `gen-catalog DIR [--seed N] [--entities N]`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: gen-catalog DIR [--seed N] [--entities N]";

fn main() -> ExitCode {
    let mut dir: Option<PathBuf> = None;
    let mut seed = 1u64;
    let mut entities = 10_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = args.next().ok_or_else(|| format!("{name} needs a value"))?;
            value
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{name}: `{value}` is not a number"))
        };
        let parsed = match arg.as_str() {
            "--seed" => number("--seed").map(|n| seed = n),
            "--entities" => number("--entities").map(|n| entities = n as usize),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            a if a.starts_with('-') => Err(format!("unknown option {a}")),
            a if dir.is_none() => {
                dir = Some(PathBuf::from(a));
                Ok(())
            }
            a => Err(format!("unexpected argument {a}")),
        };
        if let Err(e) = parsed {
            eprintln!("gen-catalog: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let Some(dir) = dir else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    match yardstick_benches::try_generate(&dir, seed, entities) {
        Ok(stats) => {
            println!(
                "wrote {} entities in {} files ({} bytes) to {} in {:.2?}",
                stats.entities,
                stats.files,
                stats.bytes,
                dir.display(),
                start.elapsed()
            );
            let kinds: Vec<String> = stats
                .by_kind
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            println!("kinds: {}", kinds.join(", "));
            println!(
                "lint errors: {}, failing a check: {}, facts: {}, mkdocs.yml: {}",
                stats.lint_errors, stats.check_failures, stats.facts, stats.mkdocs_files
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-catalog: cannot write {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
