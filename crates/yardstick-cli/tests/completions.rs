//! `yardstick completions SHELL` and `yardstick manpage`, generated from the clap definitions.

mod common;

use common::{repo, yardstick};

const SUBCOMMANDS: [&str; 8] = [
    "lint", "score", "report", "verify", "scan-org", "merge", "github", "rules",
];

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = yardstick(&["completions", shell], &repo());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no {sub}");
        }
        assert!(script.contains("min-score"), "{shell}: no options");
    }
}

#[test]
fn completions_refuse_an_unknown_shell() {
    let out = yardstick(&["completions", "tcsh"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_manpage_is_roff_and_lists_the_subcommands() {
    let out = yardstick(&["manpage"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH yardstick 1"), "{page}");
    assert!(page.contains(&format!("yardstick {}", env!("CARGO_PKG_VERSION"))));
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for sub in SUBCOMMANDS {
        let roff_name = sub.replace('-', "\\-");
        assert!(
            page.contains(&format!("yardstick\\-{roff_name}(1)")),
            "no {sub}"
        );
    }
}

#[test]
fn each_subcommand_has_its_page() {
    for sub in SUBCOMMANDS {
        let out = yardstick(&["manpage", sub], &repo());
        assert_eq!(out.status.code(), Some(0), "{sub}");
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(page.contains(&format!(".TH yardstick-{sub} 1")), "{page}");
    }
    let page =
        String::from_utf8_lossy(&yardstick(&["manpage", "lint"], &repo()).stdout).into_owned();
    assert!(page.contains("deny\\-warnings"), "{page}");
    let out = yardstick(&["manpage", "nope"], &repo());
    assert_eq!(out.status.code(), Some(2));
}
