//! Layering config files: objects merge key by key; anything else (arrays, scalars, `null`)
//! in a later layer replaces what lies below. A `null` is kept in the merged tree so that it
//! goes on hiding the layers below it; reading treats it as absent.

use super::{ConfigKind, ConfigValue};

/// `upper` laid over `lower`.
pub(super) fn merge(lower: ConfigValue, upper: ConfigValue) -> ConfigValue {
    match (lower.kind, upper.kind) {
        (ConfigKind::Map(mut below), ConfigKind::Map(above)) => {
            for (key, value) in above {
                match below.iter().position(|(k, _)| *k == key) {
                    Some(i) => {
                        let (_, old) = below.remove(i);
                        below.insert(i, (key, merge(old, value)));
                    }
                    None => below.push((key, value)),
                }
            }
            ConfigValue {
                kind: ConfigKind::Map(below),
                origin: upper.origin,
            }
        }
        (_, kind) => ConfigValue {
            kind,
            origin: upper.origin,
        },
    }
}
