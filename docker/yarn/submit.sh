#!/usr/bin/env bash
# Nightly SASRec run on YARN: train (warm start, checkpoint resume), evaluate, recommend.
#   docker/yarn/submit.sh [run|train|evaluate|recommend] [-Dkey=value ...]
# Needs spark-submit (Spark 4.1.0, Scala 2.13) on the PATH and the shaded jar from `mvn -B -DskipTests package`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command="${1:-run}"
shift || true
jar="$root/jobs/target/sasrec-jobs-0.1.0-SNAPSHOT-all.jar"
exec spark-submit \
  --master yarn \
  --deploy-mode cluster \
  --name "sasrec-nightly-$command" \
  --class dev.sasrec.jobs.SasRecJob \
  --num-executors 4 \
  --executor-cores 4 \
  --executor-memory 6g \
  --conf spark.executor.memoryOverhead=3g \
  --conf spark.task.cpus=2 \
  --conf spark.yarn.maxAppAttempts=2 \
  --conf spark.driver.extraJavaOptions=--add-modules=jdk.incubator.vector \
  --conf spark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector \
  --files "$root/conf/yarn.conf" \
  "$jar" "$command" --config yarn.conf "$@"
