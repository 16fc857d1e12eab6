#!/usr/bin/env bash
# Real-time recommendations under load, in Spark local[2]: StreamingRecommender over a generated model (d = 50,
# n = 50) of --items items with --users users' state (seeded, --history items each), fed --rate events per second
# by Spark's rate source, a micro-batch every --trigger, --batches measured after --warmup. Ends with one JSON line:
# events_per_second, offered_per_second, p50_latency_ms, p99_latency_ms (an event's arrival to its user's
# refreshed top-10 in the sink), state_users, peak_rss_mb.
# Options: --users 1000000  --items 100000  --history 50  --rate 5000  --trigger "1 second"  --batches 60
#          --warmup 10  --partitions 4  --master local[2]
# JVM options through SASREC_JAVA_OPTS (default -Xmx4g).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
SASREC_JAVA_OPTS="${SASREC_JAVA_OPTS:--Xmx4g}" exec "$root/bin/spark-java" dev.sasrec.bench.StreamBenchmark "$@"
