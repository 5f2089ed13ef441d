//! "Did you mean …": the nearest of some candidates by edit distance, for every hint that
//! suggests a spelling (references, spec keys, facts keys).

/// Levenshtein distance between `a` and `b`, by characters.
///
/// ```
/// use yardstick::util::edit_distance::distance;
/// assert_eq!(distance("team-paymnets", "team-payments"), 2);
/// assert_eq!(distance("", "abc"), 3);
/// ```
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate nearest to `word` within the allowed distance: at most 2, or 1 for words
/// under 5 characters. Exact matches are not suggestions; of equally near candidates, the
/// alphabetically first.
///
/// ```
/// use yardstick::util::edit_distance::did_you_mean;
/// let owners = ["team-payments", "team-search"];
/// assert_eq!(did_you_mean("team-paymnets", owners), Some("team-payments"));
/// assert_eq!(did_you_mean("ownr", ["owner", "type"]), Some("owner"));
/// assert_eq!(did_you_mean("web", ["dev"]), None, "2 edits is too many for a short name");
/// ```
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = if word.chars().count() < 5 { 1 } else { 2 };
    nearest_within(word, candidates, limit)
}

/// The candidate nearest to `word` at a distance of 1 to `limit`; of equally near ones, the
/// alphabetically first.
///
/// ```
/// use yardstick::util::edit_distance::nearest_within;
/// assert_eq!(nearest_within("upperr", ["lower", "upper"], 1), Some("upper"));
/// assert_eq!(nearest_within("upper", ["upper"], 1), None);
/// ```
pub fn nearest_within<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    limit: usize,
) -> Option<&'c str> {
    let length = word.chars().count();
    candidates
        .into_iter()
        // A length apart by more than `limit` is more than `limit` edits: skip the table.
        .filter(|candidate| candidate.len().abs_diff(word.len()) <= limit * 4)
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= limit)
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|(d, _)| (1..=limit).contains(d))
        .min()
        .map(|(_, candidate)| candidate)
}
