//! Evaluating a check: regorus's bytecode VM for the built-in checks, the interpreter for
//! the rest, and the reading of a check's `result`.

use std::sync::{Arc, Mutex};

use serde_json::Value as Json;

use crate::policy::Check;
use crate::util::shared_str::StrCache;

use super::input::EntityInput;
use super::model::CheckStatus;
use super::scorer::{PreparedCheck, VmEntry};

/// What a check's `result` says about one entity.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Verdict {
    pub(super) status: CheckStatus,
    /// Shared, not owned: a memoised verdict is handed to every entity that reuses it.
    pub(super) message: Arc<str>,
    /// JSON pointer of the field at fault; empty when the result names none.
    pub(super) pointer: Arc<str>,
}

/// What evaluating a check gives: `Ok(None)` when it does not apply to the entity,
/// `Ok(Some(verdict))`, or a Rego error's message.
pub(super) type Evaluation = Result<Option<Verdict>, String>;

/// Compiles the checks the VM may evaluate into one regorus VM program and records their
/// entry points in `checks`; `None` when no check can use the VM.
///
/// regorus's bytecode VM (RVM) evaluates the built-in checks about six times faster than
/// its tree-walking interpreter, which spends most of its time building path strings and
/// calling helper functions. The VM is used only for checks whose source is exactly a
/// built-in module: their results were checked against the interpreter's (unit tests
/// below, the conformance corpus and the benchmark catalog). A custom check might use a
/// construct the two evaluate differently (regorus 0.14.1's VM lets `x := <undefined>`
/// succeed, for one), so custom checks, and built-ins whose package a custom module
/// extends, stay on the interpreter. Any VM error or undefined value falls back to the
/// interpreter too, so errors read as before.
pub(super) fn vm_program(
    checks: &mut [PreparedCheck<'_>],
    data: &regorus::Value,
) -> Option<std::sync::Arc<regorus::rvm::Program>> {
    let shared_package = |c: &Check| {
        checks
            .iter()
            .filter(|o| o.check.package == c.package)
            .count()
            > 1
    };
    let use_vm: Vec<bool> = checks
        .iter()
        .map(|p| crate::policy::is_builtin_source(&p.check.source) && !shared_package(p.check))
        .collect();
    let mut engine = regorus::Engine::new();
    let mut entry_points = Vec::new();
    for (p, _) in checks.iter().zip(&use_vm).filter(|(_, vm)| **vm) {
        engine
            .add_policy(p.check.origin.clone(), p.check.source.clone())
            .ok()?;
        if p.check.defines_applicable {
            entry_points.push(p.applicable_rule.clone());
        }
        entry_points.push(p.result_rule.clone());
    }
    let first = entry_points.first()?;
    engine.add_data(data.clone()).ok()?;
    let policy = engine
        .compile_with_entrypoint(&regorus::Rc::from(first.as_str()))
        .ok()?;
    let names: Vec<&str> = entry_points.iter().map(String::as_str).collect();
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &names).ok()?;
    let index = |rule: &str| names.iter().position(|n| *n == rule);
    for (p, _) in checks.iter_mut().zip(&use_vm).filter(|(_, vm)| **vm) {
        p.vm = Some(VmEntry {
            applicable: if p.check.defines_applicable {
                Some(index(&p.applicable_rule)?)
            } else {
                None
            },
            result: index(&p.result_rule)?,
        });
    }
    Some(program)
}

/// One rayon job's evaluators: the interpreter (custom checks, and the fallback) and the
/// VM (built-in checks).
pub(super) struct Worker {
    pub(super) engine: regorus::Engine,
    /// The `(input_id, params)` the interpreter's input was last set for.
    pub(super) engine_input: Option<(u64, usize)>,
    pub(super) vm: Option<regorus::rvm::RegoVM>,
    /// `data` of the run, for the checks evaluated natively.
    data: regorus::Value,
    pub(super) next_id: u64,
    /// Shares the strings of this job's results: a scorecard repeats the same messages,
    /// pointers, kinds and owners for thousands of entities.
    pub(super) strings: StrCache,
}

/// Workers lent to a run's rayon jobs, each given back when its job ends: a run makes
/// about as many as it has threads rather than one per job, and each keeps its string
/// cache from job to job.
pub(super) struct Workers<F> {
    idle: Mutex<Vec<Worker>>,
    make: F,
}

impl<F: Fn() -> Worker> Workers<F> {
    /// A pool that makes a worker with `make` when none is idle.
    pub(super) fn new(make: F) -> Self {
        Workers {
            idle: Mutex::new(Vec::new()),
            make,
        }
    }

    /// An idle worker, or a new one, until the lent value is dropped.
    pub(super) fn lend(&self) -> Lent<'_> {
        let idle = lock(&self.idle).pop();
        Lent {
            worker: Some(idle.unwrap_or_else(&self.make)),
            idle: &self.idle,
        }
    }
}

/// A worker of [`Workers`], given back when dropped.
pub(super) struct Lent<'w> {
    worker: Option<Worker>,
    idle: &'w Mutex<Vec<Worker>>,
}

impl std::ops::Deref for Lent<'_> {
    type Target = Worker;

    fn deref(&self) -> &Worker {
        // Taken only by `drop`.
        self.worker
            .as_ref()
            .unwrap_or_else(|| unreachable!("a lent worker is held"))
    }
}

impl std::ops::DerefMut for Lent<'_> {
    fn deref_mut(&mut self) -> &mut Worker {
        self.worker
            .as_mut()
            .unwrap_or_else(|| unreachable!("a lent worker is held"))
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            lock(self.idle).push(worker);
        }
    }
}

/// The idle workers; a lock poisoned by a panicking job still holds whole workers.
fn lock(idle: &Mutex<Vec<Worker>>) -> std::sync::MutexGuard<'_, Vec<Worker>> {
    idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Worker {
    pub(super) fn new(
        engine: regorus::Engine,
        program: Option<&std::sync::Arc<regorus::rvm::Program>>,
        data: &regorus::Value,
    ) -> Self {
        let vm = program.and_then(|program| {
            let mut vm = regorus::rvm::RegoVM::new();
            vm.load_program(program.clone());
            // The default budget (25,000 instructions) is for untrusted policies; entities
            // with hundreds of annotations would exceed it and fall back to the (slower,
            // unlimited) interpreter anyway.
            vm.set_max_instructions(usize::MAX);
            vm.set_data(data.clone()).ok()?;
            Some(vm)
        });
        Worker {
            engine,
            engine_input: None,
            vm,
            data: data.clone(),
            next_id: 0,
            strings: StrCache::new(4096),
        }
    }

    /// `data` of the run.
    pub(super) fn data(&self) -> &regorus::Value {
        &self.data
    }

    pub(super) fn next_input_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(super) fn evaluate(&mut self, p: &PreparedCheck<'_>, input: &EntityInput) -> Evaluation {
        if let Some(evaluation) = (p.native.as_ref()).and_then(|n| n.evaluate(input, &self.data)) {
            return evaluation;
        }
        if let (Some(entry), Some(vm)) = (p.vm, self.vm.as_mut()) {
            vm.set_input(input.with_params(&p.params_value));
            let applicable = match entry.applicable {
                Some(i) => vm.execute_entry_point_by_index(i).ok(),
                None => Some(regorus::Value::from(true)),
            };
            match applicable {
                Some(v) if v == regorus::Value::from(false) => return Ok(None),
                Some(regorus::Value::Undefined) | None => {}
                Some(_) => {
                    if let Ok(value) = vm.execute_entry_point_by_index(entry.result) {
                        if let Some(r) = plain_verdict(&value) {
                            return Ok(Some(r));
                        }
                    }
                }
            }
        }
        // The interpreter: custom checks, and anything the VM did not answer plainly.
        let key = (input.input_id, std::ptr::from_ref(&p.params_value) as usize);
        if self.engine_input != Some(key) {
            self.engine.set_input(input.with_params(&p.params_value));
            self.engine_input = Some(key);
        }
        evaluate_check(&mut self.engine, p)
    }
}

/// Reads `{"status", "message", "pointer"}` from a result whose keys and values are all
/// strings, as the built-in checks' are, giving what `evaluate_check` gives for it; `None`
/// for any other value (`evaluate_check` then decides, with its error messages).
pub(super) fn plain_verdict(value: &regorus::Value) -> Option<Verdict> {
    let regorus::Value::Object(fields) = value else {
        return None;
    };
    let mut status = None;
    let mut message: Arc<str> = Arc::from("");
    let mut pointer: Arc<str> = Arc::from("");
    for (k, v) in fields.iter() {
        let (regorus::Value::String(k), regorus::Value::String(v)) = (k, v) else {
            return None;
        };
        match &**k {
            "status" => status = Some(v),
            "message" => message = v.clone(),
            "pointer" => pointer = v.clone(),
            _ => {}
        }
    }
    let status = match status.map(|s| &**s) {
        Some("pass") => CheckStatus::Pass,
        Some("fail") => CheckStatus::Fail,
        Some("unknown") => CheckStatus::Unknown,
        // Bad or missing status: the interpreter path words the error.
        _ => return None,
    };
    Some(Verdict {
        status,
        message,
        pointer,
    })
}

/// Evaluates a check with the interpreter, on the input already set.
pub(super) fn evaluate_check(engine: &mut regorus::Engine, p: &PreparedCheck<'_>) -> Evaluation {
    if p.check.defines_applicable {
        let applicable = engine
            .eval_rule(p.applicable_rule.clone())
            .map_err(|e| format!("rego error: {e}"))?;
        if applicable == regorus::Value::from(false) {
            return Ok(None);
        }
    }
    let value = engine
        .eval_rule(p.result_rule.clone())
        .map_err(|e| format!("rego error: {e}"))?;
    if value == regorus::Value::Undefined {
        return Err(format!("check {} produced no result", p.check.id));
    }
    let json: Json = value
        .to_json_str()
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| format!("check {} produced a result that is not JSON", p.check.id))?;
    let status = match json.get("status").and_then(Json::as_str) {
        Some("pass") => CheckStatus::Pass,
        Some("fail") => CheckStatus::Fail,
        Some("unknown") => CheckStatus::Unknown,
        other => {
            return Err(format!(
                "check {} returned status {other:?}; expected pass, fail or unknown",
                p.check.id
            ))
        }
    };
    let text = |field: &str| Arc::from(json.get(field).and_then(Json::as_str).unwrap_or_default());
    let (message, pointer) = (text("message"), text("pointer"));
    Ok(Some(Verdict {
        status,
        message,
        pointer,
    }))
}
