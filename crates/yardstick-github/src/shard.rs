//! Deterministic sharding of repositories across parallel runners.

use std::fmt;
use std::str::FromStr;

use yardstick::util::fnv::fnv1a_64;

use crate::ScanError;

/// One of `count` disjoint shards (1-based `index`). Parses from `"I/N"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shard {
    /// 1-based shard number.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Whether the repository belongs to this shard: FNV-1a (64-bit) of the lowercased name,
    /// modulo `count`, equals `index - 1`. The same on every platform and run.
    pub fn includes(&self, repo_name: &str) -> bool {
        let Some(wanted) = self.index.checked_sub(1) else {
            return false;
        };
        if self.count == 0 || self.index > self.count {
            return false;
        }
        let hash = fnv1a_64(repo_name.to_lowercase().as_bytes());
        hash % u64::from(self.count) == u64::from(wanted)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ScanError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ScanError::InvalidOptions(format!("shard {text:?}: {why}"));
        let (index, count) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| bad("expected I/N, e.g. 1/4"))?;
        let index: u32 = index
            .trim()
            .parse()
            .map_err(|_| bad("I in I/N must be a whole number"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| bad("N in I/N must be a whole number"))?;
        if count == 0 {
            return Err(bad("N must be at least 1"));
        }
        if index == 0 {
            return Err(bad("shards are numbered from 1"));
        }
        if index > count {
            return Err(bad("I must not exceed N"));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            "2/5".parse::<Shard>().ok(),
            Some(Shard { index: 2, count: 5 })
        );
        for bad in ["0/3", "4/3", "1/0", "x", "1/", "/2", "a/b", "-1/2"] {
            let err = bad.parse::<Shard>().err().map(|e| e.to_string());
            assert!(err.is_some_and(|e| e.contains(bad)), "{bad}");
        }
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; its remainder by 7 picks the shard.
        let expected = (0xaf63_dc4c_8601_ec8c_u64 % 7) as u32 + 1;
        assert!(Shard {
            index: expected,
            count: 7
        }
        .includes("A"));
    }

    #[test]
    fn invalid_shards_hold_nothing_and_do_not_panic() {
        for shard in [
            Shard { index: 0, count: 3 },
            Shard { index: 4, count: 3 },
            Shard { index: 1, count: 0 },
            Shard { index: 0, count: 0 },
        ] {
            assert!(!shard.includes("anything"), "{shard}");
        }
    }

    #[test]
    fn one_shard_holds_everything() {
        assert!(Shard { index: 1, count: 1 }.includes("anything"));
    }
}
