//! Recording a run: compare every entity and check result with its open interval, and
//! write only what changed.

use std::collections::{HashMap, HashSet};

use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Row};
use yardstick::report::Report;
use yardstick::util::fnv::Fnv1a64;
use yardstick::Severity;
use yardstick::{CheckResult, EntityScore};

use crate::batch::{self, Cell};
use crate::texts::Texts;
use crate::{time, validate, Backend, Recorded, RunMeta, Store, StoreError};

/// What an entity is, besides its results (texts by their id in `texts`): kept in
/// `entity_details`, written again only when one of them changes.
#[derive(Debug, Clone, PartialEq)]
struct Details {
    kind: i64,
    repository: Option<i64>,
    owner: Option<i64>,
    system: Option<i64>,
    stale: bool,
}

/// An entity's recorded values: a change in any of them opens a new interval.
#[derive(Debug, Clone, PartialEq)]
struct EntityValue {
    details: Details,
    score: Option<f64>,
    level: Option<String>,
    /// [`checks_digest`] of its check results (`None`: carried over from schema 2).
    checks_digest: Option<i64>,
}

/// An entity of the report as it would be stored, with its checks (one per check id).
struct Planned {
    reference: i64,
    value: EntityValue,
    checks: Vec<(i64, CheckValue)>,
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

/// An open entity interval: its first run, `entity_details` id and values.
struct OpenEntity {
    from: i64,
    details_id: i64,
    value: EntityValue,
}

/// The open intervals of the store, by entity reference id (and check id). Checks are
/// loaded only for the entities whose digest does not tell that they are unchanged.
#[derive(Default)]
struct Open {
    entities: HashMap<i64, OpenEntity>,
    checks: HashMap<i64, HashMap<i64, CheckValue>>,
}

/// A new entity interval: its reference, its details (an existing `entity_details` id, or
/// new details to write) and values.
struct NewEntity {
    reference: i64,
    details_id: Option<i64>,
    value: EntityValue,
}

/// What a run writes besides its own row. Intervals are only appended: a new interval
/// ends the entity's (or check's) open one; `ended_*` end those that nothing continues.
#[derive(Default)]
struct Changes {
    new_entities: Vec<NewEntity>,
    ended_entities: Vec<i64>,
    new_checks: Vec<(i64, i64, CheckValue)>,
    ended_checks: Vec<(i64, i64)>,
    /// Open entity intervals whose values still hold but whose checks changed (or that were
    /// carried over from schema 2 without a digest), and their digest now: set in place, so
    /// that the entity's interval does not split on a change that left its score and level.
    filled_digests: Vec<(i64, i64, i64)>,
    /// Open entity and check intervals that a new one continues.
    continued_entities: usize,
    continued_checks: usize,
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
    let mut open = Open {
        entities: load_open_entities(conn).await?,
        checks: HashMap::new(),
    };
    let repositories = RepositoryIndex::new(report);
    let planned: Vec<Planned> = report
        .entities
        .iter()
        .map(|e| plan(e, repositories.of(e.file.as_str()), &mut texts))
        .collect();
    let failed: HashSet<i64> = repositories
        .failed
        .iter()
        .filter_map(|name| texts.get(name))
        .collect();
    let to_load = checks_to_load(&open, &planned, &failed);
    open.checks = load_open_checks(conn, backend, &to_load).await?;
    let changes = compare(&open, &planned, &failed);
    texts.save(conn, backend).await?;
    write_changes(conn, backend, run, &changes).await?;
    Ok(Recorded {
        run,
        entities_opened: changes.new_entities.len(),
        entities_closed: changes.continued_entities + changes.ended_entities.len(),
        checks_opened: changes.new_checks.len(),
        checks_closed: changes.continued_checks + changes.ended_checks.len(),
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

async fn load_open_entities(
    conn: &mut AnyConnection,
) -> Result<HashMap<i64, OpenEntity>, StoreError> {
    let mut open = HashMap::new();
    let mut rows = sqlx::query(
        "SELECT e.ref_id, e.details_id, e.score, e.level, e.checks_digest, d.kind_id, \
         d.repository_id, d.owner_id, d.system_id, d.stale, e.valid_from_run \
         FROM entity_spans e \
         JOIN entity_details d ON d.id = e.details_id WHERE e.valid_to_run IS NULL",
    )
    .fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let value = EntityValue {
            details: Details {
                kind: row.try_get(5)?,
                repository: row.try_get(6)?,
                owner: row.try_get(7)?,
                system: row.try_get(8)?,
                stale: row.try_get::<i64, _>(9)? != 0,
            },
            score: row.try_get(2)?,
            level: row.try_get(3)?,
            checks_digest: row.try_get(4)?,
        };
        let open_entity = OpenEntity {
            from: row.try_get(10)?,
            details_id: row.try_get(1)?,
            value,
        };
        open.insert(row.try_get(0)?, open_entity);
    }
    Ok(open)
}

/// The entities whose open checks the comparison needs: those in the report whose digest
/// differs from their open interval's, and those that the run removes.
fn checks_to_load(open: &Open, planned: &[Planned], failed: &HashSet<i64>) -> Vec<i64> {
    let mut load = Vec::new();
    let mut seen = HashSet::new();
    for entity in planned {
        seen.insert(entity.reference);
        if let Some(old) = open.entities.get(&entity.reference) {
            if old.value.checks_digest != entity.value.checks_digest {
                load.push(entity.reference);
            }
        }
    }
    for (reference, old) in &open.entities {
        let kept = old
            .value
            .details
            .repository
            .is_some_and(|r| failed.contains(&r));
        if !seen.contains(reference) && !kept {
            load.push(*reference);
        }
    }
    load
}

/// The open check intervals of `references`: per entity and check, the latest row unless
/// an end row follows it.
async fn load_open_checks(
    conn: &mut AnyConnection,
    backend: Backend,
    references: &[i64],
) -> Result<HashMap<i64, HashMap<i64, CheckValue>>, StoreError> {
    let mut latest: HashMap<(i64, i64), (i64, CheckValue)> = HashMap::new();
    let rows = batch::select_in(
        conn,
        backend,
        "SELECT ref_id, check_name_id, status, severity, weight, message_id, pointer_id, \
         location_id, valid_from_run FROM check_results WHERE ref_id IN ",
        references,
    )
    .await?;
    for row in rows {
        let key = (row.try_get(0)?, row.try_get(1)?);
        let from: i64 = row.try_get(8)?;
        if latest.get(&key).is_some_and(|(f, _)| *f > from) {
            continue;
        }
        let value = CheckValue {
            status: row.try_get(2)?,
            severity: row.try_get(3)?,
            weight: row.try_get(4)?,
            message: row.try_get(5)?,
            pointer: row.try_get(6)?,
            location: row.try_get(7)?,
        };
        latest.insert(key, (from, value));
    }
    let ends = batch::select_in(
        conn,
        backend,
        "SELECT ref_id, check_name_id, run FROM check_ends WHERE ref_id IN ",
        references,
    )
    .await?;
    for row in ends {
        let key: (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        let run: i64 = row.try_get(2)?;
        if latest.get(&key).is_some_and(|(from, _)| *from < run) {
            latest.remove(&key);
        }
    }
    let mut open: HashMap<i64, HashMap<i64, CheckValue>> = HashMap::new();
    for ((reference, name), (_, value)) in latest {
        open.entry(reference).or_default().insert(name, value);
    }
    Ok(open)
}

/// An entity of the report as it would be stored; new texts are added to `texts`.
fn plan(entity: &EntityScore, repository: Option<&str>, texts: &mut Texts) -> Planned {
    let mut checks: Vec<(i64, CheckValue)> = Vec::with_capacity(entity.checks.len());
    let mut seen = HashSet::new();
    for check in &entity.checks {
        let name = texts.id(&check.id);
        // One interval per check and entity: a repeated check id keeps the first.
        if seen.insert(name) {
            checks.push((name, check_value(check, texts)));
        }
    }
    let mut value = entity_value(entity, repository, texts);
    value.checks_digest = Some(checks_digest(&checks));
    Planned {
        reference: texts.id(&entity.reference),
        value,
        checks,
    }
}

/// A hash of check results, independent of their order (FNV-1a over each field, in check
/// id order). Equal digests are taken as equal checks: a steady run compares no more.
fn checks_digest(checks: &[(i64, CheckValue)]) -> i64 {
    let mut sorted: Vec<&(i64, CheckValue)> = checks.iter().collect();
    sorted.sort_by_key(|(name, _)| *name);
    let mut hash = Fnv1a64::new();
    let id = |hash: &mut Fnv1a64, id: Option<i64>| match id {
        Some(id) => hash.write(&id.to_le_bytes()),
        None => hash.write(&[0xff]),
    };
    for (name, check) in sorted {
        id(&mut hash, Some(*name));
        hash.write(check.status.as_bytes());
        hash.write(&[0]);
        hash.write(check.severity.as_bytes());
        hash.write(&[0]);
        hash.write(&check.weight.to_bits().to_le_bytes());
        id(&mut hash, Some(check.message));
        id(&mut hash, check.pointer);
        id(&mut hash, check.location);
    }
    i64::from_le_bytes(hash.finish().to_le_bytes())
}

/// What the planned entities change against the open intervals.
fn compare(open: &Open, planned: &[Planned], failed: &HashSet<i64>) -> Changes {
    let mut changes = Changes::default();
    let mut seen = HashSet::new();
    for entity in planned {
        let reference = entity.reference;
        seen.insert(reference);
        let old = open.entities.get(&reference);
        changes.entity(reference, old, entity.value.clone());
        let unchanged = old.is_some_and(|o| o.value.checks_digest == entity.value.checks_digest);
        if !unchanged {
            compare_checks(open.checks.get(&reference), entity, &mut changes);
        }
    }
    for (reference, old) in &open.entities {
        if seen.contains(reference) {
            continue;
        }
        if old
            .value
            .details
            .repository
            .is_some_and(|r| failed.contains(&r))
        {
            // Faults are not facts: keep the last known results, marked stale.
            changes.stale += 1;
            let mut stale = old.value.clone();
            stale.details.stale = true;
            changes.entity(*reference, Some(old), stale);
            continue;
        }
        changes.ended_entities.push(*reference);
        if let Some(checks) = open.checks.get(reference) {
            changes
                .ended_checks
                .extend(checks.keys().map(|name| (*reference, *name)));
        }
    }
    changes
}

impl Changes {
    /// Entity `reference` now has `value`: a new interval unless its open one has it.
    fn entity(&mut self, reference: i64, open: Option<&OpenEntity>, value: EntityValue) {
        if let Some(old) = open {
            if old.value == value {
                return;
            }
            let digest_aside = EntityValue {
                checks_digest: old.value.checks_digest,
                ..value.clone()
            };
            if let (true, Some(digest)) = (old.value == digest_aside, value.checks_digest) {
                self.filled_digests.push((reference, old.from, digest));
                return;
            }
            self.continued_entities += 1;
        }
        let details_id = open
            .filter(|old| old.value.details == value.details)
            .map(|old| old.details_id);
        self.new_entities.push(NewEntity {
            reference,
            details_id,
            value,
        });
    }
}

fn compare_checks(
    open: Option<&HashMap<i64, CheckValue>>,
    entity: &Planned,
    changes: &mut Changes,
) {
    for (name, value) in &entity.checks {
        match open.and_then(|o| o.get(name)) {
            Some(old) if old == value => continue,
            Some(_) => changes.continued_checks += 1,
            None => {}
        }
        changes
            .new_checks
            .push((entity.reference, *name, value.clone()));
    }
    let seen: HashSet<&i64> = entity.checks.iter().map(|(name, _)| name).collect();
    for name in open.into_iter().flat_map(HashMap::keys) {
        if !seen.contains(name) {
            changes.ended_checks.push((entity.reference, *name));
        }
    }
}

fn entity_value(entity: &EntityScore, repository: Option<&str>, texts: &mut Texts) -> EntityValue {
    EntityValue {
        details: Details {
            kind: texts.id(&entity.kind),
            repository: repository.map(|r| texts.id(r)),
            owner: entity.owner.as_ref().map(|o| texts.id(o)),
            system: entity.system.as_ref().map(|s| texts.id(s)),
            stale: false,
        },
        score: entity.score,
        level: entity.level.map(|l| l.as_str().to_string()),
        checks_digest: None,
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
    let mut next_details = next_details_id(conn).await?;
    let mut details_rows = Vec::new();
    let mut entity_rows = Vec::with_capacity(changes.new_entities.len());
    for new in &changes.new_entities {
        let value = &new.value;
        let details_id = match new.details_id {
            Some(id) => id,
            None => {
                let d = &value.details;
                details_rows.push(vec![
                    Cell::Int(next_details),
                    Cell::Int(new.reference),
                    Cell::Int(d.kind),
                    Cell::Id(d.repository),
                    Cell::Id(d.owner),
                    Cell::Id(d.system),
                    Cell::Int(i64::from(d.stale)),
                ]);
                next_details += 1;
                next_details - 1
            }
        };
        entity_rows.push(vec![
            Cell::Int(new.reference),
            Cell::Int(run),
            Cell::Int(details_id),
            Cell::Real(value.score),
            Cell::Text(value.level.clone()),
            Cell::Id(value.checks_digest),
        ]);
    }
    batch::insert(
        conn,
        backend,
        "entity_details",
        DETAILS_COLUMNS,
        &details_rows,
    )
    .await?;
    batch::insert(
        conn,
        backend,
        "entity_results",
        ENTITY_COLUMNS,
        &entity_rows,
    )
    .await?;
    for (reference, from, digest) in &changes.filled_digests {
        sqlx::query(
            "UPDATE entity_results SET checks_digest = $1 WHERE ref_id = $2 AND valid_from_run = $3",
        )
        .bind(*digest)
        .bind(*reference)
        .bind(*from)
        .execute(&mut *conn)
        .await?;
    }
    let ends: Vec<Vec<Cell>> = changes
        .ended_entities
        .iter()
        .map(|reference| vec![Cell::Int(*reference), Cell::Int(run)])
        .collect();
    batch::insert(conn, backend, "entity_ends", &["ref_id", "run"], &ends).await?;
    let rows: Vec<Vec<Cell>> = changes
        .new_checks
        .iter()
        .map(|(reference, name, v)| {
            vec![
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
    let ends: Vec<Vec<Cell>> = changes
        .ended_checks
        .iter()
        .map(|(reference, name)| vec![Cell::Int(*reference), Cell::Int(*name), Cell::Int(run)])
        .collect();
    let columns = &["ref_id", "check_name_id", "run"];
    batch::insert(conn, backend, "check_ends", columns, &ends).await?;
    Ok(())
}

const DETAILS_COLUMNS: &[&str] = &[
    "id",
    "ref_id",
    "kind_id",
    "repository_id",
    "owner_id",
    "system_id",
    "stale",
];

const ENTITY_COLUMNS: &[&str] = &[
    "ref_id",
    "valid_from_run",
    "details_id",
    "score",
    "level",
    "checks_digest",
];

const CHECK_COLUMNS: &[&str] = &[
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

/// The next free `entity_details` id (writers hold the write lock).
async fn next_details_id(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM entity_details")
        .fetch_one(&mut *conn)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: i64, status: &str) -> (i64, CheckValue) {
        let value = CheckValue {
            status: status.to_string(),
            severity: "high".to_string(),
            weight: 7.5,
            message: 10 + name,
            pointer: None,
            location: Some(3),
        };
        (name, value)
    }

    #[test]
    fn the_digest_ignores_order_and_sees_every_field() {
        let (a, b) = (check(1, "pass"), check(2, "fail"));
        let both = checks_digest(&[a.clone(), b.clone()]);
        assert_eq!(both, checks_digest(&[b.clone(), a.clone()]));
        assert_ne!(both, checks_digest(std::slice::from_ref(&a)));
        let changes: [fn(&mut CheckValue); 6] = [
            |c| c.status = "pass".into(),
            |c| c.severity = "low".into(),
            |c| c.weight = 2.5,
            |c| c.message = 99,
            |c| c.pointer = Some(3),
            |c| c.location = None,
        ];
        for change in changes {
            let mut changed = b.clone();
            change(&mut changed.1);
            assert_ne!(both, checks_digest(&[a.clone(), changed]));
        }
    }
}
