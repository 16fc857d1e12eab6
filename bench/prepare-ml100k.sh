#!/usr/bin/env bash
# The raw-log path (InteractionFilter 5-core, Sessionizer, ItemIndexer, SequenceBuilder) in Spark local[2]:
# on MovieLens-100K's u.data, then on a generated log. Ends with one JSON line: events, events_per_second
# (of the generated log).
# Options: --data FILE (../shared/data/ml-100k/u.data)  --generated EVENTS (50000000)  --users 1000000
#          --items 100000  --master local[2]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
args=("$@")
[[ " ${args[*]:-} " == *" --data "* ]] || args+=(--data "$root/../shared/data/ml-100k/u.data")
exec "$root/bin/spark-java" dev.sasrec.bench.PrepareBenchmark "${args[@]}"
