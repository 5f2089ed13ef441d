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
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    levenshtein(&a, &b, usize::MAX, &mut Vec::new()).unwrap_or(usize::MAX)
}

/// The Levenshtein distance between `a` and `b` when it is at most `limit`. Only the cells
/// within `limit` of the diagonal are computed (a cell further off is at least that far),
/// and it stops at the first row whose every cell is over `limit` (each edit path crosses
/// every row, and a path's cost only grows): a far candidate costs a few short rows. `row`
/// is scratch space, kept by the caller across calls.
fn levenshtein<T: PartialEq>(
    a: &[T],
    b: &[T],
    limit: usize,
    row: &mut Vec<usize>,
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Any value over the limit stands for every one.
    let over = limit.saturating_add(1);
    row.clear();
    row.extend((0..=b.len()).map(|j| j.min(over)));
    for (i, ca) in (1usize..).zip(a) {
        let first = i.saturating_sub(limit).max(1);
        let last = i.saturating_add(limit).min(b.len());
        let mut diagonal = row[first - 1];
        row[first - 1] = if first == 1 { i.min(over) } else { over };
        let mut nearest = row[first - 1];
        for j in first..=last {
            let above = row[j];
            let substitute = diagonal.saturating_add(usize::from(*ca != b[j - 1]));
            row[j] = substitute
                .min(above.saturating_add(1))
                .min(row[j - 1].saturating_add(1))
                .min(over);
            diagonal = above;
            nearest = nearest.min(row[j]);
        }
        if nearest > limit {
            return None;
        }
    }
    row.last().copied().filter(|d| *d <= limit)
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
    let mut near = Nearness::new(word, limit);
    candidates
        .into_iter()
        .filter_map(|candidate| Some((near.distance(candidate)?, candidate)))
        .filter(|(d, _)| *d >= 1)
        .min()
        .map(|(_, candidate)| candidate)
}

/// Candidates sorted once, for many [`did_you_mean`] lookups among them: a facts file's
/// unknown keys are each compared with every entity of their kind.
///
/// A lookup walks the sorted words as a trie: the rows of the distance table for a prefix
/// that the previous word shares are kept, and once every cell of a row is over the limit,
/// every word with that prefix is skipped at once. The answer is [`did_you_mean`]'s.
///
/// ```
/// use yardstick::util::edit_distance::Dictionary;
/// let names = Dictionary::new(["team-search", "team-payments", "team-pay"]);
/// assert_eq!(names.did_you_mean("team-paymnets"), Some("team-payments"));
/// assert_eq!(names.did_you_mean("team-pay"), None, "an exact match is no suggestion");
/// ```
pub struct Dictionary<'c> {
    /// Ascending, without repeats.
    words: Vec<&'c str>,
    /// Every word is ASCII: the walk compares bytes.
    ascii: bool,
}

impl<'c> Dictionary<'c> {
    /// The dictionary of `words`.
    pub fn new(words: impl IntoIterator<Item = &'c str>) -> Self {
        let mut words: Vec<&str> = words.into_iter().collect();
        words.sort_unstable();
        words.dedup();
        let ascii = words.iter().all(|w| w.is_ascii());
        Dictionary { words, ascii }
    }

    /// What [`did_you_mean`] gives for `word` among the dictionary's words.
    pub fn did_you_mean(&self, word: &str) -> Option<&'c str> {
        let limit = if word.chars().count() < 5 { 1 } else { 2 };
        if !(self.ascii && word.is_ascii()) {
            return nearest_within(word, self.words.iter().copied(), limit);
        }
        TrieWalk::new(word.as_bytes(), limit).nearest(&self.words)
    }
}

/// One [`Dictionary::did_you_mean`] walk: `rows[i]` is the distance table's row after `i`
/// bytes of the current word (`rows[0]` is the empty prefix's), each `word.len() + 1` cells.
struct TrieWalk<'w> {
    word: &'w [u8],
    limit: usize,
    rows: Vec<usize>,
}

impl<'w> TrieWalk<'w> {
    fn new(word: &'w [u8], limit: usize) -> Self {
        TrieWalk {
            word,
            limit,
            rows: (0..=word.len()).collect(),
        }
    }

    fn width(&self) -> usize {
        self.word.len() + 1
    }

    /// The nearest of `words` (ascending) at a distance of 1 to the limit, the first of
    /// equally near ones.
    fn nearest<'c>(&mut self, words: &[&'c str]) -> Option<&'c str> {
        let mut best: Option<(usize, &'c str)> = None;
        // How many bytes of the previous word the kept rows cover.
        let mut kept: usize = 0;
        let mut previous: &[u8] = &[];
        let mut next = 0;
        while let Some(candidate) = words.get(next) {
            let bytes = candidate.as_bytes();
            kept = kept.min(common_prefix(previous, bytes));
            previous = bytes;
            match self.extend(bytes, kept) {
                Ok(distance) => {
                    kept = bytes.len();
                    let better = best.is_none_or(|(d, _)| distance < d);
                    if (1..=self.limit).contains(&distance) && better {
                        best = Some((distance, candidate));
                    }
                    next += 1;
                }
                Err(depth) => {
                    // No word that starts with these `depth` bytes is near enough.
                    let prefix = &bytes[..depth];
                    kept = depth;
                    next += words[next..].partition_point(|w| w.as_bytes().starts_with(prefix));
                }
            }
        }
        best.map(|(_, word)| word)
    }

    /// Computes the rows for `bytes` past the `kept` ones: its distance from the word, or
    /// `Err(depth)` when every cell of the row after `depth` bytes is over the limit.
    fn extend(&mut self, bytes: &[u8], kept: usize) -> Result<usize, usize> {
        let width = self.width();
        self.rows.truncate((kept + 1) * width);
        for (depth, &byte) in (kept + 1..).zip(&bytes[kept..]) {
            let above = (depth - 1) * width;
            let mut nearest = depth;
            self.rows.push(depth);
            for j in 1..width {
                let substitute = self.rows[above + j - 1] + usize::from(self.word[j - 1] != byte);
                let cell = substitute
                    .min(self.rows[above + j] + 1)
                    .min(self.rows[depth * width + j - 1] + 1);
                self.rows.push(cell);
                nearest = nearest.min(cell);
            }
            if nearest > self.limit {
                return Err(depth);
            }
        }
        Ok(self.rows[(bytes.len() + 1) * width - 1])
    }
}

/// How many leading bytes `a` and `b` share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Distances from one word to many candidates, up to a limit: ASCII pairs compare bytes,
/// others characters, and the buffers are reused (a facts key may be compared with every
/// entity of a large catalog).
struct Nearness<'w> {
    word: &'w str,
    word_chars: Vec<char>,
    limit: usize,
    row: Vec<usize>,
    candidate_chars: Vec<char>,
}

impl<'w> Nearness<'w> {
    fn new(word: &'w str, limit: usize) -> Self {
        Nearness {
            word,
            word_chars: word.chars().collect(),
            limit,
            row: Vec::new(),
            candidate_chars: Vec::new(),
        }
    }

    /// The distance to `candidate`, when it is at most the limit.
    fn distance(&mut self, candidate: &str) -> Option<usize> {
        // A character is at most 4 bytes: a length apart by more than that is too far.
        if candidate.len().abs_diff(self.word.len()) > self.limit.saturating_mul(4) {
            return None;
        }
        if self.word.is_ascii() && candidate.is_ascii() {
            let (word, candidate) = (self.word.as_bytes(), candidate.as_bytes());
            return levenshtein(word, candidate, self.limit, &mut self.row);
        }
        self.candidate_chars.clear();
        self.candidate_chars.extend(candidate.chars());
        levenshtein(
            &self.word_chars,
            &self.candidate_chars,
            self.limit,
            &mut self.row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook table, whole: what the bounded one must agree with.
    fn full_table(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut table = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in table.iter_mut().enumerate() {
            row[0] = i;
        }
        table[0] = (0..=b.len()).collect();
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let substitute = table[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
                table[i][j] = substitute.min(table[i - 1][j] + 1).min(table[i][j - 1] + 1);
            }
        }
        table[a.len()][b.len()]
    }

    proptest! {
        #[test]
        fn bounded_distance_is_the_distance_within_the_limit(
            a in "[ab\u{e9}\u{1F600}-]{0,9}",
            b in "[ab\u{e9}\u{1F600}-]{0,9}",
            limit in 0usize..4,
        ) {
            let expected = full_table(&a, &b);
            prop_assert_eq!(distance(&a, &b), expected);
            let within = Nearness::new(&a, limit).distance(&b);
            prop_assert_eq!(within, Some(expected).filter(|d| *d <= limit));
        }
    }

    /// The dictionary of `words` suggests for `word` what `did_you_mean` does.
    fn suggests_the_same(word: &str, words: &[String]) -> Result<(), TestCaseError> {
        let dictionary = Dictionary::new(words.iter().map(String::as_str));
        let plain = did_you_mean(word, words.iter().map(String::as_str));
        prop_assert_eq!(dictionary.did_you_mean(word), plain);
        Ok(())
    }

    proptest! {
        #[test]
        fn a_dictionary_suggests_what_did_you_mean_suggests(
            word in "[abc\u{e9}-]{0,8}",
            words in proptest::collection::vec("[abc\u{e9}-]{0,8}", 0..40),
        ) {
            suggests_the_same(&word, &words)?;
            let ascii: Vec<String> = words.iter().filter(|w| w.is_ascii()).cloned().collect();
            suggests_the_same(&word, &ascii)?;
        }

        #[test]
        fn an_ascii_dictionary_walk_suggests_what_did_you_mean_suggests(
            word in "[ab-]{0,9}",
            words in proptest::collection::vec("[ab-]{0,9}", 0..60),
        ) {
            suggests_the_same(&word, &words)?;
        }
    }

    #[test]
    fn the_nearest_of_equally_near_candidates_is_the_first_alphabetically() {
        let candidates = ["team-b", "team-a", "team-ab"];
        assert_eq!(nearest_within("team-c", candidates, 1), Some("team-a"));
        assert_eq!(
            nearest_within("tëam-c", ["tëam-b", "tëam-a"], 1),
            Some("tëam-a")
        );
        assert_eq!(nearest_within("team-c", ["team-cde"], 1), None);
    }
}
