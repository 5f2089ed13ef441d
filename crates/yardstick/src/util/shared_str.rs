//! A cheaply cloned, immutable string for report fields that repeat across entities.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable string whose clones share one allocation.
///
/// A scorecard repeats the same check ids, messages, pointers, kinds, owners and file names
/// for thousands of entities; sharing them keeps a large scorecard small. It reads like a
/// `&str` (it derefs to one) and compares equal to `str`, `&str` and `String`:
///
/// ```
/// use yardstick::SharedStr;
/// let id = SharedStr::from("has-owner");
/// assert!(id == "has-owner");
/// assert_eq!(id.len(), 9);
/// assert_eq!(id.clone(), id);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<SharedStr> for String {
    fn from(text: SharedStr) -> Self {
        text.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}

/// Hands out one shared string for equal texts read close together (map keys, scorecard
/// messages). A direct-mapped table: a text's slot holds the last text hashed there, so
/// memory and time per lookup are constant whatever the input, and hostile input can only
/// make it miss (and allocate, as without a cache).
pub(crate) struct StrCache {
    slots: Vec<Option<SharedStr>>,
    size: usize,
}

impl StrCache {
    /// Longer texts are not worth a lookup.
    const MAX_BYTES: usize = 256;

    /// A cache of `size` slots (at least one), allocated on first use.
    pub(crate) fn new(size: usize) -> Self {
        StrCache {
            slots: Vec::new(),
            size: size.max(1),
        }
    }

    /// A shared string equal to `text`.
    pub(crate) fn get(&mut self, text: &str) -> SharedStr {
        if text.len() > Self::MAX_BYTES {
            return SharedStr::from(text);
        }
        if self.slots.is_empty() {
            self.slots = vec![None; self.size];
        }
        // FNV-1a: short texts, no need for a keyed hash (a collision only costs a miss).
        let hash = super::fnv::fnv1a_64(text.as_bytes());
        let Some(slot) = self.slots.get_mut(hash as usize % self.size) else {
            return SharedStr::from(text);
        };
        match slot {
            Some(shared) if **shared == *text => shared.clone(),
            _ => slot.insert(SharedStr::from(text)).clone(),
        }
    }
}
