//! The SARIF log of a streamed run, gathered entity by entity: the same bytes as
//! [`super::write`] of the whole report, without the whole report in memory.

use std::io::{self, Write};

use super::{assemble, write_log, Collected, Log, Rules, MAX_RESULTS};
use crate::lint::LintReport;
use crate::report::{finding_records, RenderOptions, Report};
use crate::score::{EntityScore, Summary};

/// Writes a score report's SARIF log from a stream of results: [`SarifReportStream::begin`]
/// with the report's head, [`SarifReportStream::file`] for each file of the stream, then
/// [`SarifReportStream::finish`], which writes the whole log. SARIF puts the rules before the
/// results, ranks the results across the run and cuts them at [`MAX_RESULTS`], so nothing
/// can be written before the end.
///
/// Held in memory until then: the run's rules, one pending result (a few hundred bytes) per
/// failing check and per lint finding, one count and first message per check that could not
/// be evaluated, and the record of any finding whose rule id has no rule (none, for findings
/// of this version's lint). The entities' scores and the catalog are not kept.
///
/// The log does not depend on a report's comparison or organisation scan (SARIF shows
/// neither), so a head with them is accepted and they are ignored. `begin` and `file` write
/// nothing, so they never fail; they return `io::Result` as those of
/// [`JsonReportStream`](crate::report::JsonReportStream) do.
///
/// ```
/// use yardstick::report::{sarif, RenderOptions, Report, SarifReportStream};
/// use yardstick::{lint_paths, LintOptions, PolicySet, ScoreOptions, Scorer};
/// let policies = PolicySet::builtin().unwrap();
/// let options = ScoreOptions { now_ns: Some(0), ..ScoreOptions::default() };
/// let scorer = Scorer::new(&policies, &options).unwrap();
/// let lint = lint_paths(&["../../fixtures/demo".into()], &LintOptions::default()).unwrap();
/// let whole = Report::from_scorecard(&lint, &scorer.score(&lint).unwrap(), &policies, &options.config);
/// let render = RenderOptions { sarif_category: "catalog".into(), ..RenderOptions::default() };
/// let mut expected = Vec::new();
/// sarif::write(&whole, &render, &mut expected).unwrap();
///
/// let sources = || lint.files.iter().cloned();
/// let mut stream = SarifReportStream::begin(&whole, &render, Vec::new()).unwrap();
/// let mut failed = None;
/// let done = scorer.score_stream(sources, &LintOptions::default(), |file| {
///     if let Err(e) = stream.file(&file.lint, &file.entities) { failed.get_or_insert(e); }
/// }).unwrap();
/// assert!(failed.is_none());
/// assert_eq!(stream.finish(&done.summary).unwrap(), expected);
/// ```
#[derive(Debug)]
pub struct SarifReportStream<W: Write> {
    out: W,
    options: RenderOptions,
    rules: Rules,
    collected: Collected,
}

impl<W: Write> SarifReportStream<W> {
    /// Starts the log of `report`'s checks (its entities and findings are ignored: they come
    /// from the stream). Nothing is written before [`SarifReportStream::finish`].
    pub fn begin(report: &Report, options: &RenderOptions, out: W) -> io::Result<Self> {
        Ok(SarifReportStream {
            out,
            options: options.clone(),
            rules: Rules::for_report(report, options),
            collected: Collected::default(),
        })
    }

    /// Keeps the results of one file: its entities' failing and unevaluated checks, and its
    /// lint findings. Entities must come in the report's order, as the stream gives them.
    pub fn file(&mut self, lint: &LintReport, entities: &[EntityScore]) -> io::Result<()> {
        for entity in entities {
            self.collected
                .add_entity(entity, &mut self.rules, &self.options);
        }
        self.collected
            .add_findings(&finding_records(lint), &self.rules);
        Ok(())
    }

    /// Writes the log and gives the writer back. SARIF has no summary: `_summary` is taken
    /// only so that every report stream ends the same way.
    pub fn finish(mut self, _summary: &Summary) -> io::Result<W> {
        let log = self.log(MAX_RESULTS);
        write_log(log, &mut self.out)?;
        Ok(self.out)
    }

    /// The log of what was collected, keeping at most `max_results` results. The findings
    /// are put in the whole report's order (by file) first, so that what was collected is
    /// what the whole report's writer collects: the rules of unknown lint rule ids follow it.
    fn log(&mut self, max_results: usize) -> Log {
        let mut collected = std::mem::take(&mut self.collected);
        collected.sort_findings_by_file();
        let rules = std::mem::take(&mut self.rules);
        assemble(collected, rules, &self.options, max_results)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::lint::{lint_paths, Finding, LintOptions};
    use crate::policy::PolicySet;
    use crate::report::sarif::{build, visible_json};
    use crate::rules::Severity;
    use crate::score::{ScoreOptions, Scorer};

    /// A lint report of one file with one finding of `rule`.
    fn finding_in(file: &str, rule: &'static str) -> LintReport {
        let finding = Finding {
            rule,
            severity: Severity::Warning,
            message: format!("{rule} in {file}"),
            help: String::new(),
            file: file.into(),
            document: None,
            span: None,
            pointer: None,
            entity: None,
            secondary: None,
        };
        LintReport {
            findings: vec![finding],
            ..LintReport::default()
        }
    }

    #[test]
    fn rules_of_unknown_lint_rule_ids_come_in_file_order() {
        // `b.yaml` streams first; the whole report has its findings sorted by file.
        let files = [
            finding_in("b.yaml", "zz/second"),
            finding_in("a.yaml", "zz/first"),
        ];
        let whole = Report::from_lint(&LintReport {
            findings: files
                .iter()
                .rev()
                .flat_map(|f| f.findings.clone())
                .collect(),
            ..LintReport::default()
        });
        let options = RenderOptions::default();
        let mut stream = SarifReportStream::begin(&whole, &options, Vec::new()).unwrap();
        for file in &files {
            stream.file(file, &[]).unwrap();
        }
        let streamed = stream.log(MAX_RESULTS).into_sarif();
        let rules = &streamed.runs[0].tool.driver.rules;
        let ids: Vec<&str> = rules.iter().flatten().map(|r| r.id.as_str()).collect();
        assert_eq!(ids[ids.len() - 2..], ["zz/first", "zz/second"]);
        assert_eq!(
            serde_json::to_string(&streamed).unwrap(),
            serde_json::to_string(&build(&whole, &options, MAX_RESULTS).into_sarif()).unwrap()
        );
    }

    #[test]
    fn a_streamed_log_is_cut_as_the_whole_reports_is() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo");
        let lint = lint_paths(&[demo], &LintOptions::default()).unwrap();
        let policies = PolicySet::builtin().unwrap();
        let score_options = ScoreOptions::default();
        let scorer = Scorer::new(&policies, &score_options).unwrap();
        let card = scorer.score(&lint).unwrap();
        let whole = Report::from_scorecard(&lint, &card, &policies, &Config::default());
        let options = RenderOptions::default();
        let total = build(&whole, &options, MAX_RESULTS).into_sarif().runs[0]
            .results
            .as_ref()
            .map_or(0, Vec::len);
        assert!(total > 10, "{total} results");

        for max in [0, 1, 7, total - 1, total] {
            let mut stream = SarifReportStream::begin(&whole, &options, Vec::new()).unwrap();
            let sources = || lint.files.iter().cloned();
            scorer
                .score_stream(sources, &LintOptions::default(), |file| {
                    stream.file(&file.lint, &file.entities).unwrap();
                })
                .unwrap();
            let streamed = serde_json::to_string(&stream.log(max).into_sarif()).unwrap();
            let expected =
                serde_json::to_string(&build(&whole, &options, max).into_sarif()).unwrap();
            assert_eq!(streamed, expected, "max {max}");
            // Results built and written one at a time: the typed log's bytes.
            let mut written = Vec::new();
            write_log(build(&whole, &options, max), &mut written).unwrap();
            let typed = visible_json(&build(&whole, &options, max).into_sarif()).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                typed + "\n",
                "max {max}"
            );
            assert_eq!(streamed.contains("resultsTruncated"), max < total);
        }
    }
}
