#!/usr/bin/env bash
# bench/spark-scale.sh on a Spark standalone cluster on this machine: a Master and two Workers (one core each)
# started from the project's own class path, executors in JVMs of their own, so task results, broadcasts and the
# block manager go through serialization and sockets as on a real cluster, and the peak resident memory reported
# is an executor's alone. Everything started here is stopped on exit.
# Options: those of bench/spark-scale.sh (the master is this cluster; --executor-memory and --executor-overhead,
# default 2g each, size the executors).
# Environment: SASREC_WORKER_MEMORY (each Worker's memory for executors, default 4g), SASREC_JAVA_OPTS (the
# driver's JVM options, default -Xmx3g).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
work="$(mktemp -d -t sasrec-cluster.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A Worker wants a Spark home with a jars directory; the executors find Spark on spark.executor.extraClassPath.
mkdir -p "$work/spark-home/jars" "$work/spark-home/conf"
echo "standalone cluster for bench/spark-scale-cluster.sh" > "$work/spark-home/RELEASE"
export SPARK_HOME="$work/spark-home" SPARK_SCALA_VERSION=2.13
unset SPARK_CONF_DIR

port="$(free_port)"
master="spark://127.0.0.1:$port"
SASREC_JAVA_OPTS=-Xmx512m "$root/bin/spark-java" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port "$(free_port)" > "$work/master.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done
for i in 1 2; do
  mkdir -p "$work/worker-$i"
  SASREC_JAVA_OPTS=-Xmx512m "$root/bin/spark-java" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory "${SASREC_WORKER_MEMORY:-4g}" --work-dir "$work/worker-$i" \
    --webui-port "$(free_port)" "$master" > "$work/worker-$i.log" 2>&1 &
  pids+=($!)
done
echo "standalone cluster at $master (logs in $work)"
SASREC_JAVA_OPTS="${SASREC_JAVA_OPTS:--Xmx3g}" "$root/bin/spark-java" dev.sasrec.bench.SparkScaleBenchmark \
  --master "$master" --workers 2 "$@"
