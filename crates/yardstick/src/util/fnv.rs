//! FNV-1a, 64-bit: the one non-keyed hash yardstick publishes.
//!
//! Shard assignment, SARIF fingerprints and cache file names depend on its exact values,
//! which the tests pin.

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// An incremental FNV-1a 64 hasher.
///
/// ```
/// use yardstick::util::fnv::{fnv1a_64, Fnv1a64};
///
/// let mut hasher = Fnv1a64::new();
/// hasher.write(b"ab");
/// hasher.write(b"c");
/// assert_eq!(hasher.finish(), fnv1a_64(b"abc"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a64(u64);

impl Fnv1a64 {
    /// A hasher at the offset basis.
    ///
    /// ```
    /// use yardstick::util::fnv::Fnv1a64;
    /// assert_eq!(Fnv1a64::new().finish(), 0xcbf2_9ce4_8422_2325);
    /// ```
    #[inline]
    pub const fn new() -> Self {
        Fnv1a64(OFFSET_BASIS)
    }

    /// Hashes `bytes` into the state.
    ///
    /// ```
    /// use yardstick::util::fnv::Fnv1a64;
    /// let mut hasher = Fnv1a64::new();
    /// hasher.write(b"a");
    /// assert_eq!(hasher.finish(), 0xaf63_dc4c_8601_ec8c);
    /// ```
    #[inline]
    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }

    /// The hash of everything written so far.
    ///
    /// ```
    /// use yardstick::util::fnv::Fnv1a64;
    /// let mut hasher = Fnv1a64::new();
    /// hasher.write(b"foobar");
    /// assert_eq!(hasher.finish(), 0x85944171f73967e8);
    /// ```
    #[inline]
    pub const fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv1a64 {
    fn default() -> Self {
        Self::new()
    }
}

/// FNV-1a 64 of `bytes`.
///
/// ```
/// assert_eq!(yardstick::util::fnv::fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(yardstick::util::fnv::fnv1a_64(b"foobar"), 0x85944171f73967e8);
/// ```
#[inline]
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hasher = Fnv1a64::new();
    hasher.write(bytes);
    hasher.finish()
}

/// FNV-1a 64 of `text` as 16 lower-case hex digits.
///
/// ```
/// assert_eq!(yardstick::util::fnv::fnv1a_64_hex("foobar"), "85944171f73967e8");
/// ```
pub fn fnv1a_64_hex(text: &str) -> String {
    format!("{:016x}", fnv1a_64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_test_vectors() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a_64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x85944171f73967e8);
    }
}
