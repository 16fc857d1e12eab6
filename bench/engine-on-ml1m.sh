#!/usr/bin/env bash
# Shared launcher of the engine benchmarks (sourced by train-ml1m.sh, quality.sh, backends.sh): prints the calling
# script's header comment (lines 2..HELP_LINES) for --help, adds --data with MovieLens-1M from ../shared when none
# is given, and runs MAIN_CLASS on the engine's class path.
#   engine_on_ml1m CALLER HELP_LINES MAIN_CLASS [ARGS...]
engine_on_ml1m() {
  local caller="$1" help_lines="$2" main="$3"
  shift 3
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
    sed -n "2,${help_lines}p" "$caller" | sed 's/^# \{0,1\}//'
    exit 0
  fi
  local args=("$@") has_data=0 a
  for a in "${args[@]}"; do [[ "$a" == "--data" ]] && has_data=1; done
  if [[ $has_data == 0 ]]; then
    args+=(--data "$root/../shared/data/ml-1m/ml-1m.txt")
  fi
  exec "$root/bin/engine-java" "$main" "${args[@]}"
}
