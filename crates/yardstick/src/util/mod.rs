//! Small helpers with one home each: hashing, dates, edit distance, paths, URL encoding, atomic writes,
//! control characters made visible.
//!
//! They sit below every other module and import none of them. The GitHub crate and the CLI
//! use them too, so that a value they publish (a shard, a fingerprint, a cache file name) is
//! computed by the same code as the core's.

pub mod atomic_write;
pub mod civil_date;
pub mod edit_distance;
pub mod escape;
pub mod fnv;
pub mod path;
pub mod percent;
pub(crate) mod prehashed;
pub mod shared_str;
pub mod span;
