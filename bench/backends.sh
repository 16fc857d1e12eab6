#!/usr/bin/env bash
# Training backends side by side: the native and the SameDiff backend, interleaved in one run on the same data
# (default: MovieLens-1M from ../shared), each run in its own JVM: per round, E epochs of each on the full
# histories (n = 200), then S epochs of each on every user's last 10 items (--max-history 10 --n 50
# --dropout 0.5, short-history data; such an epoch lasts less than the JIT compiler's warm-up). Epoch times
# are the median of the epochs after the first (the first includes compilation), then the median over rounds.
# Both run length-bucketed batches (--bucketing, the SameDiff backend's fastest setting), so both train the
# same model and print the same losses. Ends with one JSON line:
# ml1m_native_seconds_per_epoch, ml1m_samediff_seconds_per_epoch, sparse_native_positions_per_second,
# sparse_samediff_positions_per_second (real training positions per second), native_peak_rss_mb, and the two
# speed-ups.
#
# Options: --data FILE  --epochs E (2)  --sparse-epochs S (8)  --rounds R (1)  --threads T (2)
set -euo pipefail
source "$(dirname "$0")/engine-on-ml1m.sh"
engine_on_ml1m "$0" 13 dev.sasrec.bench.BackendComparison "$@"
