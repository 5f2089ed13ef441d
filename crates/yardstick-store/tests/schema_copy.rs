//! The store validates reports against its own copy of the published score-report schema
//! (cargo packages only files inside the crate); the copy must not drift from the original.

use std::path::Path;

#[test]
fn the_packaged_schema_is_the_published_one() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &Path| {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let copy = read(&crate_dir.join("schemas/score-report.schema.json"));
    let published = read(&crate_dir.join("../../docs/schemas/score-report.schema.json"));
    assert!(
        copy == published,
        "crates/yardstick-store/schemas/score-report.schema.json differs from \
         docs/schemas/score-report.schema.json: copy the published one over it"
    );
}
