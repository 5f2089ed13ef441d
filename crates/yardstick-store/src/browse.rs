//! Paged reads for the server's JSON API: the runs newest first, one run, and the entities
//! of a run filtered and paged in SQL (so that a page of a large run reads only that page).

use std::collections::HashMap;

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::read::{latest_run_in, run_of_row, RUN_COLUMNS};
use crate::{Backend, Run, Store, StoreError};

/// Which entities of a run [`Store::entities_page`] lists. Empty texts mean "any"; texts
/// are compared case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityQuery {
    /// The run; `None`: the latest.
    pub run: Option<i64>,
    /// The owner reference.
    pub owner: Option<String>,
    /// The system reference.
    pub system: Option<String>,
    /// The kind.
    pub kind: Option<String>,
    /// Only entities with at least one failing check.
    pub failing: bool,
    /// A part of the entity reference.
    pub search: Option<String>,
    /// Entities to skip, in reference order.
    pub offset: i64,
    /// The most entities to list.
    pub limit: i64,
}

/// One page of a run's entities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityPage {
    /// The run listed.
    pub run: i64,
    /// How many entities match, over every page.
    pub total: i64,
    /// The page, sorted by reference.
    pub entities: Vec<EntitySummary>,
}

/// An entity at a run, with the ids of its failing checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntitySummary {
    /// `kind:namespace/name`, as recorded.
    pub reference: String,
    /// The kind as written.
    pub kind: String,
    /// The organisation scan's repository, when known.
    pub repository: Option<String>,
    /// The owner reference.
    pub owner: Option<String>,
    /// The system reference.
    pub system: Option<String>,
    /// 0 to 100; `None` when no check was scored.
    pub score: Option<f64>,
    /// `gold`, `silver`, `bronze` or `none`; `None` when no check was scored.
    pub level: Option<String>,
    /// Its repository could not be fetched by the run: the results are the last known.
    pub stale: bool,
    /// The ids of its failing checks, sorted.
    pub failing_checks: Vec<String>,
}

/// Intervals of the table aliased `t` valid at run `$1`.
const VALID_AT: &str = "t.valid_from_run <= $1 AND (t.valid_to_run IS NULL OR t.valid_to_run > $1)";

impl Store {
    /// Up to `limit` runs older than run `before` (every run when `None`), newest first.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = yardstick_store::Store::open(&dir.path().join("h.db").display().to_string())
    ///     .await
    ///     .unwrap();
    /// assert!(store.runs_page(None, 20).await.unwrap().is_empty());
    /// assert!(store.run(1).await.unwrap().is_none());
    /// # });
    /// ```
    pub async fn runs_page(&self, before: Option<i64>, limit: i64) -> Result<Vec<Run>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id < $1 ORDER BY id DESC LIMIT $2");
        let mut conn = self.begin_read().await?;
        let rows = sqlx::query(&sql)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit.max(0))
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::from);
        let rows = self.finish(conn, rows).await?;
        rows.iter().map(run_of_row).collect()
    }

    /// Run `id`, `None` when the store has no such run.
    pub async fn run(&self, id: i64) -> Result<Option<Run>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1");
        let mut conn = self.begin_read().await?;
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(StoreError::from);
        let row = self.finish(conn, row).await?;
        row.as_ref().map(run_of_row).transpose()
    }

    /// The entities of a run that `query` selects, one page of them, read in one
    /// transaction. `None` when the store has no run (or not the one asked for).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{EntityQuery, RunMeta, Store};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let report = yardstick_store::parse_report(r#"{"version": 1, "checks": [], "findings": [],
    ///   "entities": [{"ref": "component:default/web", "kind": "Component", "file": "c.yaml",
    ///     "owner": "group:default/team-a", "system": null, "score": 0.0, "level": "none",
    ///     "checks": [{"id": "has-owner", "status": "fail", "severity": "critical",
    ///       "weight": 10.0, "message": "no owner", "pointer": "/spec/owner", "location": {
    ///         "file": "c.yaml", "line": 5, "column": 3, "end_line": 5, "end_column": 8}}]}],
    ///   "summary": {"entities": 1, "score": 0.0, "owners": [], "systems": [],
    ///     "levels": {"gold": 0, "silver": 0, "bronze": 0, "none": 1},
    ///     "expired_exemptions": [], "gate": {"passed": true, "reasons": []}}}"#).unwrap();
    /// store.record(&report, &RunMeta::at("2026-01-01T00:00:00Z".parse().unwrap())).await.unwrap();
    /// let query = EntityQuery {
    ///     owner: Some("Group:Default/Team-A".into()),
    ///     failing: true,
    ///     limit: 10,
    ///     ..EntityQuery::default()
    /// };
    /// let page = store.entities_page(&query).await.unwrap().unwrap();
    /// assert_eq!((page.run, page.total), (1, 1));
    /// assert_eq!(page.entities[0].failing_checks, ["has-owner"]);
    /// let none = EntityQuery { search: Some("api".into()), limit: 10, ..EntityQuery::default() };
    /// assert_eq!(store.entities_page(&none).await.unwrap().unwrap().total, 0);
    /// # });
    /// ```
    pub async fn entities_page(
        &self,
        query: &EntityQuery,
    ) -> Result<Option<EntityPage>, StoreError> {
        let mut conn = self.begin_read().await?;
        // A byte-wise order, the same on both backends, so that pages do not overlap.
        let collation = match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " COLLATE \"C\"",
        };
        let read = read_entities(&mut conn, query, collation).await;
        self.finish(conn, read).await
    }
}

async fn read_entities(
    conn: &mut AnyConnection,
    query: &EntityQuery,
    collation: &str,
) -> Result<Option<EntityPage>, StoreError> {
    let run = match query.run {
        Some(id) => {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM runs WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            exists
        }
        None => latest_run_in(conn).await?,
    };
    let Some(run) = run else {
        return Ok(None);
    };
    let (condition, values) = conditions(query);
    let total: i64 = {
        let sql = format!("SELECT COUNT(*) FROM entity_intervals t WHERE {VALID_AT}{condition}");
        let mut count = sqlx::query_scalar(&sql).bind(run);
        for value in &values {
            count = count.bind(value.clone());
        }
        count.fetch_one(&mut *conn).await?
    };
    let sql = format!(
        "SELECT t.entity_ref, t.kind, t.repository, t.owner, t.system, t.score, t.level, \
         t.stale FROM entity_intervals t WHERE {VALID_AT}{condition} \
         ORDER BY t.entity_ref{collation} LIMIT ${} OFFSET ${}",
        values.len() + 2,
        values.len() + 3
    );
    let mut select = sqlx::query(&sql).bind(run);
    for value in &values {
        select = select.bind(value.clone());
    }
    let rows = select
        .bind(query.limit.max(0))
        .bind(query.offset.max(0))
        .fetch_all(&mut *conn)
        .await?;
    let mut entities = rows
        .iter()
        .map(summary_of_row)
        .collect::<Result<Vec<_>, _>>()?;
    add_failing_checks(conn, run, &mut entities).await?;
    Ok(Some(EntityPage {
        run,
        total,
        entities,
    }))
}

/// The SQL conditions (after the run's, which binds `$1`) and their values, `$2` on.
fn conditions(query: &EntityQuery) -> (String, Vec<String>) {
    let mut condition = String::new();
    let mut values: Vec<String> = Vec::new();
    let given = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase)
    };
    for (column, value) in [
        ("t.owner", given(&query.owner)),
        ("t.system", given(&query.system)),
        ("t.kind", given(&query.kind)),
    ] {
        if let Some(value) = value {
            values.push(value);
            condition.push_str(&format!(" AND LOWER({column}) = ${}", values.len() + 1));
        }
    }
    if let Some(search) = given(&query.search) {
        values.push(format!("%{}%", like_escaped(&search)));
        condition.push_str(&format!(
            " AND LOWER(t.entity_ref) LIKE ${} ESCAPE '\\'",
            values.len() + 1
        ));
    }
    if query.failing {
        condition.push_str(
            " AND t.entity_ref IN (SELECT c.entity_ref FROM check_intervals c \
             WHERE c.status = 'fail' AND c.valid_from_run <= $1 \
             AND (c.valid_to_run IS NULL OR c.valid_to_run > $1))",
        );
    }
    (condition, values)
}

/// `text` with LIKE's wildcards and the escape character taken literally.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Fills in the failing checks of `entities` (one query for the page).
async fn add_failing_checks(
    conn: &mut AnyConnection,
    run: i64,
    entities: &mut [EntitySummary],
) -> Result<(), StoreError> {
    if entities.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (0..entities.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT t.entity_ref, t.check_id FROM check_intervals t WHERE {VALID_AT} \
         AND t.status = 'fail' AND t.entity_ref IN ({})",
        placeholders.join(", ")
    );
    let mut select = sqlx::query(&sql).bind(run);
    for entity in entities.iter() {
        select = select.bind(entity.reference.clone());
    }
    let rows = select.fetch_all(&mut *conn).await?;
    let position: HashMap<String, usize> = entities
        .iter()
        .enumerate()
        .map(|(at, e)| (e.reference.clone(), at))
        .collect();
    for row in &rows {
        let reference: String = row.try_get(0)?;
        if let Some(entity) = position
            .get(&reference)
            .and_then(|&at| entities.get_mut(at))
        {
            entity.failing_checks.push(row.try_get(1)?);
        }
    }
    for entity in entities.iter_mut() {
        entity.failing_checks.sort();
    }
    Ok(())
}

fn summary_of_row(row: &AnyRow) -> Result<EntitySummary, StoreError> {
    Ok(EntitySummary {
        reference: row.try_get(0)?,
        kind: row.try_get(1)?,
        repository: row.try_get(2)?,
        owner: row.try_get(3)?,
        system: row.try_get(4)?,
        score: row.try_get(5)?,
        level: row.try_get(6)?,
        stale: row.try_get::<i64, _>(7)? != 0,
        failing_checks: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escaped(r"a%b_c\d"), r"a\%b\_c\\d");
    }

    #[test]
    fn conditions_number_their_parameters_after_the_run() {
        let query = EntityQuery {
            owner: Some(" Group:Default/A ".into()),
            kind: Some("".into()),
            search: Some("Web".into()),
            ..EntityQuery::default()
        };
        let (sql, values) = conditions(&query);
        assert_eq!(
            sql,
            " AND LOWER(t.owner) = $2 AND LOWER(t.entity_ref) LIKE $3 ESCAPE '\\'"
        );
        assert_eq!(values, ["group:default/a", "%web%"]);
    }
}
