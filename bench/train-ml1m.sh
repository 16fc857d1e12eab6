#!/usr/bin/env bash
# Engine benchmark: trains SASRec on a `user item` file (default: MovieLens-1M from ../shared) with the
# single-JVM trainer and prints one progress line per epoch, the test metrics every --eval-every epochs,
# and last one JSON line: epochs, seconds_per_epoch (median), peak_rss_mb, sampled_ndcg10, sampled_hr10,
# full_ndcg10, full_hr10 (test split), score_all_users_seconds (top-10 over all items for every user), loss,
# backend, positions_per_second (real, non-padding training positions per second of the median epoch), and
# popular_sampled_ndcg10, popular_full_ndcg10: the most-popular baseline on the same users, negatives and protocols.
#
# Options: --data FILE  --epochs E (200)  --loss bce|ce|sampled  --threads T (2)  --eval-every K (10)
#          --d 50  --n 200  --blocks 2  --heads 1  --dropout 0.2  --batch 128  --lr 0.001
#          --negatives 100 (sampled loss)  --l2 0  --pre-ln  --seed 42  --eval-users 10000
#          --bucketing (batches of users of similar history length instead of users drawn at random)
#          --lazy-adam (Adam skips the item rows a step did not touch)
#          --max-positions 6400 (padded positions per pass: batches longer than that are split, which bounds
#          memory and gives the pass threads work)  --pass-threads P (passes of a batch run on P threads with
#          T/P native threads each; default T for samediff, 1 for native, which spreads a pass over T threads)
#          --gc-above-mb M (0: run the garbage collector after every step and pass group; M > 0: only while
#          resident memory is above M MB; backends that need no collections never get one)
#          --backend native|samediff (a training backend by name; default native)
#          --max-history K (keep each user's last K items before the split, to emulate short-history data)
# JVM options can be passed through SASREC_JAVA_OPTS.
set -euo pipefail
source "$(dirname "$0")/engine-on-ml1m.sh"
engine_on_ml1m "$0" 20 dev.sasrec.bench.TrainBenchmark "$@"
