#!/usr/bin/env bash
# The job's result, applied after the outputs, the summary, the SARIF upload and the comment:
# yardstick's exit code (0 pass, 1 the gate failed, 2 could not run).
set -euo pipefail
# shellcheck source=action/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

code=${YARDSTICK_EXIT_CODE:-}
case "$code" in
  0) echo "yardstick: the gate passed" ;;
  1) ys_error "the gate failed: see the job summary" ;;
  '') ys_error "yardstick did not run"; code=2 ;;
  *) ys_error "yardstick could not run (exit $code)" ;;
esac
exit "$code"
