//! How far a two-ended listing has got, and when it is complete.
//!
//! Each listing query reads a page from both ends of the name order (`asc` and `desc`), so
//! one request lists 200 repositories. The ends have met when a name was read by both: then
//! the ascending pages cover every name up to it and the descending pages every name from it,
//! so every repository that existed throughout the listing was read. The listing is complete
//! when they have met and the count of distinct repositories read equals the `totalCount`
//! every page answered. When the counts disagree (repositories created, deleted or renamed
//! while the listing was read) both ends go on to the end of the order, each a full listing
//! of its own, which costs what a one-ended listing costs.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::ListedRepo;

/// An end of the name order.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub(crate) enum End {
    Asc,
    Desc,
}

impl End {
    /// The connection's alias in the query (and key in the answer).
    pub fn alias(self) -> &'static str {
        match self {
            End::Asc => "asc",
            End::Desc => "desc",
        }
    }

    /// The `orderBy` direction.
    pub fn direction(self) -> &'static str {
        match self {
            End::Asc => "ASC",
            End::Desc => "DESC",
        }
    }
}

/// One end's position.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct EndProgress {
    /// The cursor after the last page read; `None` before the first.
    pub cursor: Option<String>,
    /// Its last page had no next page.
    pub exhausted: bool,
}

/// A page read from one end.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub(crate) struct ReadPage {
    /// The listing request it came in (0-based), to tell newer answers from older.
    pub request: u32,
    pub end: End,
    pub repos: Vec<ListedRepo>,
}

/// What one listing answer held for one end.
#[derive(Debug, PartialEq)]
pub(crate) struct EndPage {
    pub end: End,
    pub total_count: u64,
    pub repos: Vec<ListedRepo>,
    /// The cursor of the next page, if any.
    pub next: Option<String>,
}

/// The listing read so far (saved in the state directory when a run stops during it).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub(crate) struct ListingProgress {
    pub asc: EndProgress,
    pub desc: EndProgress,
    /// The pages read, oldest first.
    pub pages: Vec<ReadPage>,
    /// Every `totalCount` answered.
    pub total_counts: BTreeSet<u64>,
    /// The ends met with counts that disagree: both go on to the end.
    pub to_the_end: bool,
    /// Listing requests answered.
    pub requests: u32,
    pub complete: bool,
}

impl ListingProgress {
    /// The ends the next request asks for, each with its cursor; none once complete.
    pub fn pending_ends(&self) -> Vec<(End, Option<&str>)> {
        if self.complete {
            return Vec::new();
        }
        [(End::Asc, &self.asc), (End::Desc, &self.desc)]
            .into_iter()
            .filter(|(_, progress)| !progress.exhausted)
            .map(|(end, progress)| (end, progress.cursor.as_deref()))
            .collect()
    }

    /// Takes in one request's pages and decides whether the listing is complete.
    pub fn record(&mut self, pages: Vec<EndPage>) {
        let request = self.requests;
        self.requests += 1;
        for page in pages {
            let progress = match page.end {
                End::Asc => &mut self.asc,
                End::Desc => &mut self.desc,
            };
            progress.exhausted = page.next.is_none();
            if page.next.is_some() {
                progress.cursor = page.next;
            }
            self.total_counts.insert(page.total_count);
            self.pages.push(ReadPage {
                request,
                end: page.end,
                repos: page.repos,
            });
        }
        self.update_completion();
    }

    fn update_completion(&mut self) {
        if self.asc.exhausted && self.desc.exhausted {
            self.complete = true;
            return;
        }
        let covered = self.asc.exhausted || self.desc.exhausted || self.ends_overlap();
        if !covered || self.to_the_end {
            return;
        }
        let read = self.distinct_repos().len() as u64;
        if self.total_counts.len() == 1 && self.total_counts.contains(&read) {
            self.complete = true;
        } else {
            self.to_the_end = true;
        }
    }

    /// Whether a name was read from both ends.
    fn ends_overlap(&self) -> bool {
        let names = |end: End| {
            self.pages
                .iter()
                .filter(move |p| p.end == end)
                .flat_map(|p| &p.repos)
                .map(|r| r.name.to_lowercase())
        };
        let ascending: HashSet<String> = names(End::Asc).collect();
        names(End::Desc).any(|name| ascending.contains(&name))
    }

    /// The repositories read, each once, sorted by name (case-insensitively, as GitHub
    /// orders them), whichever end read them and in whatever order.
    ///
    /// A name read twice keeps its newest answer. A node id read under two names (renamed
    /// during the listing) keeps the name of the newer request; read under two names in one
    /// request, both are kept (the fetch finds the stale one gone), since which came last
    /// cannot be told.
    pub fn distinct_repos(&self) -> Vec<ListedRepo> {
        let mut names = HashSet::new();
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut kept = Vec::new();
        for page in self.pages.iter().rev() {
            for repo in &page.repos {
                if !names.insert(repo.name.to_lowercase()) {
                    continue;
                }
                if let Some(id) = repo.id.as_deref() {
                    match ids.get(id) {
                        Some(&newer) if newer != page.request => continue,
                        _ => {
                            ids.insert(id, page.request);
                        }
                    }
                }
                kept.push(repo.clone());
            }
        }
        kept.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.name.cmp(&b.name))
        });
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(name: &str) -> ListedRepo {
        ListedRepo {
            id: Some(format!("id-{name}")),
            name: name.to_string(),
            html_url: String::new(),
            archived: false,
            fork: false,
            topics: Vec::new(),
            visibility: None,
            private: false,
            pushed_at: None,
            default_branch: None,
            head: None,
            ci: None,
        }
    }

    fn page(end: End, total: u64, names: &[&str], next: Option<&str>) -> EndPage {
        EndPage {
            end,
            total_count: total,
            repos: names.iter().map(|n| repo(n)).collect(),
            next: next.map(str::to_string),
        }
    }

    fn names(progress: &ListingProgress) -> Vec<String> {
        progress
            .distinct_repos()
            .into_iter()
            .map(|r| r.name)
            .collect()
    }

    #[test]
    fn the_ends_meet_when_a_name_is_read_from_both() {
        let mut progress = ListingProgress::default();
        assert_eq!(
            progress.pending_ends(),
            vec![(End::Asc, None), (End::Desc, None)]
        );
        progress.record(vec![
            page(End::Asc, 5, &["a", "B"], Some("ca")),
            page(End::Desc, 5, &["e", "d"], Some("cd")),
        ]);
        assert!(!progress.complete, "four of five read");
        assert_eq!(
            progress.pending_ends(),
            vec![(End::Asc, Some("ca")), (End::Desc, Some("cd"))]
        );
        progress.record(vec![
            page(End::Asc, 5, &["c", "d"], Some("ca2")),
            page(End::Desc, 5, &["c", "B"], Some("cd2")),
        ]);
        assert!(progress.complete && !progress.to_the_end);
        assert!(progress.pending_ends().is_empty());
        assert_eq!(names(&progress), ["a", "B", "c", "d", "e"]);
    }

    #[test]
    fn counts_that_disagree_send_both_ends_to_the_end() {
        // "c" is created where the ascending end has been already: the count says 6.
        let mut progress = ListingProgress::default();
        progress.record(vec![
            page(End::Asc, 5, &["a", "b"], Some("a1")),
            page(End::Desc, 6, &["f", "e"], Some("d1")),
        ]);
        progress.record(vec![
            page(End::Asc, 6, &["d", "e"], Some("a2")),
            page(End::Desc, 6, &["d", "b"], Some("d2")),
        ]);
        assert!(!progress.complete && progress.to_the_end);
        progress.record(vec![
            page(End::Asc, 6, &["f"], None),
            page(End::Desc, 6, &["c", "a"], None),
        ]);
        assert!(progress.complete);
        assert_eq!(names(&progress), ["a", "b", "c", "d", "e", "f"]);

        // An end at its end alone covers every name, but the counts still have to agree.
        let mut progress = ListingProgress::default();
        progress.record(vec![
            page(End::Asc, 3, &["a", "b"], None),
            page(End::Desc, 3, &["b", "a"], Some("d1")),
        ]);
        assert!(progress.to_the_end && !progress.complete);
        assert_eq!(progress.pending_ends(), vec![(End::Desc, Some("d1"))]);
        progress.record(vec![page(End::Desc, 3, &["Aa"], None)]);
        assert!(progress.complete);
        assert_eq!(names(&progress), ["a", "Aa", "b"]);
    }

    #[test]
    fn adjacent_ends_that_do_not_overlap_read_once_more() {
        // All four read, and the count agrees, but no name was read from both ends: a
        // repository created and another deleted between the two pages could hide one.
        let mut progress = ListingProgress::default();
        progress.record(vec![
            page(End::Asc, 4, &["a", "b"], Some("a1")),
            page(End::Desc, 4, &["d", "c"], Some("d1")),
        ]);
        assert!(!progress.complete);
        progress.record(vec![
            page(End::Asc, 4, &["c", "d"], None),
            page(End::Desc, 4, &["b", "a"], None),
        ]);
        assert!(progress.complete && !progress.to_the_end);
    }

    #[test]
    fn a_rename_keeps_the_newer_name_and_a_name_its_newer_answer() {
        let mut progress = ListingProgress::default();
        let mut renamed = page(End::Desc, 3, &["z", "c"], Some("d1"));
        renamed.repos[0].id = Some("id-b".into());
        renamed.repos[1].pushed_at = Some("newer".into());
        progress.record(vec![page(End::Asc, 3, &["a", "b", "c"], Some("a1"))]);
        progress.record(vec![renamed]);
        assert!(progress.complete, "{progress:?}");
        let repos = progress.distinct_repos();
        assert_eq!(
            repos.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["a", "c", "z"]
        );
        assert_eq!(repos[1].pushed_at.as_deref(), Some("newer"));

        // Both names in one request: which is newer cannot be told, so both stay.
        let mut progress = ListingProgress::default();
        let mut desc = page(End::Desc, 2, &["z", "a"], None);
        desc.repos[0].id = Some("id-b".into());
        progress.record(vec![page(End::Asc, 2, &["a", "b"], None), desc]);
        assert_eq!(names(&progress), ["a", "b", "z"]);
    }
}
