#!/usr/bin/env bash
# Real-time recommendations under load, in Spark local[2]: StreamingRecommender over a generated model (d = 50,
# n = 50) of --items items with --users users' state (seeded, --history items each), fed --rate events per second
# (--source arrivals: each event readable as soon as it is made, as from a message queue; --source rate: Spark's rate
# source, which hands out each second's events when the second ends), a micro-batch every --trigger, --batches
# measured after --warmup. Prints every micro-batch's events and duration, the measured ones' mean stage times and,
# per measured micro-batch, the machine's speed (fixed-work probes: arithmetic, a matrix product, memory reads), the
# state store's time a read, its flush and compaction MB and the GC time; ends with one JSON line:
# events_per_second, offered_per_second, p50_latency_ms, p99_latency_ms (an event's arrival to its user's
# refreshed top-10 in the sink), state_users, peak_rss_mb, source.
# Options: --users 1000000  --items 100000  --history 50  --rate 5000  --trigger "1 second"  --batches 60
#          --warmup 40  --partitions 2  --master local[2]  --source arrivals
# JVM options through SASREC_JAVA_OPTS (default -Xmx4g).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
SASREC_JAVA_OPTS="${SASREC_JAVA_OPTS:--Xmx4g}" exec "$root/bin/spark-java" dev.sasrec.bench.StreamBenchmark "$@"
