#!/usr/bin/env python3
"""Records what real OPA computes for the differential suite, or checks the record.

    pip install --ignore-requires-python -r tests/opa-diff/requirements.txt
    python3 tests/opa-diff/generate.py            # rewrite expected.json files
    python3 tests/opa-diff/generate.py --check    # fail when OPA disagrees with them

Two records, both read by yardstick's tests (see README.md):

- `expected.json`: for each `cases/<family>.rego` (package `diff.<family>`), each of its
  public rules (a line starting with a lower-case name, not a function, not `_`-prefixed)
  and each input of `cases/<family>.json`, OPA's value of `data.diff.<family>.<rule>`:
  `{"value": v}`, `{"undefined": true}` or `{"error": message}`.
- `acceptance/expected.json`: the `applicable` and `result` of the check in
  `acceptance/policies/` for each entity of `acceptance/catalog-info.yaml`, with the input
  docs/policy-contract.md describes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPA_VERSION = "OPA v1.20.2 (opa-golib-python-bindings 0.4.4)"

try:
    from opa_bindings import OpaEngine, OpaError, OpaUndefinedError
except ImportError:  # pragma: no cover
    sys.exit(
        "generate.py: opa-golib-python-bindings is missing: "
        "pip install --ignore-requires-python -r tests/opa-diff/requirements.txt"
    )

RULE = re.compile(r"^([a-z][a-z0-9_]*)\b(?!\s*\()")
NOT_RULES = {"package", "import", "default"}


def public_rules(source: str) -> list[str]:
    """The public rules of a module, in order of first definition."""
    names: list[str] = []
    for line in source.splitlines():
        match = RULE.match(line)
        if match and match.group(1) not in NOT_RULES and match.group(1) not in names:
            names.append(match.group(1))
    return names


def evaluate(engine: OpaEngine, path: str, input_value) -> dict:
    try:
        return {"value": engine.eval_document(path, input_value)}
    except OpaUndefinedError:
        return {"undefined": True}
    except OpaError as error:
        return {"error": str(error)}


def cases() -> dict:
    families = {}
    for module in sorted((HERE / "cases").glob("*.rego")):
        family = module.stem
        source = module.read_text()
        inputs = json.loads(module.with_suffix(".json").read_text())
        engine = OpaEngine()
        try:
            engine.add_policy(module.name, source)
            rules = public_rules(source)
            cells = {
                rule: [evaluate(engine, f"diff.{family}.{rule}", i) for i in inputs]
                for rule in rules
            }
        finally:
            engine.close()
        families[family] = {"rules": rules, "cells": cells}
    return {"opa": OPA_VERSION, "families": families}


def acceptance() -> dict:
    root = HERE / "acceptance"
    engine = OpaEngine()
    results = {}
    try:
        for module in sorted((root / "policies").glob("*.rego")):
            engine.add_policy(module.name, module.read_text())
        engine.add_data({"yardstick": {"catalog": {"has_owners": False, "entities": {}}}})
        text = (root / "catalog-info.yaml").read_text()
        documents = [d for d in text.split("\n---\n")[1:] if d.strip()]
        for document in documents:
            entity = json.loads(document)
            namespace = entity["metadata"].get("namespace", "default")
            ref = f"{entity['kind']}:{namespace}/{entity['metadata']['name']}".lower()
            input_value = {"entity": entity, "ref": ref, "facts": {}, "params": {}}
            package = "yardstick.checks.release_hygiene"
            results[ref] = {
                "applicable": evaluate(engine, f"{package}.applicable", input_value),
                "result": evaluate(engine, f"{package}.result", input_value),
            }
    finally:
        engine.close()
    return {"opa": OPA_VERSION, "entities": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    status = 0
    for path, record in [
        (HERE / "expected.json", cases()),
        (HERE / "acceptance" / "expected.json", acceptance()),
    ]:
        text = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        if args.check:
            if not path.exists() or path.read_text() != text:
                print(f"{path.relative_to(HERE.parent.parent)}: OPA now computes something else; "
                      "rerun tests/opa-diff/generate.py and review the diff", file=sys.stderr)
                status = 1
        else:
            path.write_text(text)
    if not args.check:
        cells = sum(
            len(cells) * len(next(iter(cells.values()), []))
            for cells in (f["cells"] for f in json.loads((HERE / "expected.json").read_text())["families"].values())
        )
        print(f"{cells} cells recorded")
    return status


if __name__ == "__main__":
    sys.exit(main())
