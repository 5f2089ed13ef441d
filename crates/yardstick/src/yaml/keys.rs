//! Map keys as the npm reader compares them: duplicates by `===` on resolved scalars, and
//! the JavaScript string each key becomes.

use std::collections::{HashMap, HashSet};

use super::{js_number_to_string, Entry, Node, Value};
use crate::util::shared_str::SharedStr;

/// `key` is the node's JSON key, which for a string is the string itself.
/// How a key compares with other keys of its mapping, as the npm reader compares them
/// (`===` on resolved scalars).
#[derive(PartialEq, Eq, Hash)]
pub(super) enum KeyIdentity {
    Null,
    Bool(bool),
    /// The bits of the number, with -0 folded into 0 (`0 === -0`).
    Number(u64),
    /// A string key is its own JSON key, so it shares that string.
    String(SharedStr),
    /// Collections, aliases and NaN never equal another key.
    Unique,
}

pub(super) fn key_identity(node: &Node, key: &SharedStr) -> KeyIdentity {
    match &node.value {
        Value::Null => KeyIdentity::Null,
        Value::Bool(b) => KeyIdentity::Bool(*b),
        Value::Number(n) if n.is_nan() => KeyIdentity::Unique,
        Value::Number(n) => KeyIdentity::Number(if *n == 0.0 { 0u64 } else { n.to_bits() }),
        Value::String(_) => KeyIdentity::String(key.clone()),
        _ => KeyIdentity::Unique,
    }
}

/// The keys of one mapping read so far: their identities (duplicates are errors) and where
/// each JSON key's entry is. Most catalog maps have a handful of keys, which linear scans
/// find faster than hashing; a map that grows past `LINEAR` keys switches to hash tables,
/// so that a huge map stays linear time.
#[derive(Default)]
pub(super) struct MapKeys {
    identities: Vec<KeyIdentity>,
    hashed: Option<(HashSet<KeyIdentity>, HashMap<SharedStr, usize>)>,
}

impl MapKeys {
    const LINEAR: usize = 16;

    pub(super) fn is_duplicate(&self, identity: &KeyIdentity) -> bool {
        *identity != KeyIdentity::Unique
            && match &self.hashed {
                Some((set, _)) => set.contains(identity),
                None => self.identities.contains(identity),
            }
    }

    /// Index in `entries` of the entry with this JSON key.
    pub(super) fn position(&self, key: &str, entries: &[Entry]) -> Option<usize> {
        match &self.hashed {
            Some((_, index)) => index.get(key).copied(),
            None => entries.iter().position(|e| *e.key == *key),
        }
    }

    /// Records a key; `added` is its JSON key and entry index when it added an entry.
    pub(super) fn insert(
        &mut self,
        identity: KeyIdentity,
        added: Option<(SharedStr, usize)>,
        entries: &[Entry],
    ) {
        if let Some((set, index)) = &mut self.hashed {
            set.insert(identity);
            if let Some((key, at)) = added {
                index.insert(key, at);
            }
            return;
        }
        self.identities.push(identity);
        if self.identities.len() > Self::LINEAR {
            let set = std::mem::take(&mut self.identities).into_iter().collect();
            let index = entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
            self.hashed = Some((set, index));
        }
    }
}

/// The string JavaScript uses for a map key (the npm reader's `stringifyKey`).
pub(super) fn json_key(node: &Node) -> String {
    match &node.value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number_to_string(*n),
        Value::String(s) => s.clone(),
        _ => node.to_json().to_string(),
    }
}
