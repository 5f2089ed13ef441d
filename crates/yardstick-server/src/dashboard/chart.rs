//! Inline SVG charts of scores over runs: a line chart with axes, and a sparkline. Scores
//! are 0 to 100 on a fixed axis, runs evenly spaced; a run without a score leaves a gap.

use std::fmt::Write as _;

use maud::{html, Markup};
use yardstick::report::html::Text;
use yardstick::report::text::{plural, score_text};

use super::layout::MISSING;

/// One point of a chart: its label (a run's time) and its score.
pub struct Point {
    pub label: String,
    pub score: Option<f64>,
}

/// The drawing area inside an SVG: left, top, width and height.
#[derive(Clone, Copy)]
struct Area {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Area {
    /// The position of point `index` of `count` with `score`.
    fn at(self, index: usize, count: usize, score: f64) -> (f64, f64) {
        let x = if count <= 1 {
            self.left + self.width / 2.0
        } else {
            self.left + self.width * index as f64 / (count - 1) as f64
        };
        let y = self.top + self.height * (1.0 - score.clamp(0.0, 100.0) / 100.0);
        (x, y)
    }
}

/// The path of the scored points: one `M … L …` run per stretch without a gap.
fn line_path(points: &[Point], area: Area) -> String {
    let mut path = String::new();
    let mut pen_down = false;
    for (index, point) in points.iter().enumerate() {
        match point.score {
            Some(score) => {
                let (x, y) = area.at(index, points.len(), score);
                let command = if pen_down { 'L' } else { 'M' };
                let _ = write!(path, "{command}{x:.1} {y:.1} ");
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    path.trim_end().to_string()
}

/// What a chart says in words, for screen readers and as its tooltip.
fn summary(name: &str, points: &[Point]) -> String {
    let scored: Vec<f64> = points.iter().filter_map(|p| p.score).collect();
    match (scored.first(), scored.last()) {
        (Some(first), Some(last)) => format!(
            "{name}: mean score over {}, from {} to {}",
            plural(points.len(), "run", "runs"),
            score_text(Some(*first), MISSING),
            score_text(Some(*last), MISSING)
        ),
        _ => format!(
            "{name}: no score in {}",
            plural(points.len(), "run", "runs")
        ),
    }
}

/// A line chart of `points` with a 0–100 axis and the first and last runs' labels.
pub fn line_chart(name: &str, points: &[Point]) -> Markup {
    let area = Area {
        left: 40.0,
        top: 12.0,
        width: 640.0,
        height: 160.0,
    };
    let bottom = area.top + area.height;
    let right = area.left + area.width;
    html! {
        svg class="trend" viewBox="0 0 700 200" role="img" aria-label=(Text(&summary(name, points))) {
            title { (Text(&summary(name, points))) }
            @for tick in [0.0, 50.0, 100.0] {
                @let (_, y) = area.at(0, 1, tick);
                line class="grid" x1=(area.left) x2=(right) y1=(y) y2=(y) {}
                text x=(area.left - 6.0) y=(y + 4.0) text-anchor="end" { (tick) }
            }
            line class="axis" x1=(area.left) x2=(right) y1=(bottom) y2=(bottom) {}
            path class="line" d=(line_path(points, area)) {}
            @for (index, point) in points.iter().enumerate() {
                @if let Some(score) = point.score {
                    @let (x, y) = area.at(index, points.len(), score);
                    circle class="dot" cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="3.5" {
                        title { (Text(&point.label)) ": " (score_text(Some(score), MISSING)) }
                    }
                }
            }
            @if let Some(first) = points.first() {
                text x=(area.left) y="194" text-anchor="start" { (Text(&first.label)) }
            }
            @if points.len() > 1 {
                @if let Some(last) = points.last() {
                    text x=(right) y="194" text-anchor="end" { (Text(&last.label)) }
                }
            }
        }
    }
}

/// A small chart of `points` without axes, for a table cell.
pub fn sparkline(name: &str, points: &[Point]) -> Markup {
    let area = Area {
        left: 3.0,
        top: 3.0,
        width: 114.0,
        height: 22.0,
    };
    let last = points
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, p)| p.score.map(|s| area.at(i, points.len(), s)));
    html! {
        svg class="spark" viewBox="0 0 120 28" width="120" height="28" role="img"
            aria-label=(Text(&summary(name, points))) {
            title { (Text(&summary(name, points))) }
            line class="base" x1="3" x2="117" y1="25" y2="25" {}
            path class="line" d=(line_path(points, area)) {}
            @if let Some((x, y)) = last {
                circle class="dot" cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="2.5" {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(scores: &[Option<f64>]) -> Vec<Point> {
        scores
            .iter()
            .enumerate()
            .map(|(i, &score)| Point {
                label: format!("run {i}"),
                score,
            })
            .collect()
    }

    #[test]
    fn a_gap_lifts_the_pen() {
        let area = Area {
            left: 0.0,
            top: 0.0,
            width: 100.0,
            height: 100.0,
        };
        let path = line_path(&points(&[Some(100.0), Some(50.0), None, Some(0.0)]), area);
        assert_eq!(path, "M0.0 0.0 L33.3 50.0 M100.0 100.0");
    }

    #[test]
    fn one_point_is_centred_and_scores_are_clamped() {
        let area = Area {
            left: 0.0,
            top: 0.0,
            width: 100.0,
            height: 100.0,
        };
        assert_eq!(line_path(&points(&[Some(150.0)]), area), "M50.0 0.0");
    }

    #[test]
    fn the_summary_names_the_first_and_last_scores() {
        let chart = line_chart("org", &points(&[Some(40.0), None, Some(72.25)])).into_string();
        assert!(chart.contains("org: mean score over 3 runs, from 40.0 to 72.2"));
        assert!(sparkline("<x>", &points(&[None]))
            .into_string()
            .contains("&lt;x&gt;: no score in 1 run"));
    }
}
