//! `checks.<id>` and exemptions for a check that is not loaded are accepted, as
//! docs/configuration.md says, with a warning that names the file, line and column.

mod common;

use common::{copy_dir, repo, yardstick};

#[test]
fn setting_for_a_check_that_is_not_loaded_warns_and_scores() {
    let dir = std::env::temp_dir().join(format!("yardstick-unloaded-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo().join("fixtures/demo"), &dir);
    std::fs::write(
        dir.join("yardstick.yaml"),
        "checks:\n  has-ownr:\n    enabled: false\n  from-another-dir: {severity: low}\n",
    )
    .expect("write config");
    let out = yardstick(&["score", dir.to_str().expect("utf-8 path")], &repo());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let config = dir.join("yardstick.yaml");
    let config = config.display();
    assert!(
        stderr.contains(&format!(
            "yardstick: warning: {config}:2:3: check `has-ownr` is not loaded, so this setting \
             has no effect; did you mean `has-owner`?"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "yardstick: warning: {config}:4:3: check `from-another-dir` is not loaded, so this \
             setting has no effect\n"
        )),
        "{stderr}"
    );
}
