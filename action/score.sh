#!/usr/bin/env bash
# Runs `yardstick score` as the action's inputs say. Writes the Markdown report to the job
# summary, annotations to the log, and outputs score, level, passed, entities, sarif-file,
# report-json, markdown-file and exit-code. Always exits 0 once yardstick has been started: the
# gate step applies yardstick's exit code after the SARIF upload and the comment.
#
# On pull requests (pull_request, pull_request_target) the configuration, the policies
# directory and the app-config files (with every file their $include / $file point to) are read
# from the BASE commit, so a pull request cannot weaken the checks that judge it, choose its own
# locations and rules, or point a placeholder at a file it wants printed; the base is scored with them too and passed as --baseline; with changed-only, only the
# catalog files the pull request adds or changes are reported (--changed-files).
set -euo pipefail
# shellcheck source=action/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin=${YARDSTICK:-${YARDSTICK_BIN:-}}
if [ -z "$bin" ]; then
  bin=$(command -v yardstick) || ys_die "yardstick is not installed"
fi

workspace=${GITHUB_WORKSPACE:-$PWD}
cd "$workspace" || ys_die "cannot enter the workspace $workspace"

temp_root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
if command -v cygpath >/dev/null 2>&1; then temp_root=$(cygpath -u -- "$temp_root"); fi
work=$(mktemp -d "$temp_root/yardstick.XXXXXX")

path=${INPUT_PATH:-.}
changed_only=$(printf '%s' "${INPUT_CHANGED_ONLY:-true}" | tr '[:upper:]' '[:lower:]')
sarif=${INPUT_SARIF_FILE:-yardstick.sarif}
report_json="$work/report.json"
markdown="$work/report.md"
outputs="$work/outputs.txt"

# An absolute path for a workspace-relative one (the base is scored from another directory).
absolute() {
  case "$1" in
    /* | [A-Za-z]:[/\\]*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$(pwd)" "$1" ;;
  esac
}

is_absolute() {
  case "$1" in
    /* | [A-Za-z]:[/\\]*) return 0 ;;
    *) return 1 ;;
  esac
}

# Options shared by the base and the head run.
common=()
facts_option() {
  [ -f "$1" ] || ys_die "facts file $1 does not exist"
  common+=(--facts "$(ys_native_path "$(absolute "$1")")")
}
# The app-config files: one per line, blank lines ignored.
app_configs=()
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%$'\r'}
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -z "$line" ] || app_configs+=("$line")
done <<<"${INPUT_APP_CONFIG:-}"
[ -z "${INPUT_BACKEND_DIR:-}" ] || [ ${#app_configs[@]} -gt 0 ] ||
  ys_die "backend-dir is given without app-config"
gate=()
[ -z "${INPUT_FAIL_ON:-}" ] || gate+=(--fail-on "$INPUT_FAIL_ON")
[ -z "${INPUT_MIN_SCORE:-}" ] || gate+=(--min-score "$INPUT_MIN_SCORE")

head_only=()
# Options of the base's run only (it runs inside the base commit's work tree).
base_only=()
note=""
worktree=""
cleanup() {
  if [ -n "$worktree" ]; then
    git worktree remove --force "$worktree" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if ys_is_pull_request; then
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    ys_die "pull-request mode needs the repository checked out (actions/checkout) in $workspace"

  have_commit() { git cat-file -e "$1^{commit}" 2>/dev/null; }

  base=$(ys_json_get "${GITHUB_EVENT_PATH:-}" pull_request.base.sha)
  if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    git fetch --quiet --no-tags --depth=1 origin "refs/heads/$GITHUB_BASE_REF" ||
      ys_die "could not fetch the base branch $GITHUB_BASE_REF"
    base=$(git rev-parse FETCH_HEAD)
  fi
  [ -n "$base" ] || ys_die "pull-request event without a base commit (pull_request.base.sha, GITHUB_BASE_REF)"
  if ! have_commit "$base"; then
    echo "Fetching the base commit $base"
    git fetch --quiet --no-tags --depth=1 origin "$base" || ys_die "could not fetch the base commit $base"
  fi
  have_commit "$base" || ys_die "the base commit $base is not in the repository"
  short=$(git rev-parse --short "$base")
  top=$(git rev-parse --show-toplevel)
  prefix=$(git rev-parse --show-prefix)
  base_dir="$work/base"
  mkdir -p "$base_dir"

  # The base commit's work tree: the base is scored there, and the app-config is read from it.
  worktree="$work/base-tree"
  if ! git worktree add --quiet --detach "$worktree" "$base" >/dev/null 2>&1; then
    worktree=""
    [ ${#app_configs[@]} -eq 0 ] ||
      ys_die "could not check out the base commit $short, which the app-config is read from"
  fi

  # The path of a workspace path in git's `<rev>:<path>` syntax, or failure for a path outside
  # the repository. An absolute path inside the repository is read from the base like a
  # relative one, so `${{ github.workspace }}/policies` cannot bypass the base either.
  tree_path() {
    local p=$1 t
    if is_absolute "$p"; then
      p=$(ys_native_path "$p")
      p=${p//\\//}
      t=${top//\\//}
      case "$p" in
        "$t"/*) printf '%s' "${p#"$t"/}" ;;
        *) return 1 ;;
      esac
    else
      printf './%s' "$p"
    fi
  }

  # The configuration at the base: the `config` input, else yardstick.yaml in `path`.
  config_rel=${INPUT_CONFIG:-}
  if [ -z "$config_rel" ] && [ -d "$path" ]; then config_rel="${path%/}/yardstick.yaml"; fi
  if [ -n "$config_rel" ] && ! config_spec=$(tree_path "$config_rel"); then
    ys_notice "config $config_rel is outside the repository: used as it is"
    common+=(--config "$(ys_native_path "$config_rel")")
  elif [ -n "$config_rel" ] && [ "$(git cat-file -t "$base:$config_spec" 2>/dev/null)" = blob ]; then
    git show "$base:$config_spec" >"$base_dir/yardstick.yaml"
    common+=(--config "$(ys_native_path "$base_dir/yardstick.yaml")")
    echo "Configuration: $config_rel at the base commit $short"
  else
    # Never the head's yardstick.yaml: a pull request must not choose its own rules.
    common+=(--no-config)
    echo "Configuration: defaults (the base commit $short has no ${config_rel:-yardstick.yaml})"
  fi

  # A `tree_path` result as a path in the base commit's work tree.
  in_base_tree() {
    case "$1" in
      ./*) printf '%s/%s%s' "$worktree" "$prefix" "${1#./}" ;;
      *) printf '%s/%s' "$worktree" "$1" ;;
    esac
  }

  # The app-config at the base, read in the base's work tree, so that its $include and $file
  # resolve there too; file locations still resolve in the workspace (--backend-dir), where
  # the catalog files under review are.
  app_dir=""
  for app_config in ${app_configs[@]+"${app_configs[@]}"}; do
    if ! app_spec=$(tree_path "$app_config"); then
      ys_notice "app-config $app_config is outside the repository: used as it is"
      common+=(--app-config "$(ys_native_path "$(absolute "$app_config")")")
    elif [ "$(git cat-file -t "$base:$app_spec" 2>/dev/null)" = blob ]; then
      common+=(--app-config "$(ys_native_path "$(in_base_tree "$app_spec")")")
      echo "App-config: $app_config at the base commit $short"
      if [ -z "$app_dir" ]; then app_dir=$(dirname "$app_config"); fi
    else
      ys_notice "the base commit $short has no app-config $app_config: it is left out"
    fi
  done
  if [ -n "${INPUT_BACKEND_DIR:-}" ]; then
    head_only+=(--backend-dir "$(ys_native_path "$INPUT_BACKEND_DIR")")
    if backend_spec=$(tree_path "$INPUT_BACKEND_DIR"); then
      base_only+=(--backend-dir "$(ys_native_path "$(in_base_tree "$backend_spec")")")
    else
      base_only+=(--backend-dir "$(ys_native_path "$INPUT_BACKEND_DIR")")
    fi
  elif [ -n "$app_dir" ]; then
    # yardstick's default (packages/backend beside the first app-config when the base has
    # it, else its folder), in the workspace rather than beside the base's copy.
    backend="$app_dir"
    if backend_spec=$(tree_path "$app_dir/packages/backend") &&
      [ "$(git cat-file -t "$base:$backend_spec" 2>/dev/null)" = tree ] &&
      [ -d "$app_dir/packages/backend" ]; then
      backend="$app_dir/packages/backend"
    fi
    head_only+=(--backend-dir "$(ys_native_path "$(absolute "$backend")")")
  fi

  # The policies directory at the base.
  if [ -n "${INPUT_POLICIES:-}" ]; then
    if ! policies_spec=$(tree_path "$INPUT_POLICIES"); then
      ys_notice "policies $INPUT_POLICIES is outside the repository: used as it is"
      common+=(--policy "$(ys_native_path "$INPUT_POLICIES")")
    elif [ "$(git cat-file -t "$base:$policies_spec" 2>/dev/null)" = tree ]; then
      tree=$(git rev-parse "$base:$policies_spec")
      mkdir -p "$base_dir/policies"
      git -C "$top" archive --format=tar "$tree" | tar -xf - -C "$base_dir/policies"
      common+=(--policy "$(ys_native_path "$base_dir/policies")")
      echo "Policies: $INPUT_POLICIES at the base commit $short"
    else
      ys_notice "the base commit $short has no directory $INPUT_POLICIES: no extra checks are loaded"
    fi
  fi

  # Facts: a file the repository tracks is read from the base like the policies (a pull
  # request must not claim its own CI or monitoring status); a file an earlier step wrote is
  # used as it is.
  if [ -n "${INPUT_FACTS:-}" ]; then
    if facts_spec=$(tree_path "$INPUT_FACTS") &&
      { git ls-files --error-unmatch -- "$INPUT_FACTS" >/dev/null 2>&1 ||
        git cat-file -e "$base:$facts_spec" 2>/dev/null; }; then
      if [ "$(git cat-file -t "$base:$facts_spec" 2>/dev/null)" = blob ]; then
        mkdir -p "$base_dir/facts"
        facts_file="$base_dir/facts/$(basename "$INPUT_FACTS")"
        git show "$base:$facts_spec" >"$facts_file"
        facts_option "$facts_file"
        echo "Facts: $INPUT_FACTS at the base commit $short"
      else
        ys_notice "the base commit $short has no $INPUT_FACTS: no facts are loaded"
      fi
    else
      facts_option "$INPUT_FACTS"
    fi
  fi


  # Only the catalog files the pull request adds, copies, modifies or renames.
  if [ "$changed_only" = true ]; then
    changed="$work/changed-files.txt"
    if ! git -c core.quotepath=off diff --name-only --relative --diff-filter=ACMR "$base...HEAD" >"$changed" 2>/dev/null; then
      # A shallow checkout has no merge base; the merge commit's first parent is the base.
      ys_warning "no merge base with $short (shallow checkout? use fetch-depth: 0): comparing with the base commit directly"
      git -c core.quotepath=off diff --name-only --relative --diff-filter=ACMR "$base" HEAD >"$changed"
    fi
    echo "Files changed by the pull request: $(wc -l <"$changed" | tr -d ' ')"
    head_only+=(--changed-files "$(ys_native_path "$changed")")
  fi

  # The base's scores, with the same base configuration and policies.
  if [ -n "$worktree" ]; then
    baseline="$work/baseline.json"
    set +e
    (cd "$worktree/$prefix" && "$bin" score "$path" ${common[@]+"${common[@]}"} \
      ${base_only[@]+"${base_only[@]}"} --fail-on never \
      --format json --output "$(ys_native_path "$baseline")" >/dev/null)
    base_code=$?
    set -e
    if [ "$base_code" -le 1 ] && [ -s "$baseline" ]; then
      head_only+=(--baseline "$(ys_native_path "$baseline")")
    else
      ys_warning "could not score the base commit $short (exit $base_code): no score changes are shown"
    fi
  else
    ys_warning "could not check out the base commit $short: no score changes are shown"
  fi

  note="_Checks and configuration from the base commit ${short}"
  if [ "$changed_only" = true ]; then
    note="$note; only catalog files changed by this pull request are reported"
  fi
  note="${note}._"
else
  [ -z "${INPUT_FACTS:-}" ] || facts_option "$INPUT_FACTS"
  [ -z "${INPUT_CONFIG:-}" ] || common+=(--config "$INPUT_CONFIG")
  [ -z "${INPUT_POLICIES:-}" ] || common+=(--policy "$INPUT_POLICIES")
  for app_config in ${app_configs[@]+"${app_configs[@]}"}; do
    common+=(--app-config "$(ys_native_path "$app_config")")
  done
  [ -z "${INPUT_BACKEND_DIR:-}" ] || common+=(--backend-dir "$(ys_native_path "$INPUT_BACKEND_DIR")")
fi

sarif_dir=$(dirname "$sarif")
mkdir -p "$sarif_dir"

set +e
"$bin" score "$path" ${common[@]+"${common[@]}"} ${gate[@]+"${gate[@]}"} ${head_only[@]+"${head_only[@]}"} \
  --format json --output "$(ys_native_path "$report_json")" \
  --format sarif --output "$sarif" \
  --format markdown --output "$(ys_native_path "$markdown")" \
  --format github-output --output "$(ys_native_path "$outputs")" \
  --format github
code=$?
set -e
echo "yardstick score exited $code"

if [ "$code" -gt 1 ] || [ ! -s "$report_json" ]; then
  ys_error "yardstick could not run (exit $code); see the log above"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    # shellcheck disable=SC2016 # the backquotes are Markdown
    printf '## yardstick could not run\n\n`yardstick score` exited %s; see the job log.\n' "$code" >>"$GITHUB_STEP_SUMMARY"
  fi
  [ "$code" -gt 1 ] || code=2
  ys_output exit-code "$code"
  exit 0
fi

if [ -n "$note" ]; then printf '\n%s\n' "$note" >>"$markdown"; fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$markdown" >>"$GITHUB_STEP_SUMMARY"; fi

# score=, level=, passed=, entities= lines from --format github-output.
if [ -n "${GITHUB_OUTPUT:-}" ] && [ -s "$outputs" ]; then
  tr -d '\r' <"$outputs" >>"$GITHUB_OUTPUT"
  [ -z "$(tail -c 1 "$outputs")" ] || echo >>"$GITHUB_OUTPUT"
fi
if [ -s "$sarif" ]; then
  ys_output sarif-file "$(ys_native_path "$(absolute "$sarif")")"
  ys_output sarif-written true
fi
ys_output report-json "$(ys_native_path "$report_json")"
ys_output markdown-file "$(ys_native_path "$markdown")"
ys_output exit-code "$code"
