#!/usr/bin/env bash
# Turns the "curve epoch" lines of a bench/train-ml1m.sh log into a Markdown table (test split, both protocols),
# with the median epoch time of the epochs logged so far.
#   bench/curve-table.sh bench/out/bce-200.log
set -euo pipefail
log="$1"
echo "| Epoch | Sampled NDCG@10 | Sampled HR@10 | Full NDCG@10 | Full HR@10 |"
echo "| --- | --- | --- | --- | --- |"
grep '^curve epoch' "$log" | sed -E 's/^curve epoch ([0-9]+): test sampled NDCG@10 ([0-9.]+) HR@10 ([0-9.]+) .*test full NDCG@10 ([0-9.]+) HR@10 ([0-9.]+).*/| \1 | \2 | \3 | \4 | \5 |/'
grep -E '^epoch [0-9]+/' "$log" | sed -E 's/.* epoch ([0-9.]+)s .*/\1/' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "\nMedian epoch time over %d epochs: %.1f s\n", NR, (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
