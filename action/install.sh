#!/usr/bin/env bash
# Puts yardstick on PATH and outputs its path as `bin`.
#   YARDSTICK_MODE=bin      YARDSTICK_BIN names an already-built binary.
#   YARDSTICK_MODE=release  downloads release INPUT_VERSION for this runner and verifies its
#                           SHA-256 (any mismatch fails the step).
#   YARDSTICK_MODE=source   cargo build --release --locked of the action's own source.
set -euo pipefail
# shellcheck source=action/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
temp_root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
if command -v cygpath >/dev/null 2>&1; then temp_root=$(cygpath -u -- "$temp_root"); fi
exe=""
case "${RUNNER_OS:-}" in Windows) exe=.exe ;; esac

install_bin() {
  bin=${YARDSTICK_BIN:-}
  [ -n "$bin" ] || ys_die "YARDSTICK_BIN is empty"
  case "$bin" in
    */* | *\\*) ;;
    *) bin=$(command -v "$bin") || ys_die "YARDSTICK_BIN=$YARDSTICK_BIN is not on PATH" ;;
  esac
  [ -f "$bin" ] || ys_die "YARDSTICK_BIN=$YARDSTICK_BIN is not a file"
  [ -x "$bin" ] || ys_die "YARDSTICK_BIN=$YARDSTICK_BIN is not executable"
}

# The release's owner/name: github.action_repository is not promised inside composite actions,
# so fall back to the action's checkout path (.../_actions/OWNER/NAME/REF), then the default.
release_repository() {
  local repo=${YARDSTICK_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
  if [ -z "$repo" ]; then
    local p=${action_path//\\//}
    if [[ $p == */_actions/*/*/* ]]; then
      p=${p#*/_actions/}
      local owner=${p%%/*}
      p=${p#*/}
      repo="$owner/${p%%/*}"
    fi
  fi
  printf '%s' "${repo:-yardstick-dev/yardstick}"
}

release_target() {
  case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-gnu ;;
    Linux/ARM64 | Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-gnu ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64 | Darwin/aarch64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

download() {
  curl --fail --silent --show-error --location --retry 3 --retry-delay 2 \
    --proto '=https' --tlsv1.2 --output "$2" "$1"
}

install_release() {
  local version=$INPUT_VERSION target repo archive ext url dir expected actual
  if ! [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    ys_die "version must name a release such as v0.1.0 (or be empty / source to build from source), not '$version'"
  fi
  target=$(release_target) ||
    ys_die "no yardstick release for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; set version: source to build from source"
  repo=$(release_repository)
  ext=tar.gz
  [ "${target%windows-msvc}" != "$target" ] && ext=zip
  archive="yardstick-$version-$target.$ext"
  url="https://github.com/$repo/releases/download/$version/$archive"

  dir=$(mktemp -d "$temp_root/yardstick-install.XXXXXX")
  echo "Downloading $url"
  download "$url" "$dir/$archive" || ys_die "could not download $url"
  download "$url.sha256" "$dir/$archive.sha256" || ys_die "could not download $url.sha256"

  expected=$(tr -d '\r' <"$dir/$archive.sha256" | awk 'NR == 1 { print tolower($1) }')
  actual=$(ys_sha256 "$dir/$archive")
  if ! [[ $expected =~ ^[0-9a-f]{64}$ ]]; then
    ys_die "$archive.sha256 does not hold a SHA-256"
  fi
  if [ "$expected" != "$actual" ]; then
    ys_die "checksum mismatch for $archive: expected $expected, got $actual"
  fi
  echo "SHA-256 verified: $actual"

  mkdir -p "$dir/x"
  if [ "$ext" = zip ]; then
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$dir/$archive" -d "$dir/x"
    elif command -v 7z >/dev/null 2>&1; then
      7z x -y -o"$dir/x" "$dir/$archive" >/dev/null
    else
      powershell -NoProfile -Command \
        "Expand-Archive -LiteralPath '$(ys_native_path "$dir/$archive")' -DestinationPath '$(ys_native_path "$dir/x")'"
    fi
  else
    tar -xzf "$dir/$archive" -C "$dir/x"
  fi
  bin=$(find "$dir/x" -type f -name "yardstick$exe" | head -n 1)
  [ -n "$bin" ] || ys_die "$archive holds no yardstick$exe"
  chmod +x "$bin"
}

install_source() {
  command -v cargo >/dev/null 2>&1 ||
    ys_die "cargo is not installed: set version to a release (e.g. v0.1.0) or install Rust first"
  local target_dir=${CARGO_TARGET_DIR:-$action_path/target}
  echo "Building yardstick from $action_path"
  CARGO_TARGET_DIR=$target_dir cargo build --release --locked -p yardstick-cli \
    --manifest-path "$action_path/Cargo.toml" ||
    ys_die "cargo build of yardstick failed"
  bin="$target_dir/release/yardstick$exe"
  [ -x "$bin" ] || ys_die "the build produced no $bin"
}

bin=""
case "${YARDSTICK_MODE:-}" in
  bin) install_bin ;;
  release) install_release ;;
  source) install_source ;;
  *) ys_die "unknown install mode '${YARDSTICK_MODE:-}'" ;;
esac

case "$bin" in */*) bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" ;; esac
bin=$(ys_native_path "$bin")
"$bin" --version || ys_die "$bin does not run"
if [ -n "${GITHUB_PATH:-}" ]; then
  ys_native_path "$(dirname "$bin")" >>"$GITHUB_PATH"
  echo >>"$GITHUB_PATH"
fi
ys_output bin "$bin"
