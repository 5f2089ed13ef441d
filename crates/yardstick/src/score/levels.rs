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

/// The running totals of a group of entities, added one at a time in report order.
#[derive(Debug, Default)]
pub(super) struct Tally {
    entities: usize,
    levels: LevelCounts,
    /// Sum of the non-null scores, in the order added (so the mean is the same as ever).
    sum: f64,
    scored: usize,
}

impl Tally {
    pub(super) fn add(&mut self, e: &EntityScore) {
        self.entities += 1;
        if let Some(s) = e.score {
            self.sum += s;
            self.scored += 1;
        }
        match e.level {
            Some(Level::Gold) => self.levels.gold += 1,
            Some(Level::Silver) => self.levels.silver += 1,
            Some(Level::Bronze) => self.levels.bronze += 1,
            Some(Level::None) => self.levels.none += 1,
            None => {}
        }
    }

    pub(super) fn finish(self, key: String) -> Aggregate {
        Aggregate {
            key,
            entities: self.entities,
            score: (self.scored > 0).then(|| self.sum / self.scored as f64),
            levels: self.levels,
        }
    }
}
