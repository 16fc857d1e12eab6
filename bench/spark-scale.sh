#!/usr/bin/env bash
# Distributed training against the catalogue size: generated histories with Zipf-distributed item popularity
# (the same users and lengths for every catalogue), d = 64, n = 50, trained through Spark for a warm-up epoch and
# one measured epoch per catalogue, and the engine alone on the largest catalogue's histories. Ends with one JSON
# line: users, events, items_small, items_large, seconds_per_epoch_small, seconds_per_epoch_large,
# engine_seconds_per_epoch_large, exchanged_mb_per_round_large, peak_executor_rss_mb (and rounds, compute and
# exchange seconds of the largest catalogue's epoch, the driver's peak resident memory). In local mode the driver
# is the executor; bench/spark-scale-cluster.sh runs the same on a standalone cluster of several JVMs.
# Options: --users 200000  --items 10000,100000,1000000  --min-length 5  --max-length 50  --master local[2]
#          --workers (the master's parallelism)  --averaging-frequency (the estimator's default)  --zipf 1.0
#          --seed 42  --exact-adam (default: lazy Adam)  --no-engine
#          --executor-memory 2g  --executor-overhead 2g (spark:// masters: each executor's heap and memory
#          off the heap; one core per executor)
# JVM options come from SASREC_JAVA_OPTS (default here -Xmx3g).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export SASREC_JAVA_OPTS="${SASREC_JAVA_OPTS:--Xmx3g}"
exec "$(dirname "$here")/bin/spark-java" dev.sasrec.bench.SparkScaleBenchmark "$@"
