# shellcheck shell=bash
# Helpers shared by the action's scripts. Bash 3.2+ (macOS) and Git Bash on Windows.

# Workflow commands: their text must not break the command syntax.
_ys_escape() {
  local s=$1 pct='%' cr=$'\r' lf=$'\n'
  s=${s//$pct/%25}
  s=${s//$cr/%0D}
  s=${s//$lf/%0A}
  printf '%s' "$s"
}

ys_error() { printf '::error title=yardstick::%s\n' "$(_ys_escape "$*")"; }
ys_warning() { printf '::warning title=yardstick::%s\n' "$(_ys_escape "$*")"; }
ys_notice() { printf '::notice title=yardstick::%s\n' "$(_ys_escape "$*")"; }

ys_die() {
  ys_error "$*"
  exit 2
}

# Appends name=value to $GITHUB_OUTPUT (the heredoc form, so any value is safe).
ys_output() {
  local name=$1 value=$2 delim
  [ -n "${GITHUB_OUTPUT:-}" ] || return 0
  delim="ys_$(date +%s)_${RANDOM}${RANDOM}"
  while [[ $value == *"$delim"* ]]; do delim="${delim}_${RANDOM}"; done
  {
    printf '%s<<%s\n' "$name" "$delim"
    printf '%s\n' "$value"
    printf '%s\n' "$delim"
  } >>"$GITHUB_OUTPUT"
}

# A path the native yardstick binary, other actions and bash all accept: on Windows
# (Git Bash) C:/x/y, elsewhere unchanged.
ys_native_path() {
  if command -v cygpath >/dev/null 2>&1; then
    cygpath -m -- "$1"
  else
    printf '%s' "$1"
  fi
}

# SHA-256 of a file, lower-case hex.
ys_sha256() {
  local out
  if command -v sha256sum >/dev/null 2>&1; then
    out=$(sha256sum -- "$1")
  elif command -v shasum >/dev/null 2>&1; then
    out=$(shasum -a 256 -- "$1")
  else
    out=$(openssl dgst -sha256 -r "$1")
  fi
  out=${out%% *}
  out=${out#\\}
  printf '%s' "$out" | tr '[:upper:]' '[:lower:]'
}

# Prints a string field of a JSON file by a dotted path (e.g. pull_request.base.sha), or
# nothing. jq is on every GitHub-hosted runner; python3 and node are fallbacks.
ys_json_get() {
  local file=$1 path=$2
  [ -f "$file" ] || return 0
  if command -v jq >/dev/null 2>&1; then
    jq -r --arg p "$path" 'getpath($p | split(".")) // empty | tostring' "$file" 2>/dev/null | tr -d '\r'
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$file" "$path" <<'PY' 2>/dev/null
import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
if v is not None:
    print(v)
PY
  elif command -v node >/dev/null 2>&1; then
    node -e '
      let v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const k of process.argv[2].split(".")) v = v && typeof v === "object" ? v[k] : undefined;
      if (v !== undefined && v !== null) console.log(String(v));
    ' "$file" "$path" 2>/dev/null
  fi
}

ys_is_pull_request() {
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target) return 0 ;;
    *) return 1 ;;
  esac
}
