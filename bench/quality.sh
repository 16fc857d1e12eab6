#!/usr/bin/env bash
# Quality benchmark: trains a named recipe (default: the best one) on a `user item` file (default: MovieLens-1M
# from ../shared) with early stopping on validation NDCG@10, and prints after every epoch the training seconds so
# far (training and validation; the test evaluation is not counted), the loss, and NDCG@10 / HR@10 on the
# validation and test splits under both protocols (sampled: the target among 100 unseen items; full: among all
# items), then the most-popular baseline, and last one JSON line: recipe, best_epoch, seconds_to_best,
# sampled_ndcg10, sampled_hr10, full_ndcg10, full_hr10 (test split, at the best epoch), popular_sampled_ndcg10,
# popular_full_ndcg10, selected_by.
#
# Options: --recipe paper|ce|sampled-ce|gbce (default ce)  --data FILE  --max-epochs 200  --patience 10
#          --select sampled|full (the validation protocol that picks the best epoch; default sampled for the
#          paper recipe, whose figures the paper reports under that protocol, full for the others)
#          --set name=value[,name=value...] (hyper-parameters over the recipe's, e.g. --set dropout=0.2,seed=7,
#          or allWindows=true to train every window of a long history)
#          --max-history K (each user's last K items, to emulate short histories)  --threads 2  --seed 42
#          --eval-users N (evaluate N users drawn at random; default all)
# JVM options can be passed through SASREC_JAVA_OPTS.
set -euo pipefail
source "$(dirname "$0")/engine-on-ml1m.sh"
engine_on_ml1m "$0" 18 dev.sasrec.bench.QualityBenchmark "$@"
