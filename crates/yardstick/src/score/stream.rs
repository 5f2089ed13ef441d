//! Scoring a catalog as a stream: two passes over its sources, one file's results at a
//! time, so that neither the catalog's trees nor its results are ever all in memory.

use rayon::prelude::*;

use crate::lint::{pipelined, CatalogIndex, Keep, Kept, LintOptions, LintReport, Source};

use super::memo::MemoStats;
use super::model::{EntityScore, Summary};
use super::scorer::{shown_files, Counting, Scorer};
use super::vm::Workers;
use super::{ScoreError, SummaryBuilder};

/// One source linted and scored by [`Scorer::score_stream`].
#[derive(Debug)]
pub struct StreamedFile {
    /// The file's lint report: its file, its findings (the catalog-wide ones included,
    /// sorted), its accepted entities and the catalog's owner resolution.
    pub lint: LintReport,
    /// The scores of its accepted entities, in document order.
    pub entities: Vec<EntityScore>,
}

/// What [`Scorer::score_stream`] gives once every file has been handed over.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSummary {
    /// Totals, groupings, expired exemptions and the gate, as [`crate::Scorecard::summary`]
    /// of the whole catalog.
    pub summary: Summary,
    /// Sources read.
    pub files: usize,
    /// How often each check's result was reused (see [`MemoStats`]).
    pub memo: Vec<MemoStats>,
}

impl Scorer<'_> {
    /// Lints and scores the catalog that `sources` yields, without holding it: a first pass
    /// builds a [`CatalogIndex`], a second lints each file against it and scores the file's
    /// entities, in parallel a chunk of files at a time, then hands each file to `each` in
    /// stream order. `sources` is called once per pass and must yield the same files in the
    /// same order both times.
    ///
    /// The findings and scores are those of [`lint_files`](crate::lint_files) and
    /// [`Scorer::score`] on all the sources at once, file by file; the summary is the same.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use yardstick::{lint_files, LintOptions, PolicySet, ScoreOptions, Scorer, SourceFile};
    /// let sources = || {
    ///     ["cart", "checkout"].into_iter().map(|name| SourceFile {
    ///         path: format!("{name}/catalog-info.yaml").into(),
    ///         display: format!("{name}/catalog-info.yaml"),
    ///         root: name.into(),
    ///         text: Arc::from(format!("apiVersion: backstage.io/v1alpha1\nkind: Component\n\
    ///             metadata: {{name: {name}}}\nspec: {{type: service, lifecycle: production, owner: team-a}}\n")),
    ///     })
    /// };
    /// let policies = PolicySet::builtin().unwrap();
    /// let options = ScoreOptions { now_ns: Some(0), ..ScoreOptions::default() };
    /// let scorer = Scorer::new(&policies, &options).unwrap();
    /// let mut scores = Vec::new();
    /// let done = scorer
    ///     .score_stream(sources, &LintOptions::default(), |file| scores.extend(file.entities))
    ///     .unwrap();
    /// let whole = scorer.score(&lint_files(sources().collect(), &LintOptions::default())).unwrap();
    /// assert_eq!(scores, whole.entities);
    /// assert_eq!(done.summary, whole.summary);
    /// ```
    pub fn score_stream<I, S>(
        &self,
        sources: impl Fn() -> I,
        lint: &LintOptions,
        each: impl FnMut(StreamedFile),
    ) -> Result<StreamSummary, ScoreError>
    where
        I: IntoIterator<Item = S>,
        S: Into<Source> + Send,
    {
        let index = self.index(sources(), lint)?;
        self.score_indexed(&index, sources(), each)
    }

    /// The first pass of [`Scorer::score_stream`]: [`CatalogIndex::build`] on this scorer's
    /// threads. With [`Scorer::score_indexed`], for callers that look at the index between
    /// the passes (say, to warn about facts that match no entity).
    ///
    /// ```
    /// use yardstick::{catalog_files, LintOptions, PolicySet, ScoreOptions, Scorer};
    /// let lint = LintOptions { follow_locations: false, ..LintOptions::default() };
    /// let files = catalog_files(&["../../fixtures/demo".into()], &lint).unwrap();
    /// let policies = PolicySet::builtin().unwrap();
    /// let options = ScoreOptions::default();
    /// let scorer = Scorer::new(&policies, &options).unwrap();
    /// let index = scorer.index(files.iter().cloned(), &lint).unwrap();
    /// let done = scorer.score_indexed(&index, files.iter().cloned(), |_| {}).unwrap();
    /// assert_eq!(done.summary.entities, index.entities());
    /// ```
    pub fn index<S: Into<Source> + Send>(
        &self,
        sources: impl IntoIterator<Item = S>,
        lint: &LintOptions,
    ) -> Result<CatalogIndex, ScoreError> {
        let pool = self.pool()?;
        Ok(CatalogIndex::build_on(pool.as_ref(), sources, lint)?)
    }

    /// The second pass of [`Scorer::score_stream`]: lints each of `sources` against `index`,
    /// which was built from the same sources in the same order, and scores its entities.
    pub fn score_indexed<S: Into<Source> + Send>(
        &self,
        index: &CatalogIndex,
        sources: impl IntoIterator<Item = S>,
        mut each: impl FnMut(StreamedFile),
    ) -> Result<StreamSummary, ScoreError> {
        // The sources and `each` stay on the calling thread; each chunk's work is spread.
        let pool = self.pool()?;
        if let Keep::Parts(asked) = index.keep() {
            self.check_kept(Some(&Kept::parts(asked)))?;
        }
        let run = self.start(index.owners(), Counting::Yes)?;
        let mut summary = SummaryBuilder::new(self.options());
        let workers = Workers::new(|| run.worker());
        let work = |chunk: Vec<(usize, S)>| -> Vec<StreamedFile> {
            (chunk.into_par_iter())
                .map_init(
                    || workers.lend(),
                    |worker, (position, source)| {
                        let lint = index.lint_at(source.into(), position);
                        let files = shown_files(&lint);
                        let entities = (lint.catalog.entities.iter())
                            .map(|loaded| run.score(worker, loaded, &lint, &files))
                            .collect();
                        StreamedFile { lint, entities }
                    },
                )
                .collect()
        };
        let take = |done: Vec<StreamedFile>| -> Result<(), ScoreError> {
            for file in done {
                file.entities.iter().for_each(|e| summary.add(e));
                each(file);
            }
            Ok(())
        };
        pipelined(pool.as_ref(), sources.into_iter().enumerate(), work, take)?;
        Ok(StreamSummary {
            summary: summary.finish(run.expired.clone()),
            files: index.files(),
            memo: run.memo_stats(),
        })
    }
}
