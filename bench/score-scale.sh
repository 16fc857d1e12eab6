#!/usr/bin/env bash
# Top-10 scoring with history excluded at scale, in Spark local[2] with a 4 GB heap: a generated model
# (d=50, n=200) over --items items, --users generated users. Ends with one JSON line: users, items,
# users_per_second, peak_rss_mb.
# Options: --users 1000000  --items 100000  --max-history 50  --partitions 8  --master local[2]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SASREC_JAVA_OPTS="${SASREC_JAVA_OPTS:--Xmx4g}" exec "$root/bin/spark-java" dev.sasrec.bench.ScoreScaleBenchmark "$@"
