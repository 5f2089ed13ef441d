//! Helpers shared by the binary's integration tests.
#![allow(dead_code)]

pub mod github;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (fixtures, policies, schemas).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the `yardstick` binary in `dir`, without colour and without wrapping (a `COLUMNS`
/// from the shell that runs the tests would wrap human output).
pub fn yardstick(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yardstick"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .expect("run yardstick")
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Eight team Groups (`team-0` … `team-7`) in one multi-document file: the owners the fake
/// GitHub organisation's generated components name.
pub fn team_groups_yaml() -> String {
    (0..8)
        .map(|i| {
            format!(
                "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{i}\nspec:\n  type: team\n  children: []\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}
