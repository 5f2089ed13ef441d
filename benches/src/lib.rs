//! Deterministic synthetic Backstage catalogs for benchmarking yardstick.
//!
//! [`generate`] writes a monorepo-like tree for a made-up company ("Acme"):
//!
//! ```text
//! org/<department>/<team>/catalog-info.yaml        a team Group and some of its Users
//! org/<department>/<team>/people-<k>/catalog-info.yaml   more Users
//! domains/<domain>/catalog-info.yaml               a Domain and some of its Systems
//! domains/<domain>/systems-<k>/catalog-info.yaml   more Systems
//! services/<team>/<component>/catalog-info.yaml    a Component with the APIs and Resources
//!                                                  it provides and depends on (1 to 5 docs)
//! services/<team>/<component>/mkdocs.yml           for components with `techdocs-ref: dir:.`
//! platform/<team>/<name>/catalog-info.yaml         APIs and Resources without a component
//! facts.json                                       CI status (and some monitoring facts)
//! ```
//!
//! About 20 % of the entities break one scorecard check (a missing cost-center label,
//! TechDocs, monitoring or on-call annotation, a missing `mkdocs.yml`, failing CI, an owner
//! that is not in the catalog, a database without a backup policy) and about 2 % are
//! rejected by the linter (an uppercase tag, a number as a label value, a `dependsOn`
//! entry without a kind). Every other reference resolves. The same seed and size always
//! give byte-identical output.
//!
//! Besides the generator, the crate holds what the benches and examples share: the YAML
//! parse floor ([`parse_events`]), the scoring date and options, catalog file lists and
//! temporary directories.

#![warn(missing_docs)]

mod generate;
mod rng;
mod support;

pub use generate::{generate, try_generate, Stats};
pub use rng::Rng;
pub use support::{
    catalog_files, label, parse_events, read_source, round_ratio, score_options, TempDir, TODAY,
};
