//! Maps keyed by a hash computed already: the key is its own hash.
//!
//! A catalog-wide index hashes each reference once, on the pool, with a keyed hasher; a
//! map of those hashes then need not hash them again.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for `u64` keys that are hashes already (from a keyed hasher, so no input can
/// choose them): the key is the hash.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys come here; any other is folded in rather than dropped.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

/// A map from hashes computed already to `V`.
pub(crate) type PrehashedMap<V> = HashMap<u64, V, BuildHasherDefault<Prehashed>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_u64_key_is_its_own_hash() {
        use std::hash::BuildHasher;
        let build = BuildHasherDefault::<Prehashed>::default();
        assert_eq!(
            build.hash_one(0x1234_5678_9abc_def0_u64),
            0x1234_5678_9abc_def0
        );
        let mut map = PrehashedMap::default();
        map.insert(7, "seven");
        assert_eq!(map.get(&7), Some(&"seven"));
        assert_eq!(map.get(&8), None);
    }
}
