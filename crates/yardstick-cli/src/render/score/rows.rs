//! Which entities the human score table shows, and in what order: worst first, without the
//! entities that have nothing scored unless asked, narrowed by `--only-failing`, `--owner`
//! and `--kind`. Only the human output is narrowed; other formats and the gate see every
//! entity.

use std::cmp::Ordering;

use yardstick::{CheckStatus, EntityRef, EntityScore, DEFAULT_NAMESPACE};

/// The `--owner` argument: an entity reference as Backstage reads `spec.owner` (kind Group
/// and namespace `default` unless given), so `team-a`, `group:team-a` and
/// `group:default/team-a` name the same owner.
pub fn owner_ref(text: &str) -> Result<EntityRef, String> {
    EntityRef::parse(text, Some("Group"), DEFAULT_NAMESPACE).map_err(|e| e.to_string())
}

/// The entities to show, and how many were left out and why.
pub struct Selection<'a> {
    /// Worst first: lowest score, then lowest level, then by reference.
    pub shown: Vec<&'a EntityScore>,
    /// Left out by `--only-failing`, `--owner` or `--kind`.
    pub filtered_out: usize,
    /// Matching, but with nothing scored, and `--all` was not given.
    pub unscored_hidden: usize,
}

/// What the human table shows.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Also entities with nothing scored (`--all`).
    pub all: bool,
    /// Only entities with a failing check or one that could not be evaluated.
    pub only_failing: bool,
    /// Only entities owned by this owner.
    pub owner: Option<EntityRef>,
    /// Only entities of this kind (compared case-insensitively).
    pub kind: Option<String>,
    /// Whether the command has `--all`, so the footer can point to it.
    pub has_all_flag: bool,
}

impl Rows {
    /// Every entity: for reports that have no table flags (`report`, `merge`, `scan-org`).
    pub fn everything() -> Self {
        Rows {
            all: true,
            ..Rows::default()
        }
    }

    /// The filter flags that were given, as the user wrote them.
    fn filter_flags(&self) -> Vec<&'static str> {
        [
            (self.only_failing, "--only-failing"),
            (self.owner.is_some(), "--owner"),
            (self.kind.is_some(), "--kind"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect()
    }

    fn matches(&self, entity: &EntityScore) -> bool {
        let failing = || {
            entity
                .checks
                .iter()
                .any(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
        };
        (!self.only_failing || failing())
            && self
                .kind
                .as_deref()
                .is_none_or(|kind| entity.kind.to_lowercase() == kind.to_lowercase())
            && self.owner.as_ref().is_none_or(|owner| {
                entity
                    .owner
                    .as_deref()
                    .and_then(|o| owner_ref(o).ok())
                    .is_some_and(|o| o == *owner)
            })
    }

    /// The entities of `entities` this table shows, worst first.
    pub fn select<'a>(&self, entities: &'a [EntityScore]) -> Selection<'a> {
        let matching: Vec<&EntityScore> = entities.iter().filter(|e| self.matches(e)).collect();
        let filtered_out = entities.len() - matching.len();
        let (mut shown, unscored): (Vec<_>, Vec<_>) = matching
            .into_iter()
            .partition(|e| self.all || e.score.is_some());
        shown.sort_by(|a, b| worst_first(a, b));
        Selection {
            shown,
            filtered_out,
            unscored_hidden: unscored.len(),
        }
    }

    /// The lines that say what the table left out.
    pub fn footer(&self, selection: &Selection<'_>) -> Vec<String> {
        let mut lines = Vec::new();
        if selection.filtered_out > 0 {
            lines.push(format!(
                "{} hidden by {}",
                yardstick::report::text::plural(selection.filtered_out, "entity", "entities"),
                self.filter_flags().join(", ")
            ));
        }
        if selection.unscored_hidden > 0 {
            let hint = if self.has_all_flag {
                "; --all shows them"
            } else {
                ""
            };
            lines.push(format!(
                "{} with nothing scored hidden{hint}",
                yardstick::report::text::plural(selection.unscored_hidden, "entity", "entities"),
            ));
        }
        lines
    }
}

/// Lowest score first (entities with nothing scored last), then the lower level (`Level`
/// orders gold first), then the reference, so that equal rows keep one order.
fn worst_first(a: &EntityScore, b: &EntityScore) -> Ordering {
    let score = match (a.score, b.score) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    score
        .then_with(|| b.level.cmp(&a.level))
        .then_with(|| a.reference.cmp(&b.reference))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yardstick::{Level, SharedStr};

    fn entity(reference: &str, kind: &str, owner: Option<&str>, score: Option<f64>) -> EntityScore {
        EntityScore {
            reference: reference.to_string(),
            kind: SharedStr::from(kind),
            file: SharedStr::from("catalog-info.yaml"),
            owner: owner.map(SharedStr::from),
            system: None,
            score,
            level: score.map(|s| if s >= 100.0 { Level::Gold } else { Level::None }),
            checks: Vec::new(),
        }
    }

    #[test]
    fn worst_first_then_by_level_then_by_reference() {
        let entities = vec![
            entity("component:default/b", "Component", None, Some(50.0)),
            entity("group:default/t", "Group", None, None),
            entity("component:default/a", "Component", None, Some(50.0)),
            entity("component:default/c", "Component", None, Some(100.0)),
            entity("component:default/d", "Component", None, Some(0.0)),
        ];
        let rows = Rows::everything();
        let order: Vec<&str> = rows
            .select(&entities)
            .shown
            .iter()
            .map(|e| e.reference.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "component:default/d",
                "component:default/a",
                "component:default/b",
                "component:default/c",
                "group:default/t"
            ]
        );
    }

    #[test]
    fn owner_and_kind_are_compared_as_backstage_compares_them() {
        let entities = vec![
            entity(
                "component:default/a",
                "Component",
                Some("group:default/team-a"),
                Some(1.0),
            ),
            entity(
                "component:default/b",
                "Component",
                Some("group:default/team-b"),
                Some(1.0),
            ),
            entity(
                "api:default/c",
                "API",
                Some("group:default/team-a"),
                Some(1.0),
            ),
        ];
        for written in ["team-a", "group:team-a", "Group:default/Team-A"] {
            let rows = Rows {
                owner: Some(owner_ref(written).unwrap()),
                kind: Some("component".into()),
                ..Rows::default()
            };
            let selection = rows.select(&entities);
            assert_eq!(selection.shown.len(), 1, "{written}");
            assert_eq!(selection.shown[0].reference, "component:default/a");
            assert_eq!(selection.filtered_out, 2);
        }
        assert!(owner_ref("group:").is_err());
    }

    #[test]
    fn unscored_entities_are_hidden_unless_all() {
        let entities = vec![
            entity("group:default/t", "Group", None, None),
            entity("component:default/a", "Component", None, Some(1.0)),
        ];
        let rows = Rows {
            has_all_flag: true,
            ..Rows::default()
        };
        let selection = rows.select(&entities);
        assert_eq!(selection.shown.len(), 1);
        assert_eq!(
            rows.footer(&selection),
            ["1 entity with nothing scored hidden; --all shows them"]
        );
    }
}
