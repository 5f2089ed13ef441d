//! Recording a run: compare every entity and check result with its open interval, and
//! write only what changed.

use std::collections::{HashMap, HashSet};

use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Row};
use yardstick::report::Report;
use yardstick::Severity;
use yardstick::{CheckResult, EntityScore};

use crate::batch::{self, Cell};
use crate::texts::Texts;
use crate::{time, validate, Backend, Recorded, RunMeta, Store, StoreError};

/// An entity's recorded values (texts by their id in `texts`): a change in any of them
/// opens a new interval.
#[derive(Debug, Clone, PartialEq)]
struct EntityValue {
    kind: i64,
    repository: Option<i64>,
    owner: Option<i64>,
    system: Option<i64>,
    score: Option<f64>,
    level: Option<String>,
    stale: bool,
}

/// A check result's recorded values.
#[derive(Debug, Clone, PartialEq)]
struct CheckValue {
    status: String,
    severity: String,
    weight: f64,
    message: i64,
    pointer: Option<i64>,
    location: Option<i64>,
}

/// The open intervals of the store, by entity reference id (and check id).
#[derive(Default)]
struct Open {
    entities: HashMap<i64, (i64, EntityValue)>,
    checks: HashMap<i64, HashMap<i64, (i64, CheckValue)>>,
}

/// What a run writes besides its own row.
#[derive(Default)]
struct Changes {
    close_entities: Vec<i64>,
    close_checks: Vec<i64>,
    new_entities: Vec<(i64, EntityValue)>,
    new_checks: Vec<(i64, i64, CheckValue)>,
    stale: usize,
}

impl Store {
    /// Records `report` as a new run, in one transaction: every entity and check result
    /// that differs from its open interval closes that interval and opens a new one;
    /// unchanged results write nothing. Entities missing from the report are closed, except
    /// those of repositories the organisation scan reports as failed: they keep their
    /// results, marked stale. Refused, with nothing written, when the report is invalid (a
    /// shard report among others) or `meta.at` is before the latest recorded run.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use yardstick_store::{parse_report, RunMeta, Store};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = Store::open(&dir.path().join("h.db").display().to_string()).await.unwrap();
    /// let report = parse_report(r#"{"version": 1, "checks": [], "findings": [],
    ///   "entities": [{"ref": "component:default/web", "kind": "Component", "file": "c.yaml",
    ///     "owner": null, "system": null, "score": null, "level": null, "checks": []}],
    ///   "summary": {"entities": 1, "score": null, "owners": [], "systems": [],
    ///     "levels": {"gold": 0, "silver": 0, "bronze": 0, "none": 0},
    ///     "expired_exemptions": [], "gate": {"passed": true, "reasons": []}}}"#).unwrap();
    /// let at = "2026-01-01T00:00:00Z".parse().unwrap();
    /// let first = store.record(&report, &RunMeta::at(at)).await.unwrap();
    /// assert_eq!((first.run, first.entities_opened), (1, 1));
    /// let later = "2026-01-02T00:00:00Z".parse().unwrap();
    /// let second = store.record(&report, &RunMeta::at(later)).await.unwrap();
    /// assert_eq!((second.run, second.entities_opened), (2, 0));
    /// # });
    /// ```
    pub async fn record(&self, report: &Report, meta: &RunMeta) -> Result<Recorded, StoreError> {
        validate::check_report(report)?;
        let mut conn = self.begin_write().await?;
        let recorded = record_in(&mut conn, self.backend(), report, meta).await;
        self.finish(conn, recorded).await
    }

    /// [`Store::record`] of a report's JSON text, validated with [`crate::parse_report`].
    pub async fn record_json(&self, text: &str, meta: &RunMeta) -> Result<Recorded, StoreError> {
        let report = validate::parse_report(text)?;
        self.record(&report, meta).await
    }
}

async fn record_in(
    conn: &mut AnyConnection,
    backend: Backend,
    report: &Report,
    meta: &RunMeta,
) -> Result<Recorded, StoreError> {
    let at = time::text(meta.at);
    let latest = sqlx::query("SELECT id, at FROM runs ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let run = match latest {
        Some(row) => {
            let (latest_id, latest_at): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
            if at < latest_at {
                return Err(StoreError::OutOfOrder {
                    at,
                    latest_id,
                    latest_at,
                });
            }
            latest_id + 1
        }
        None => 1,
    };
    insert_run(conn, backend, run, &at, report, meta).await?;
    let mut texts = Texts::load(conn).await?;
    let open = load_open(conn).await?;
    let changes = compare(&open, report, &mut texts);
    texts.save(conn, backend).await?;
    write_changes(conn, backend, run, &changes).await?;
    Ok(Recorded {
        run,
        entities_opened: changes.new_entities.len(),
        entities_closed: changes.close_entities.len(),
        checks_opened: changes.new_checks.len(),
        checks_closed: changes.close_checks.len(),
        stale: changes.stale,
    })
}

async fn insert_run(
    conn: &mut AnyConnection,
    backend: Backend,
    run: i64,
    at: &str,
    report: &Report,
    meta: &RunMeta,
) -> Result<(), StoreError> {
    let source = match &report.scan {
        Some(scan) => serde_json::json!({
            "organization": scan.organization,
            "selection": scan.selection,
        }),
        None if meta.paths.is_empty() => serde_json::json!({ "paths": report.paths }),
        None => serde_json::json!({ "paths": meta.paths }),
    };
    let adoption = match &report.scan {
        Some(scan) => Some(
            serde_json::to_string(&scan.adoption)
                .map_err(|e| StoreError::InvalidReport(e.to_string()))?,
        ),
        None => None,
    };
    let count = |severity: Severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count() as i64
    };
    let row = vec![
        Cell::Int(run),
        Cell::Text(Some(time::now_text())),
        Cell::Text(Some(at.to_string())),
        Cell::Text(Some(
            serde_json::Value::from(meta.commits.clone()).to_string(),
        )),
        Cell::Text(Some(source.to_string())),
        Cell::Text(or_report(
            &meta.yardstick_version,
            &report.yardstick_version,
        )),
        Cell::Text(or_report(&meta.policy_digest, &report.policy_digest)),
        Cell::Text(or_report(&meta.config_digest, &report.config_digest)),
        Cell::Int(report.entities.len() as i64),
        Cell::Int(count(Severity::Error)),
        Cell::Int(count(Severity::Warning)),
        Cell::Int(count(Severity::Note)),
        Cell::Text(adoption),
    ];
    batch::insert(conn, backend, "runs", RUN_COLUMNS, &[row]).await?;
    Ok(())
}

/// What the caller says, or else what the report says.
fn or_report(meta: &Option<String>, report: &Option<String>) -> Option<String> {
    meta.clone().or_else(|| report.clone())
}

const RUN_COLUMNS: &[&str] = &[
    "id",
    "recorded_at",
    "at",
    "commits",
    "source",
    "yardstick_version",
    "policy_digest",
    "config_digest",
    "entities",
    "lint_errors",
    "lint_warnings",
    "lint_notes",
    "adoption",
];

const ENTITY_COLUMNS: &[&str] = &[
    "id",
    "ref_id",
    "kind_id",
    "repository_id",
    "owner_id",
    "system_id",
    "score",
    "level",
    "stale",
    "valid_from_run",
];

const CHECK_COLUMNS: &[&str] = &[
    "id",
    "ref_id",
    "check_name_id",
    "status",
    "severity",
    "weight",
    "message_id",
    "pointer_id",
    "location_id",
    "valid_from_run",
];

async fn load_open(conn: &mut AnyConnection) -> Result<Open, StoreError> {
    let mut open = Open::default();
    let mut rows = sqlx::query(
        "SELECT id, ref_id, kind_id, repository_id, owner_id, system_id, score, level, stale \
         FROM entity_results WHERE valid_to_run IS NULL",
    )
    .fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let value = EntityValue {
            kind: row.try_get(2)?,
            repository: row.try_get(3)?,
            owner: row.try_get(4)?,
            system: row.try_get(5)?,
            score: row.try_get(6)?,
            level: row.try_get(7)?,
            stale: row.try_get::<i64, _>(8)? != 0,
        };
        open.entities
            .insert(row.try_get(1)?, (row.try_get(0)?, value));
    }
    drop(rows);
    let mut rows = sqlx::query(
        "SELECT id, ref_id, check_name_id, status, severity, weight, message_id, pointer_id, \
         location_id FROM check_results WHERE valid_to_run IS NULL",
    )
    .fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let value = CheckValue {
            status: row.try_get(3)?,
            severity: row.try_get(4)?,
            weight: row.try_get(5)?,
            message: row.try_get(6)?,
            pointer: row.try_get(7)?,
            location: row.try_get(8)?,
        };
        open.checks
            .entry(row.try_get(1)?)
            .or_default()
            .insert(row.try_get(2)?, (row.try_get(0)?, value));
    }
    Ok(open)
}

/// What `report` changes against the open intervals; new texts are added to `texts`.
fn compare(open: &Open, report: &Report, texts: &mut Texts) -> Changes {
    let repositories = RepositoryIndex::new(report);
    let failed: HashSet<i64> = repositories
        .failed
        .iter()
        .filter_map(|name| texts.get(name))
        .collect();
    let mut changes = Changes::default();
    let mut seen = HashSet::new();
    for entity in &report.entities {
        let reference = texts.id(&entity.reference);
        seen.insert(reference);
        let value = entity_value(entity, repositories.of(entity.file.as_str()), texts);
        match open.entities.get(&reference) {
            Some((_, old)) if *old == value => {}
            Some((id, _)) => {
                changes.close_entities.push(*id);
                changes.new_entities.push((reference, value));
            }
            None => changes.new_entities.push((reference, value)),
        }
        compare_checks(
            open.checks.get(&reference),
            reference,
            entity,
            texts,
            &mut changes,
        );
    }
    for (reference, (id, old)) in &open.entities {
        if seen.contains(reference) {
            continue;
        }
        if old.repository.is_some_and(|r| failed.contains(&r)) {
            // Faults are not facts: keep the last known results, marked stale.
            changes.stale += 1;
            if !old.stale {
                changes.close_entities.push(*id);
                let stale = EntityValue {
                    stale: true,
                    ..old.clone()
                };
                changes.new_entities.push((*reference, stale));
            }
            continue;
        }
        changes.close_entities.push(*id);
        if let Some(checks) = open.checks.get(reference) {
            changes
                .close_checks
                .extend(checks.values().map(|(id, _)| *id));
        }
    }
    changes
}

fn compare_checks(
    open: Option<&HashMap<i64, (i64, CheckValue)>>,
    reference: i64,
    entity: &EntityScore,
    texts: &mut Texts,
    changes: &mut Changes,
) {
    let mut seen = HashSet::new();
    for check in &entity.checks {
        let name = texts.id(&check.id);
        seen.insert(name);
        let value = check_value(check, texts);
        match open.and_then(|o| o.get(&name)) {
            Some((_, old)) if *old == value => continue,
            Some((id, _)) => changes.close_checks.push(*id),
            None => {}
        }
        changes.new_checks.push((reference, name, value));
    }
    for (name, (id, _)) in open.into_iter().flatten() {
        if !seen.contains(name) {
            changes.close_checks.push(*id);
        }
    }
}

fn entity_value(entity: &EntityScore, repository: Option<&str>, texts: &mut Texts) -> EntityValue {
    EntityValue {
        kind: texts.id(&entity.kind),
        repository: repository.map(|r| texts.id(r)),
        owner: entity.owner.as_ref().map(|o| texts.id(o)),
        system: entity.system.as_ref().map(|s| texts.id(s)),
        score: entity.score,
        level: entity.level.map(|l| l.as_str().to_string()),
        stale: false,
    }
}

/// A check result as stored. The location's file is the entity's file, so only its
/// position is kept (`line:column-end_line:end_column`).
fn check_value(check: &CheckResult, texts: &mut Texts) -> CheckValue {
    CheckValue {
        status: check.status.as_str().to_string(),
        severity: check.severity.to_string(),
        weight: check.weight,
        message: texts.id(&check.message),
        pointer: check.pointer.as_ref().map(|p| texts.id(p)),
        location: check.location.as_ref().map(|l| {
            texts.id(&format!(
                "{}:{}-{}:{}",
                l.line, l.column, l.end_line, l.end_column
            ))
        }),
    }
}

/// Which repository of an organisation scan an entity's file is in, and which failed.
struct RepositoryIndex<'a> {
    by_url: HashMap<&'a str, &'a str>,
    failed: HashSet<&'a str>,
}

impl<'a> RepositoryIndex<'a> {
    fn new(report: &'a Report) -> Self {
        let mut index = RepositoryIndex {
            by_url: HashMap::new(),
            failed: HashSet::new(),
        };
        for repository in report.scan.iter().flat_map(|s| &s.repositories) {
            index
                .by_url
                .insert(repository.url.trim_end_matches('/'), &repository.name);
            if repository.error.is_some() && !repository.gone {
                index.failed.insert(&repository.name);
            }
        }
        index
    }

    /// The repository of a file shown as `<repository url>/blob/<commit>/<path>`.
    fn of(&self, file: &str) -> Option<&'a str> {
        file.match_indices("/blob/")
            .find_map(|(at, _)| self.by_url.get(&file[..at]).copied())
    }
}

async fn write_changes(
    conn: &mut AnyConnection,
    backend: Backend,
    run: i64,
    changes: &Changes,
) -> Result<(), StoreError> {
    batch::close(
        conn,
        backend,
        "entity_results",
        run,
        &changes.close_entities,
    )
    .await?;
    batch::close(conn, backend, "check_results", run, &changes.close_checks).await?;
    let next_entity = next_id(conn, "entity_results").await?;
    let rows: Vec<Vec<Cell>> = changes
        .new_entities
        .iter()
        .zip(next_entity..)
        .map(|((reference, v), id)| {
            vec![
                Cell::Int(id),
                Cell::Int(*reference),
                Cell::Int(v.kind),
                Cell::Id(v.repository),
                Cell::Id(v.owner),
                Cell::Id(v.system),
                Cell::Real(v.score),
                Cell::Text(v.level.clone()),
                Cell::Int(i64::from(v.stale)),
                Cell::Int(run),
            ]
        })
        .collect();
    batch::insert(conn, backend, "entity_results", ENTITY_COLUMNS, &rows).await?;
    let next_check = next_id(conn, "check_results").await?;
    let rows: Vec<Vec<Cell>> = changes
        .new_checks
        .iter()
        .zip(next_check..)
        .map(|((reference, name, v), id)| {
            vec![
                Cell::Int(id),
                Cell::Int(*reference),
                Cell::Int(*name),
                Cell::Text(Some(v.status.clone())),
                Cell::Text(Some(v.severity.clone())),
                Cell::Real(Some(v.weight)),
                Cell::Int(v.message),
                Cell::Id(v.pointer),
                Cell::Id(v.location),
                Cell::Int(run),
            ]
        })
        .collect();
    batch::insert(conn, backend, "check_results", CHECK_COLUMNS, &rows).await?;
    Ok(())
}

/// The next free interval id of `table` (writers hold the write lock).
async fn next_id(conn: &mut AnyConnection, table: &str) -> Result<i64, StoreError> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}
