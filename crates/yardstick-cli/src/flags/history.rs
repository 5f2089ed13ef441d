//! `yardstick history`'s arguments, and `--record` of the commands that can record a run.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};

/// The environment variable naming the store when `--db` is not given.
pub const DB_VAR: &str = "YARDSTICK_DB";

/// Where the score history is.
#[derive(Args, Clone, Debug)]
pub struct DbArgs {
    /// The score history: `sqlite:PATH`, a plain path (an SQLite file, created when
    /// missing) or `postgres://…` (default: $YARDSTICK_DB).
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
}

impl DbArgs {
    /// `--db`, else `$YARDSTICK_DB`.
    pub fn address(&self) -> Result<String, String> {
        match &self.db {
            Some(db) => Ok(db.clone()),
            None => std::env::var(DB_VAR)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("no score history given: use --db URL or set {DB_VAR}")),
        }
    }
}

/// When and at which commit a run happened.
#[derive(Args, Clone, Debug)]
pub struct RunArgs {
    /// When the run happened, RFC 3339 (default: now). A time before the latest recorded
    /// run is refused.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub at: Option<DateTime<Utc>>,
    /// The commit scanned (repeatable; default: the git HEAD of the scanned work tree, or
    /// the repositories' heads of an organisation scan).
    #[arg(long = "commit", value_name = "SHA")]
    pub commits: Vec<String>,
}

/// `--record` and where to.
#[derive(Args, Clone, Debug)]
pub struct RecordArgs {
    /// Record this run in the score history (`--db`); see docs/history.md.
    #[arg(long)]
    pub record: bool,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Subcommand)]
pub enum HistoryCommand {
    /// Record a saved JSON report (`score`, `scan-org` or `merge --format json`) as a run.
    Record {
        /// The report.
        #[arg(value_name = "REPORT.json")]
        report: PathBuf,
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        run: RunArgs,
    },
    /// List the recorded runs.
    Runs {
        #[command(flatten)]
        db: DbArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TrendFormat::Human)]
        format: TrendFormat,
    },
    /// Mean score and level counts per run, of everything or of one entity, owner or system.
    Trend(TrendArgs),
    /// What changed between two runs (default: the last two): level drops, checks that
    /// started or stopped failing, entities added and removed, scores per owner and system.
    Diff(DiffArgs),
    /// Forget the runs older than a duration, and the results only they needed.
    Prune {
        #[command(flatten)]
        db: DbArgs,
        /// How much history to keep: N followed by s, m, h, d or w (e.g. 90d, 12w). The
        /// latest run is always kept.
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        keep: Duration,
    },
}

#[derive(Args)]
#[group(multiple = false)]
pub struct TrendSelection {
    /// Follow one entity (`kind:namespace/name`).
    #[arg(long, value_name = "REF")]
    pub entity: Option<String>,
    /// Follow the entities of one owner (e.g. `group:default/team-a`).
    #[arg(long, value_name = "REF")]
    pub owner: Option<String>,
    /// Follow the entities of one system.
    #[arg(long, value_name = "REF")]
    pub system: Option<String>,
}

#[derive(Args)]
pub struct TrendArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub selection: TrendSelection,
    /// Only runs at or after DATE (`YYYY-MM-DD` or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<DateTime<Utc>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TrendFormat::Human)]
    pub format: TrendFormat,
}

#[derive(Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The earlier run (default: the run before `--to`).
    #[arg(long, value_name = "RUN")]
    pub from: Option<i64>,
    /// The later run (default: the latest).
    #[arg(long, value_name = "RUN")]
    pub to: Option<i64>,
    /// Output format; the Markdown is meant for a nightly notification.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when anything got worse: a level dropped, a check started failing, or an
    /// owner's or system's mean score fell.
    #[arg(long)]
    pub fail_on_regression: bool,
}

/// The formats of `history runs` and `history trend`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum TrendFormat {
    /// A table, with a sparkline of the score.
    Human,
    /// A JSON array.
    Json,
    /// Comma-separated values with a header line.
    Csv,
}

/// The formats of `history diff`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum DiffFormat {
    /// Sections of plain text.
    Human,
    /// One JSON object.
    Json,
    /// Markdown: a heading per section, a list item per change.
    Markdown,
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time (e.g. 2026-01-31T02:00:00Z): {e}"))
}

fn parse_date(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    parse_time(text).map_err(|_| "not a date (YYYY-MM-DD) or an RFC 3339 time".to_string())
}

/// `N` followed by `s`, `m`, `h`, `d` or `w`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} has no unit: use s, m, h, d or w (e.g. 90d)"))?;
    let (number, unit) = text.split_at(unit_at);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} does not start with a number (e.g. 90d)"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("{unit:?} is not a unit: use s, m, h, d or w")),
    };
    number
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{text:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_have_a_number_and_a_unit() {
        assert_eq!(parse_duration("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(
            parse_duration("12w"),
            Ok(Duration::from_secs(12 * 7 * 86_400))
        );
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        for bad in ["", "90", "d", "9x", "1.5d", "-1d", "99999999999999999999w"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn since_takes_a_date_or_a_time() {
        assert_eq!(
            parse_date("2026-01-31").map(|t| t.to_rfc3339()),
            Ok("2026-01-31T00:00:00+00:00".to_string())
        );
        assert!(parse_date("2026-01-31T02:00:00+02:00").is_ok());
        assert!(parse_date("yesterday").is_err());
    }
}
