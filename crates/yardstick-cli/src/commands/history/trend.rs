//! `history trend`: score and levels per run, with a sparkline.

use std::io::Write;

use yardstick_store::{TrendFilter, TrendPoint};

use super::{score_text, with_store};
use crate::exit_code::EXIT_OK;
use crate::flags::{TrendArgs, TrendFormat};
use crate::stdio::stdout_result;

/// The sparkline's bars, lowest to highest.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub fn run(args: TrendArgs) -> Result<u8, String> {
    let selection = &args.selection;
    let filter = match (&selection.entity, &selection.owner, &selection.system) {
        (Some(e), _, _) => TrendFilter::Entity(e.clone()),
        (_, Some(o), _) => TrendFilter::Owner(o.clone()),
        (_, _, Some(s)) => TrendFilter::System(s.clone()),
        _ => TrendFilter::All,
    };
    let since = args.since;
    let points = with_store(&args.db, |store| {
        let filter = filter.clone();
        async move { store.trend(&filter, since).await }
    })?;
    let text = match args.format {
        TrendFormat::Json => {
            serde_json::to_string_pretty(&points).map_err(|e| e.to_string())? + "\n"
        }
        TrendFormat::Csv => csv(&points),
        TrendFormat::Human => human(&points),
    };
    stdout_result(std::io::stdout().lock().write_all(text.as_bytes()))?;
    Ok(EXIT_OK)
}

/// A CSV field, quoted when it needs to be.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv(points: &[TrendPoint]) -> String {
    let mut out = String::from("run,at,entities,stale,score,gold,silver,bronze,none\n");
    for p in points {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            p.run,
            p.at.to_rfc3339(),
            p.entities,
            p.stale,
            p.score.map_or_else(String::new, |s| s.to_string()),
            p.levels.gold,
            p.levels.silver,
            p.levels.bronze,
            p.levels.none
        ));
    }
    out
}

fn human(points: &[TrendPoint]) -> String {
    if points.is_empty() {
        return "No runs recorded in this range.\n".to_string();
    }
    let mut out = format!(
        "{:>5}  {:<20}  {:>8}  {:>5}  {:>5}  {:>6}  {:>6}  {:>5}  {:>5}\n",
        "RUN", "AT", "ENTITIES", "SCORE", "GOLD", "SILVER", "BRONZE", "NONE", "STALE"
    );
    for p in points {
        out.push_str(&format!(
            "{:>5}  {:<20}  {:>8}  {:>5}  {:>5}  {:>6}  {:>6}  {:>5}  {:>5}\n",
            p.run,
            p.at.format("%Y-%m-%dT%H:%M:%SZ"),
            p.entities,
            score_text(p.score),
            p.levels.gold,
            p.levels.silver,
            p.levels.bronze,
            p.levels.none,
            p.stale
        ));
    }
    let scores: Vec<Option<f64>> = points.iter().map(|p| p.score).collect();
    let first = scores.iter().flatten().next().copied();
    let last = scores.iter().flatten().last().copied();
    out.push_str(&format!(
        "\nScore {}  {} → {}\n",
        sparkline(&scores),
        score_text(first),
        score_text(last)
    ));
    out
}

/// One bar per score, scaled between the lowest and the highest; a space where a run has
/// no score, and middle bars when every score is the same.
pub fn sparkline(scores: &[Option<f64>]) -> String {
    let known = scores.iter().flatten();
    let low = known.clone().copied().fold(f64::INFINITY, f64::min);
    let high = known.copied().fold(f64::NEG_INFINITY, f64::max);
    scores
        .iter()
        .map(|score| match score {
            None => ' ',
            Some(_) if high <= low => BARS[BARS.len() / 2],
            Some(s) => {
                let step = ((s - low) / (high - low) * (BARS.len() - 1) as f64).round() as usize;
                BARS[step.min(BARS.len() - 1)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_span_lowest_to_highest() {
        assert_eq!(
            sparkline(&[Some(50.0), Some(75.0), None, Some(100.0)]),
            "▁▅ █"
        );
        assert_eq!(sparkline(&[Some(60.0), Some(60.0)]), "▅▅");
        assert_eq!(sparkline(&[None]), " ");
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("a b"), "a b");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
