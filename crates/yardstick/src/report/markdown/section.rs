//! A block of the comment that can be cut to fit: a head, items and a tail.

use super::char_count;

/// A block of output whose items can be cut from the end.
pub(super) struct Section {
    pub(super) head: String,
    pub(super) items: Vec<String>,
    /// The line that stands for `n` items left out.
    pub(super) more: fn(usize) -> String,
    pub(super) tail: String,
    /// One line that stands for the whole section when not even its frame fits.
    pub(super) omitted: String,
}

impl Section {
    /// A section with nothing to cut: only a head and a tail.
    pub(super) fn fixed(head: String, tail: String) -> Self {
        Section {
            head,
            items: Vec::new(),
            more: |_| String::new(),
            tail,
            omitted: String::new(),
        }
    }

    pub(super) fn full(&self) -> String {
        let mut out = self.head.clone();
        for item in &self.items {
            out.push_str(item);
        }
        out.push_str(&self.tail);
        out
    }

    /// The section in at most `budget` characters.
    pub(super) fn render(&self, budget: usize) -> String {
        let full = self.full();
        if char_count(&full) <= budget {
            return full;
        }
        let reserve = char_count(&(self.more)(self.items.len()));
        let mut used = char_count(&self.head) + char_count(&self.tail) + reserve;
        if used > budget {
            return if char_count(&self.omitted) <= budget {
                self.omitted.clone()
            } else {
                String::new()
            };
        }
        let mut out = self.head.clone();
        let mut shown = 0;
        for item in &self.items {
            let len = char_count(item);
            if used + len > budget {
                break;
            }
            used += len;
            out.push_str(item);
            shown += 1;
        }
        if shown < self.items.len() {
            out.push_str(&(self.more)(self.items.len() - shown));
        }
        out.push_str(&self.tail);
        out
    }
}

/// The opening of a collapsed block: `<details>` with its summary line.
pub(super) fn details_start(summary: &str) -> String {
    format!("<details><summary>{summary}</summary>\n\n")
}

/// The line that stands for `n` list items left out.
pub(super) fn more_items(n: usize) -> String {
    format!("- … and {n} more\n")
}

/// The line that stands for a whole list when not even its frame fits, e.g. `3 lint findings`.
pub(super) fn not_listed(what: &str) -> String {
    format!("\n_{what} not listed: the report is too large._\n")
}

/// A section's heading and, when collapsed, the opening of its `<details>` block.
pub(super) fn list_head(heading: &str, collapsed_summary: Option<&str>) -> String {
    let mut head = format!("\n### {heading}\n\n");
    if let Some(summary) = collapsed_summary {
        head.push_str(&details_start(summary));
    }
    head
}
