#!/usr/bin/env python3
"""Throughput of yardstick's checks under yardstick (regorus) and under real OPA.

Generates a synthetic catalog with the workspace's generator, builds the exact
per-entity inputs of docs/policy-contract.md, evaluates the check modules of
crates/yardstick/policies/ with OPA (opa-golib-python-bindings: OPA's Go engine as a shared
library) one input per entity, as conftest does, and compares that with the
scoring phase of yardstick as timed by benches/examples/phases.rs.

    pip install --ignore-requires-python -r benches/opa/requirements.txt
    python3 benches/opa/compare.py [--entities 2000] [--runs 3] [--workdir DIR]

See benches/opa/README.md for what is measured and the caveats.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "crates" / "yardstick" / "policies"
CATALOG = "catalog"  # catalog directory, relative to the work directory
TARGET_RATIO = 10.0

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("compare.py: PyYAML is missing: pip install --ignore-requires-python -r benches/opa/requirements.txt")
try:
    from opa_bindings import OpaEngine, OpaError, OpaUndefinedError
except ImportError:  # pragma: no cover
    sys.exit(
        "compare.py: opa-golib-python-bindings is missing: "
        "pip install --ignore-requires-python -r benches/opa/requirements.txt"
    )


# --------------------------------------------------------------------------------------------
# YAML 1.2 core schema for PyYAML (which implements YAML 1.1).
#
# yardstick reads catalog files as Backstage does (the npm `yaml` package, YAML 1.2 core
# schema): `yes`/`no`/`on`/`off` stay strings, no sexagesimal numbers, no timestamps,
# `0o17` is octal, `012` is decimal. The generated catalog hardly depends on this, and
# every OPA result is compared with yardstick's own report below, which catches any input
# that differs.
# --------------------------------------------------------------------------------------------


class Yaml12Loader(yaml.SafeLoader):
    pass


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]:
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _int12(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v, 10)


def _float12(loader, node):
    v = loader.construct_scalar(node).lower()
    if v.endswith(".inf"):
        return float("-inf") if v.startswith("-") else float("inf")
    if v == ".nan":
        return float("nan")
    return float(v)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int12)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _float12)
Yaml12Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def cargo(args: list[str], cwd: Path, capture: bool = False) -> subprocess.CompletedProcess:
    cmd = ["cargo", "run", "--manifest-path", str(REPO / "Cargo.toml"), "--release", "-q", *args]
    print("  $ " + " ".join(cmd), flush=True)
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, check=False, text=True, capture_output=capture)
    print(f"  ({time.perf_counter() - start:.1f} s including any cargo build)", flush=True)
    return r


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def entity_ref(doc: dict) -> str | None:
    if not isinstance(doc, dict):
        return None
    md = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    kind, name = doc.get("kind"), md.get("name")
    ns = md.get("namespace") or "default"
    if not all(isinstance(x, str) for x in (kind, name, ns)):
        return None
    return f"{kind}:{ns}/{name}".lower()


def normalize_within(base: str, target: str) -> str | None:
    """lint.rs normalize_within: lexical join of `target` onto `base`, `..` pops."""
    if target.startswith("/"):
        return None
    parts = [p for p in base.split("/") if p != ""] if base else []
    lead = "/" if base.startswith("/") else ""
    for c in target.split("/"):
        if c in ("", "."):
            continue
        if c == "..":
            if parts:
                parts.pop()
        else:
            parts.append(c)
    return lead + "/".join(parts)


def local_facts(entity: dict, display: str, workdir: Path) -> dict:
    """score.rs local_facts: input.local.techdocs for `dir:` techdocs refs."""
    ann = (entity.get("metadata") or {}).get("annotations")
    ref = ann.get("backstage.io/techdocs-ref") if isinstance(ann, dict) else None
    if not isinstance(ref, str) or not ref.strip().startswith("dir:"):
        return {}
    dir_ref = ref.strip()[len("dir:"):]
    root = (workdir / CATALOG).resolve()
    catalog_dir = str((workdir / display).parent)
    shown_dir = os.path.dirname(display)
    target = normalize_within(catalog_dir, dir_ref.strip())
    if target is not None and Path(target).resolve().is_relative_to(root):
        found = any(
            (Path(target) / n).is_file() and (Path(target) / n).resolve().is_relative_to(root)
            for n in ("mkdocs.yml", "mkdocs.yaml")
        )
        shown = normalize_within(shown_dir, dir_ref.strip()) or ""
        expected = f"{shown}/mkdocs.yml" if shown else "mkdocs.yml"
    else:
        found = False
        expected = f"{dir_ref.strip()} (outside the scanned root; not checked)"
    return {"techdocs": {"ref": f"dir:{dir_ref}", "dir_ref": True, "mkdocs_found": found, "expected": expected}}


def parse_checks() -> list[dict]:
    """The check modules of crates/yardstick/policies/ (not the *_test.rego files) and their METADATA."""
    checks = []
    for f in sorted(glob.glob(str(POLICIES / "*.rego"))):
        if f.endswith("_test.rego"):
            continue
        src = Path(f).read_text()
        pkg = re.search(r"^package\s+(\S+)", src, re.M).group(1)
        lines = src.splitlines()
        start = lines.index("# METADATA")
        block = []
        for line in lines[start:]:
            if not line.startswith("#"):
                break
            block.append(re.sub(r"^# ?", "", line, count=1))
        meta = yaml.load("\n".join(block[1:]), Loader=Yaml12Loader) or {}
        custom = meta.get("custom") or {}
        checks.append(
            {
                "file": os.path.basename(f),
                "source": src,
                "package": pkg,
                "id": custom["id"],
                "applies_to": [k.lower() for k in custom.get("applies_to") or []],
                "applicable": f"{pkg}.applicable",
                "result": f"{pkg}.result",
            }
        )
    return checks


# --------------------------------------------------------------------------------------------
# OPA evaluation modes (the timed part)
# --------------------------------------------------------------------------------------------


def run_per_query(engine, work):
    """One OPA query per rule, as conftest does: for every entity and every check whose
    applies_to names the entity's kind, `data.<pkg>.applicable`, then `data.<pkg>.result`
    when applicable (yardstick's order). The input is passed (and JSON-encoded by the
    bindings) with every query."""
    out = []
    append = out.append
    eval_document = engine.eval_document
    for inp, pairs in work:
        for applicable_path, result_path in pairs:
            try:
                if eval_document(applicable_path, inp) is False:
                    append(None)
                    continue
                append(eval_document(result_path, inp))
            except OpaUndefinedError:
                append({"error": "undefined"})
            except OpaError as e:
                append({"error": str(e)})
    return out


def run_batched(engine, work, batch_queries):
    """One OPA query per entity, covering every check that applies to its kind."""
    out = []
    extend = out.extend
    eval_query = engine.eval_query
    for (inp, pairs), (query, keys) in zip(work, batch_queries):
        try:
            b = eval_query(query, inp)
            o = b[0]["out"]
            extend(o[k][0] if o[k] else None for k in keys)
        except (OpaError, IndexError, KeyError) as e:
            extend({"error": f"batched: {e!r}"} for _ in keys)
    return out


def run_floor(engine, work):
    """Fixed cost of one call through the bindings: a trivial query with the same input,
    as many times as run_per_query makes calls (informative)."""
    eval_query = engine.eval_query
    n = 0
    for inp, pairs in work:
        for _ in range(2 * len(pairs)):
            eval_query("x := 1", inp)
            n += 1
    return n


CPU: dict[int, float] = {}  # id(result) -> best process CPU seconds of that measurement


def best_of(runs: int, fn):
    """Best and median wall-clock seconds of `runs` runs, and the last result. The best
    process CPU time (Python plus OPA's Go threads) is kept in CPU[id(result)]."""
    times, cpus, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    CPU[id(result)] = min(cpus)
    return min(times), statistics.median(times), result


# --------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=2000, help="catalog size (default 2000)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per engine and mode (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (phases uses 1; default 1)")
    ap.add_argument("--workdir", type=Path, help="keep the catalog and reports here (default: a temp dir, removed)")
    args = ap.parse_args()
    if args.seed != 1:
        ap.error("benches/examples/phases.rs always generates with seed 1; keep --seed 1")

    workdir = args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="yardstick-opa-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cat = workdir / CATALOG
    if cat.exists():
        shutil.rmtree(cat)
    try:
        return run(args, workdir, cat)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path, cat: Path) -> int:
    n = args.entities
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; work dir {workdir}")
    print("(the first run builds the workspace in release mode, which takes several minutes)")

    # (a) the catalog --------------------------------------------------------------------
    print(f"\n[1/5] generating {n} entities")
    r = cargo(["-p", "yardstick-benches", "--bin", "gen-catalog", "--", CATALOG, "--seed", str(args.seed), "--entities", str(n)], workdir)
    if r.returncode != 0:
        sys.exit("gen-catalog failed")
    digest = tree_digest(cat)

    # yardstick's own report: which entities it accepts, and its verdicts for the cross-check.
    print("\n[2/5] yardstick score (report used to select entities and to cross-check OPA)")
    score_json = workdir / "score.json"
    r = cargo(["-p", "yardstick-cli", "--", "score", CATALOG, "--facts", f"{CATALOG}/facts.json", "--format", "json", "--output", str(score_json)], workdir)
    if r.returncode not in (0, 1):  # 1: the gate failed, which is expected for this catalog
        sys.exit(f"yardstick score failed with exit code {r.returncode}")
    report = json.loads(score_json.read_text())

    # (b) inputs, exactly as docs/policy-contract.md and score.rs build them ----------------
    checks = parse_checks()
    by_id = {c["id"]: c for c in checks}
    facts_raw = json.loads((cat / "facts.json").read_text()).get("entities", {})
    facts: dict[str, dict] = {}
    for k, v in facts_raw.items():  # keys are case-insensitive; shallow merge, later wins
        facts.setdefault(k.lower(), {}).update(v)
    owners = {
        e["ref"]: {"kind": e["kind"]} for e in report["entities"] if e["kind"].lower() in ("group", "user")
    }
    # `check-refs: auto` with no owner source, as yardstick decides it (lint's
    # OwnerResolution::decide): owners must resolve when the catalog's Groups and Users resolve
    # at least half of the distinct owner refs (or, with no owner ref at all, when there is one).
    known = {ref.lower() for ref in owners}
    owner_refs = {e["owner"].lower() for e in report["entities"] if e.get("owner")}
    resolved = sum(1 for ref in owner_refs if ref in known)
    strict = 2 * resolved >= len(owner_refs) if owner_refs else bool(known)
    data = {"yardstick": {"catalog": {"has_owners": strict, "entities": owners}}}

    docs_by_file: dict[str, dict] = {}
    work, expected = [], []  # per entity: (input, [(applicable path, result path)]); flat verdicts
    batch_cache: dict[str, tuple[str, list[str]]] = {}
    batch_queries = []
    for ent in report["entities"]:
        f = ent["file"]
        if f not in docs_by_file:
            m: dict[str, object] = {}
            for d in yaml.load_all((workdir / f).read_text(), Loader=Yaml12Loader):
                ref = entity_ref(d)
                if ref is not None:
                    m[ref] = d if ref not in m else "duplicate"
            docs_by_file[f] = m
        entity = docs_by_file[f].get(ent["ref"])
        if not isinstance(entity, dict):
            sys.exit(f"cannot find {ent['ref']} in {f}")
        kind = ent["kind"].lower()
        applying = [c for c in checks if not c["applies_to"] or kind in c["applies_to"]]
        inp = {
            "entity": entity,
            "ref": ent["ref"],
            "facts": facts.get(ent["ref"], {}),
            "params": {},
            "local": local_facts(entity, f, workdir),
        }
        work.append((inp, [(c["applicable"], c["result"]) for c in applying]))
        verdicts = {r["id"]: r for r in ent["checks"]}
        for c in applying:
            expected.append((ent["ref"], c["id"], verdicts[c["id"]]))
        if kind not in batch_cache:
            parts = [
                f'"{c["id"]}": [r | data.{c["applicable"]} == true; r := data.{c["result"]}]'
                for c in applying
            ]
            batch_cache[kind] = ("out := {" + ", ".join(parts) + "}", [c["id"] for c in applying])
        batch_queries.append(batch_cache[kind])
    entities = len(work)
    pairs = sum(len(p) for _, p in work)
    print(f"  {entities} entities accepted by yardstick, {pairs} (entity, check) evaluations, {len(checks)} checks")

    # (c) OPA ------------------------------------------------------------------------------
    print(f"\n[3/5] OPA: {len(checks)} modules from crates/yardstick/policies/, best of {args.runs}")
    engine = OpaEngine()
    for c in checks:
        engine.add_policy(c["file"], c["source"])
    engine.add_data(data)
    # Warm-up: prepares (and caches) every query once; not timed.
    run_per_query(engine, work[:50])
    run_batched(engine, work[:50], batch_queries[:50])

    per_query_best, per_query_median, per_query_out = best_of(args.runs, lambda: run_per_query(engine, work))
    calls = sum(1 for o in per_query_out) + sum(1 for o in per_query_out if o is not None)
    print(f"  per query: best {per_query_best:.3f} s, median {per_query_median:.3f} s ({calls} OPA queries)")
    batched_best, batched_median, batched_out = best_of(args.runs, lambda: run_batched(engine, work, batch_queries))
    print(f"  batched:   best {batched_best:.3f} s, median {batched_median:.3f} s ({entities} OPA queries)")
    floor_s, _, floor_calls = best_of(args.runs, lambda: run_floor(engine, work))
    floor_us = floor_s / floor_calls * 1e6
    print(f"  floor:     {floor_us:.0f} µs per call for `x := 1` with the same input "
          f"({per_query_best / calls * 1e6:.0f} µs per call for the checks)")
    # OPA-favouring estimate: the per-query run minus one floor per call. The floor includes
    # Go-side input conversion that OPA itself also pays, so this overstates OPA's throughput.
    net_s = per_query_best - floor_s / floor_calls * calls
    print(f"  per query minus the floor: {net_s:.3f} s" + ("" if net_s > 0 else " (noise: not reported)"))

    # Cross-check: OPA must give yardstick's verdicts, or the comparison is meaningless.
    mismatches = []
    for mode, out in (("per query", per_query_out), ("batched", batched_out)):
        for (ref, cid, want), got in zip(expected, out):
            if got is None:
                ok = want["status"] == "not-applicable"
            else:
                ok = (got.get("status"), got.get("message"), got.get("pointer")) == (
                    want["status"], want["message"], want["pointer"])
            if not ok:
                mismatches.append((mode, ref, cid, want["status"], want["message"], got))
    agree = 2 * len(expected) - len(mismatches)
    print(f"  cross-check: {agree}/{2 * len(expected)} OPA results equal yardstick's report")
    for m in mismatches[:10]:
        print("    MISMATCH", m)

    # (d) yardstick's scoring phase --------------------------------------------------------
    print(f"\n[4/5] yardstick: benches/examples/phases.rs on the same catalog, median of {args.runs}")
    r = cargo(["-p", "yardstick-benches", "--example", "phases", "--", str(n), str(args.runs), CATALOG], workdir, capture=True)
    sys.stdout.write("".join("    " + line + "\n" for line in r.stdout.splitlines()))
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        sys.exit("phases failed")
    # Lines `<phase> <wall median> ms [<cpu median> ms]`.
    lines = list(re.finditer(r"^(\S+)\s+([\d.]+) ms(?:\s+([\d.]+) ms)?", r.stdout, re.M))
    phase = {m.group(1): float(m.group(2)) / 1000 for m in lines}
    phase_cpu = {m.group(1): float(m.group(3)) / 1000 for m in lines if m.group(3)}
    if not {"score", "score-1t"} <= phase.keys():
        sys.exit("cannot read the score and score-1t times from the phases output above")
    if tree_digest(cat) != digest:
        sys.exit("phases generated a different catalog than gen-catalog; the comparison is invalid")
    print("  phases regenerated a byte-identical catalog")

    # (e) table ----------------------------------------------------------------------------
    print(f"\n[5/5] results: {entities} entities, {pairs} check evaluations "
          f"(applicable + result where applicable; {calls} rule evaluations)\n")
    rows = [
        ("OPA, one query per rule (conftest-like)", per_query_best, CPU[id(per_query_out)]),
        ("OPA, one query per entity (batched)", batched_best, CPU[id(batched_out)]),
    ]
    if net_s > 0:
        rows.append(("OPA, per query minus per-call floor (estimate)", net_s, None))
    rows += [
        ("yardstick score phase, 1 thread", phase["score-1t"], phase_cpu.get("score-1t")),
        (f"yardstick score phase, all threads ({os.cpu_count()} CPUs)", phase["score"], phase_cpu.get("score")),
    ]
    print(f"  {'engine':<52} {'wall s':>8} {'checks/s':>10} {'CPU s':>8}")
    for name, secs, cpu in rows:
        cpu_s = "" if cpu is None else f"{cpu:.3f}"
        print(f"  {name:<52} {secs:>8.3f} {pairs / secs:>10.0f} {cpu_s:>8}")
    print()
    y1, yall = pairs / phase["score-1t"], pairs / phase["score"]
    ys = max(y1, yall)
    print(f"  {'ratio yardstick ÷ OPA':<52} {'1 thread':>10} {'best yardstick':>15}")
    for name, secs, _ in [r for r in rows if r[0].startswith("OPA")]:
        o = pairs / secs
        print(f"  {'vs ' + name.split(', ', 1)[1]:<52} {y1 / o:>9.2f}x {ys / o:>14.2f}x")
    ratio = y1 / (pairs / per_query_best)
    met = ratio >= TARGET_RATIO
    print(f"\n  target yardstick ≥ {TARGET_RATIO:.0f}× OPA (1 thread vs conftest-like per-query OPA): "
          f"{'MET' if met else 'NOT MET'} ({ratio:.2f}×)")
    print("  Throughput is from wall-clock time. OPA: best of runs; yardstick: median of runs")
    print("  (phases.rs), which includes compiling the policies and aggregating scores. CPU s: process")
    print("  CPU time (OPA: best run; yardstick: median); much larger wall than CPU means a busy machine.")
    print("  See benches/opa/README.md for the caveats.")
    if mismatches:
        print(f"\n  WARNING: {len(mismatches)} OPA results differ from yardstick's report")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
