#!/usr/bin/env bash
# Creates or updates the pull request's one yardstick comment (found by the report's hidden
# marker). GITHUB_TOKEN comes from the github-token input and is read by yardstick from the
# environment only; it is never printed or written to a file. A refused comment (e.g. the
# read-only token of a pull request from a fork) is a warning, not a failure: the gate decides.
set -euo pipefail
# shellcheck source=action/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin=${YARDSTICK:-${YARDSTICK_BIN:-yardstick}}
body=${YARDSTICK_BODY_FILE:-}
number=$(ys_json_get "${GITHUB_EVENT_PATH:-}" pull_request.number)
[ -n "$number" ] || number=$(ys_json_get "${GITHUB_EVENT_PATH:-}" number)

if [ -z "${GITHUB_TOKEN:-}" ]; then
  ys_warning "no github-token: the pull-request comment is skipped"
  exit 0
fi
if [ -z "$number" ] || [ -z "${GITHUB_REPOSITORY:-}" ] || [ ! -s "$body" ]; then
  ys_warning "no pull request number, repository or report: the comment is skipped"
  exit 0
fi

if ! "$bin" github comment --repo "$GITHUB_REPOSITORY" --pr "$number" --body-file "$body"; then
  ys_warning "could not comment on pull request #$number (a fork's read-only token? pull-requests: write missing?); the report is in the job summary"
fi
