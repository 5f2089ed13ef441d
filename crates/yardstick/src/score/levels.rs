//! An entity's score and level, and the aggregates of a group of entities.

use crate::config::{LevelRule, LevelRules};

use super::model::{Aggregate, CheckResult, CheckStatus, EntityScore, Level, LevelCounts};

pub(super) fn score_and_level(
    results: &[CheckResult],
    levels: &LevelRules,
) -> (Option<f64>, Option<Level>) {
    let scored: Vec<&CheckResult> = results.iter().filter(|r| r.status.scored()).collect();
    let total = scored.iter().fold(0.0, |acc, r| acc + r.weight);
    if scored.is_empty() {
        return (None, None);
    }
    // fold from +0.0: an empty f64 sum is -0.0.
    let passed = scored
        .iter()
        .filter(|r| r.status == CheckStatus::Pass)
        .fold(0.0, |acc, r| acc + r.weight);
    // All-zero weights: the entity passed or failed without anything to weigh.
    let score = if total > 0.0 {
        100.0 * passed / total
    } else if scored.iter().all(|r| r.status == CheckStatus::Pass) {
        100.0
    } else {
        0.0
    };
    let meets = |rule: &LevelRule| {
        scored
            .iter()
            .filter(|r| rule.require.contains(&r.severity))
            .all(|r| r.status == CheckStatus::Pass)
            && rule.min_score.is_none_or(|m| score >= m)
    };
    let level = if meets(&levels.gold) {
        Level::Gold
    } else if meets(&levels.silver) {
        Level::Silver
    } else if meets(&levels.bronze) {
        Level::Bronze
    } else {
        Level::None
    };
    (Some(score), Some(level))
}

pub(super) fn aggregate<'a>(
    key: String,
    entities: impl Iterator<Item = &'a EntityScore>,
) -> Aggregate {
    let mut count = 0;
    let mut levels = LevelCounts::default();
    let mut scores = Vec::new();
    for e in entities {
        count += 1;
        if let Some(s) = e.score {
            scores.push(s);
        }
        match e.level {
            Some(Level::Gold) => levels.gold += 1,
            Some(Level::Silver) => levels.silver += 1,
            Some(Level::Bronze) => levels.bronze += 1,
            Some(Level::None) => levels.none += 1,
            None => {}
        }
    }
    let score =
        (!scores.is_empty()).then(|| scores.iter().fold(0.0, |a, s| a + s) / scores.len() as f64);
    Aggregate {
        key,
        entities: count,
        score,
        levels,
    }
}
