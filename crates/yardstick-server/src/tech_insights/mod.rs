//! Backstage's Tech Insights API (`@backstage-community/plugin-tech-insights-common` 0.11),
//! answered from the latest recorded run: the routes, their inputs and their answers.
//!
//! - `checks`: `Check` descriptions; `results`: `CheckResult`s and the status-to-boolean
//!   mapping; `facts`: the fact retrievers, `InsightFacts` and fact schemas.

pub(crate) mod checks;
pub(crate) mod facts;
pub(crate) mod results;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use yardstick::{EntityRef, DEFAULT_NAMESPACE};

pub use results::shown_as;

use crate::state::{AppState, Latest};
use crate::{ApiError, Query};

/// The routes, to be nested at `/api/tech-insights`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/checks", get(all_checks))
        .route("/checks/run", post(run_bulk))
        .route("/checks/run/{namespace}/{kind}/{name}", post(run_entity))
        .route("/facts/latest", get(latest_facts))
        .route("/fact-schemas", get(fact_schemas))
}

/// `GET /checks`.
async fn all_checks(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let latest = state.latest().await?;
    let checks = latest.as_ref().map_or(&[][..], |l| &l.checks[..]);
    Ok(Json(checks).into_response())
}

/// `{checks?: string[]}`.
#[derive(Deserialize)]
struct RunBody {
    #[serde(default)]
    checks: Option<Vec<String>>,
}

/// `POST /checks/run/{namespace}/{kind}/{name}`.
async fn run_entity(
    State(state): State<Arc<AppState>>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Path((namespace, kind, name)) =
        path.map_err(|e| ApiError::input(format!("the entity in the path: {e}")))?;
    let body: RunBody = json_body(body)?.unwrap_or(RunBody { checks: None });
    let reference = EntityRef::new(&kind, &namespace, &name).to_string();
    let latest = require_latest(&state).await?;
    let entity = latest
        .entity(&reference)
        .ok_or_else(|| not_in_run(&latest, &reference))?;
    let results = results::entity_results(&latest, entity, body.checks.as_deref());
    Ok(Json(results).into_response())
}

/// An entity of a bulk request: `{kind, namespace, name}` or a reference string.
#[derive(Deserialize)]
#[serde(untagged)]
enum EntityArg {
    Compound {
        kind: String,
        #[serde(default)]
        namespace: Option<String>,
        name: String,
    },
    Text(String),
}

/// `{entities: CompoundEntityRef[], checks?: string[]}`.
#[derive(Deserialize)]
struct BulkBody {
    entities: Option<Vec<EntityArg>>,
    #[serde(default)]
    checks: Option<Vec<String>>,
}

/// `POST /checks/run`: `[{entity, results}]`; `entities: []` means every entity of the run,
/// as in Backstage. An entity not in the run gets no results and a `NotFoundError`.
async fn run_bulk(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body: BulkBody =
        json_body(body)?.ok_or_else(|| ApiError::input("the body must be a JSON object"))?;
    let entities = body
        .entities
        .ok_or_else(|| ApiError::input("the body has no \"entities\" list"))?;
    let Some(latest) = state.latest().await? else {
        return Ok(Json(Vec::<Value>::new()).into_response());
    };
    let checks = body.checks.as_deref();
    let answer: Vec<Value> = if entities.is_empty() {
        latest
            .snapshot
            .entities
            .iter()
            .map(|e| {
                let results = results::entity_results(&latest, e, checks);
                json!({"entity": e.reference, "results": results})
            })
            .collect()
    } else {
        let mut answer = Vec::with_capacity(entities.len());
        for arg in &entities {
            let reference = bulk_reference(arg)?;
            answer.push(match latest.entity(&reference) {
                Some(e) => {
                    let results = results::entity_results(&latest, e, checks);
                    json!({"entity": reference, "results": results})
                }
                None => {
                    let error = not_in_run(&latest, &reference);
                    json!({
                        "entity": reference,
                        "results": [],
                        "error": {"name": error.name(), "message": error.message()},
                    })
                }
            });
        }
        answer
    };
    Ok(Json(answer).into_response())
}

/// `GET /facts/latest?entity=REF&ids[0]=…`.
async fn latest_facts(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let query = Query::parse(uri.query().unwrap_or(""));
    let entity = query
        .single("entity")
        .map_err(ApiError::input)?
        .ok_or_else(|| ApiError::input("the query has no entity (entity=kind:namespace/name)"))?;
    let reference = EntityRef::parse(entity, None, DEFAULT_NAMESPACE)
        .map_err(|e| ApiError::input(e.to_string()))?
        .to_string();
    if !query.has("ids") {
        return Err(ApiError::input(
            "the query has no fact retriever ids (ids[0]=yardstick&ids[1]=…)",
        ));
    }
    let ids = query.list("ids").map_err(ApiError::input)?;
    let latest = require_latest(&state).await?;
    let entity = latest
        .entity(&reference)
        .ok_or_else(|| not_in_run(&latest, &reference))?;
    Ok(Json(facts::insight_facts(&latest, entity, &ids)).into_response())
}

/// `GET /fact-schemas`.
async fn fact_schemas(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let latest = state.latest().await?;
    Ok(Json(facts::fact_schemas(latest.as_deref())).into_response())
}

/// A JSON body, `None` when empty; refused with a message when it is not JSON of type `T`.
fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<Option<T>, ApiError> {
    let body = body.map_err(|e| ApiError::new(e.status(), "InputError", e.body_text()))?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| ApiError::input(format!("the request body: {e}")))
}

/// The reference of a bulk request's entity, kind required.
fn bulk_reference(arg: &EntityArg) -> Result<String, ApiError> {
    let parsed = match arg {
        EntityArg::Compound {
            kind,
            namespace,
            name,
        } => {
            let namespace = namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
            if kind.is_empty() || namespace.is_empty() || name.is_empty() {
                return Err(ApiError::input(format!(
                    "entity {{kind: {kind:?}, namespace: {namespace:?}, name: {name:?}}} has an empty part"
                )));
            }
            EntityRef::new(kind, namespace, name)
        }
        EntityArg::Text(text) => EntityRef::parse(text, None, DEFAULT_NAMESPACE)
            .map_err(|e| ApiError::input(e.to_string()))?,
    };
    // As Backstage's stringifyEntityRef writes it: the name keeps its case.
    Ok(format!(
        "{}:{}/{}",
        parsed.kind.to_lowercase(),
        parsed.namespace.to_lowercase(),
        parsed.name
    ))
}

async fn require_latest(state: &AppState) -> Result<Arc<Latest>, ApiError> {
    state
        .latest()
        .await?
        .ok_or_else(|| ApiError::not_found("the score history has no run yet"))
}

fn not_in_run(latest: &Latest, reference: &str) -> ApiError {
    let run = &latest.snapshot.run;
    ApiError::not_found(format!(
        "no entity {reference} in the latest run ({}, at {})",
        run.id,
        run.at.to_rfc3339()
    ))
}
