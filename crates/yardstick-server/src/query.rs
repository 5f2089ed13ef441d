//! Query strings as the `qs` package writes them, which the Tech Insights client uses:
//! arrays as indexed brackets (`ids[0]=a&ids[1]=b`, brackets percent-encoded), and the
//! other spellings `qs` reads (`ids[]=a`, repeated `ids=a&ids=b`).

use url::form_urlencoded;

/// The decoded parameters of a query string, in order.
///
/// ```
/// use yardstick_server::Query;
///
/// let query = Query::parse("entity=component%3Adefault%2Fweb&ids%5B1%5D=b&ids%5B0%5D=a");
/// assert_eq!(query.single("entity").unwrap(), Some("component:default/web"));
/// assert_eq!(query.list("ids").unwrap(), ["a", "b"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

/// Where a value sits in an array parameter: `name[3]` (3), or `name[]` / `name` (in order,
/// after every indexed one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Index(usize),
    Next,
}

impl Query {
    /// Decodes `text` (without the `?`): `+` is a space, `%XX` a byte, invalid UTF-8 is
    /// replaced.
    pub fn parse(text: &str) -> Self {
        Query {
            pairs: form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The value of a plain parameter; `None` when absent, an error when given twice or as
    /// an array.
    pub fn single(&self, name: &str) -> Result<Option<&str>, String> {
        let mut found = None;
        for (key, value) in &self.pairs {
            if key == name {
                if found.is_some() {
                    return Err(format!("the query parameter {name:?} is given twice"));
                }
                found = Some(value.as_str());
            } else if slot(key, name).is_some() {
                return Err(format!(
                    "the query parameter {name:?} must be a single value"
                ));
            }
        }
        Ok(found)
    }

    /// The values of an array parameter, in index order (`qs` reads `name[i]` as the i-th
    /// element whatever order the pairs come in). An index given twice is an error.
    pub fn list(&self, name: &str) -> Result<Vec<String>, String> {
        let mut slots: Vec<(Slot, usize, &str)> = self
            .pairs
            .iter()
            .enumerate()
            .filter_map(|(at, (key, value))| slot(key, name).map(|s| (s, at, value.as_str())))
            .collect();
        slots.sort();
        for pair in slots.windows(2) {
            if let (Slot::Index(a), Slot::Index(b)) = (pair[0].0, pair[1].0) {
                if a == b {
                    return Err(format!("the query parameter {name}[{a}] is given twice"));
                }
            }
        }
        Ok(slots.into_iter().map(|(_, _, v)| v.to_string()).collect())
    }

    /// Whether a parameter is present at all, plain or as an array.
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(key, _)| slot(key, name).is_some())
    }
}

/// The slot `key` names in array `name`, `None` when it is another parameter.
fn slot(key: &str, name: &str) -> Option<Slot> {
    let rest = key.strip_prefix(name)?;
    if rest.is_empty() {
        return Some(Slot::Next);
    }
    let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Slot::Next);
    }
    if inner.bytes().all(|b| b.is_ascii_digit()) {
        return inner.parse().ok().map(Slot::Index);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_brackets_are_read_in_index_order() {
        // As qs.stringify({entity: 'component:default/a b', ids: [...]}) writes it.
        let query = Query::parse(
            "entity=component%3Adefault%2Fa%20b&ids%5B0%5D=yardstick&ids%5B1%5D=yardstick%3Ahas-owner\
             &ids%5B10%5D=k&ids%5B2%5D=c",
        );
        assert_eq!(query.single("entity"), Ok(Some("component:default/a b")));
        assert_eq!(
            query.list("ids").unwrap(),
            ["yardstick", "yardstick:has-owner", "c", "k"]
        );
    }

    #[test]
    fn other_array_spellings_and_plus_signs() {
        let query = Query::parse("ids[]=a&ids=b+c&ids%5B%5D=d&idsx=no&xids=no");
        assert_eq!(query.list("ids").unwrap(), ["a", "b c", "d"]);
        assert!(query.has("ids"));
        assert!(!query.has("entity"));
    }

    #[test]
    fn repeated_and_array_singles_and_duplicate_indices_are_errors() {
        assert!(Query::parse("entity=a&entity=b").single("entity").is_err());
        assert!(Query::parse("entity[0]=a").single("entity").is_err());
        assert!(Query::parse("ids[0]=a&ids[0]=b").list("ids").is_err());
        assert_eq!(Query::parse("").single("entity"), Ok(None));
        assert!(Query::parse("ids[99999999999999999999999]=a")
            .list("ids")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn bad_percent_encoding_does_not_panic() {
        let query = Query::parse("entity=%ZZ%ff%&ids%5B0=x");
        assert!(query.single("entity").is_ok());
        assert!(query.list("ids").unwrap().is_empty());
    }
}
