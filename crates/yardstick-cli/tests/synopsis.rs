//! The command synopses in README.md and docs/*.md are the binary's own `--help` text.
//!
//! The fenced block right after a `<!-- usage: lint score … -->` line holds the `Usage:` line
//! of `yardstick CMD --help` for each CMD; the block after `<!-- help: score -h -->` holds the
//! whole output of `yardstick score -h`. After changing a flag or a command, regenerate every
//! block with `UPDATE_DOCS=1 cargo test -p yardstick-cli --test synopsis`.

mod common;

use std::path::PathBuf;
use std::process::Command;

const USAGE_MARK: &str = "<!-- usage: ";
const HELP_MARK: &str = "<!-- help: ";
const MARK_END: &str = " -->";

/// The stdout of `yardstick ARGS`, which must succeed. `COLUMNS` is fixed so that the text
/// does not depend on the terminal of whoever regenerates it.
fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("run yardstick");
    assert!(
        out.status.success(),
        "yardstick {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 help")
}

/// The `Usage:` section of `yardstick CMD --help`, without the `Usage: ` prefix (clap
/// indents further usage lines by the prefix's width).
fn usage(command: &str) -> Vec<String> {
    let help = run(&[command, "--help"]);
    let mut lines = help.lines().skip_while(|l| !l.starts_with("Usage: "));
    let first = lines.next().expect("a Usage: line");
    std::iter::once(first)
        .chain(lines.take_while(|l| l.starts_with("       ") && !l.trim().is_empty()))
        .map(|l| l.get("Usage: ".len()..).unwrap_or_default().to_string())
        .collect()
}

/// The commands `yardstick --help` lists, without clap's own `help`.
fn commands() -> Vec<String> {
    run(&["--help"])
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

/// What the block after `marker` (a whole marker line) must hold, or None for other lines.
fn generated(marker: &str) -> Option<String> {
    let line = marker.trim();
    let inner = |mark: &str| line.strip_prefix(mark)?.strip_suffix(MARK_END);
    if let Some(names) = inner(USAGE_MARK) {
        let lines: Vec<String> = names.split_whitespace().flat_map(usage).collect();
        return Some(lines.join("\n") + "\n");
    }
    let args = inner(HELP_MARK)?;
    let mut args = args.split_whitespace();
    assert_eq!(
        args.next(),
        Some("yardstick"),
        "{line}: a help marker runs yardstick"
    );
    Some(run(&args.collect::<Vec<_>>()))
}

/// `text` with the fenced block after every marker replaced by its generated content.
fn regenerate(name: &str, text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.split_inclusive('\n').enumerate();
    while let Some((_, line)) = lines.next() {
        out.push_str(line);
        let Some(want) = generated(line) else {
            continue;
        };
        let (n, fence) = lines.next().expect("a fenced block after the marker");
        assert!(
            fence.starts_with("```"),
            "{name}:{}: a marker must be followed by a ``` block",
            n + 1
        );
        out.push_str(fence);
        out.push_str(&want);
        let (_, close) = lines
            .find(|(_, l)| l.trim_end() == "```")
            .unwrap_or_else(|| panic!("{name}:{}: unclosed block", n + 1));
        out.push_str(close);
    }
    out
}

/// README.md and docs/*.md, with their names relative to the repository.
fn documents() -> Vec<(String, PathBuf)> {
    let root = common::repo();
    let mut docs: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            (
                format!("docs/{}", p.file_name().unwrap().to_string_lossy()),
                p,
            )
        })
        .collect();
    docs.sort();
    docs.insert(0, ("README.md".into(), root.join("README.md")));
    docs
}

#[test]
fn synopses_are_the_help_text() {
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for (name, path) in documents() {
        let have = std::fs::read_to_string(&path).expect("read doc");
        let want = regenerate(&name, &have);
        if have != want {
            if update {
                std::fs::write(&path, &want).expect("write doc");
            } else {
                stale.push(name);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale synopses in {stale:?}; regenerate with \
         `UPDATE_DOCS=1 cargo test -p yardstick-cli --test synopsis`"
    );
}

/// The README's synopsis names every command, in `yardstick --help`'s order.
#[test]
fn readme_synopsis_lists_every_command() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).expect("README");
    let listed: Vec<&str> = readme
        .lines()
        .find_map(|l| l.trim().strip_prefix(USAGE_MARK)?.strip_suffix(MARK_END))
        .expect("README.md has a usage marker")
        .split_whitespace()
        .collect();
    assert_eq!(listed, commands());
}

/// The markers are where the synopses are, so the check above cannot pass on no blocks.
#[test]
fn every_synopsis_is_generated() {
    let marked = |name: &str, mark: &str| {
        let text = std::fs::read_to_string(common::repo().join(name)).expect(name);
        assert!(text.contains(mark), "{name} has no `{mark}` marker");
    };
    marked("README.md", USAGE_MARK);
    marked("docs/score-format.md", "<!-- help: yardstick score -h -->");
    marked("docs/github-action.md", "<!-- usage: scan-org merge -->");
}

#[test]
fn usage_reads_clap_usage_lines() {
    assert_eq!(usage("verify"), ["yardstick verify [OPTIONS] [DIR]"]);
    let block = generated("<!-- usage: verify rules -->\n").expect("a usage marker");
    assert_eq!(
        block,
        "yardstick verify [OPTIONS] [DIR]\nyardstick rules [OPTIONS]\n"
    );
    assert_eq!(generated("```text\n"), None);
}
