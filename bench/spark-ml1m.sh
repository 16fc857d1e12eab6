#!/usr/bin/env bash
# SASRec through Spark (local[2], 2 workers, parameter averaging) against the engine alone on the same
# MovieLens-1M split and epochs. Ends with one JSON line: seconds_per_epoch, engine_seconds_per_epoch,
# sampled_ndcg10, full_ndcg10 (plus the engine's NDCG@10 under both protocols).
# Options: --data FILE (../shared/data/ml-1m/ml-1m.txt)  --epochs 20  --workers 2  --averaging-frequency 8
#          --recipe paper|ce|sampled-ce|gbce (none: the estimator's defaults)  --loss bce|ce|sampled|gbce (over the
#          recipe's)  --master local[2]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
args=("$@")
[[ " ${args[*]:-} " == *" --data "* ]] || args+=(--data "$root/../shared/data/ml-1m/ml-1m.txt")
exec "$root/bin/spark-java" dev.sasrec.bench.SparkMl1mBenchmark "${args[@]}"
