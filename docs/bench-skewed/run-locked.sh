#!/usr/bin/env bash
# The skewed-corpus bench of docs/benchmarks.md: one synthetic document of LONG_TOKENS among SHORT_DOCS short ones
# of 256 tokens (the issue's corpus: 200000 among 20), summarized with the long document's chunks spread over the
# partitions. "local": local[1] then local[2], one application each; "cluster": a loopback standalone cluster (bin/local-cluster, pyspark 4.2.0) with 1 then 2
# one-core executors, one application each. Run it alone, under the bench lock, in a session of its own:
#   QUEST_SPARK_PYTHON=/work/venv-spark/bin/python flock /work/notes/bench.lock setsid docs/bench-skewed/run-locked.sh 32000 both 4
#   (arguments: LONG_TOKENS, local|cluster|both, SHORT_DOCS; defaults 32000, both, 20)
# Autogroup scheduling (kernel.sched_autogroup_enabled=1) makes nice act only within a session, so other
# sessions' niced builds would take as much CPU as the bench; the script raises its own session's autogroup
# priority (root only) for the run. Outputs: output/skewed-local-1, output/skewed-local-2, output/skewed-cluster-1, output/skewed-cluster-2.
set -u
long="${1:-32000}"
what="${2:-both}"
short="${3:-20}"
cd "$(dirname "$0")/../.."
echo -20 > /proc/$$/autogroup 2>/dev/null || echo "autogroup priority not raised (not root?)"
export QUEST_CLUSTER_PORT="${QUEST_CLUSTER_PORT:-7277}" QUEST_CLUSTER_UI_PORT="${QUEST_CLUSTER_UI_PORT:-8280}"
args=(bench --skewed --long-tokens "$long" --short-docs "$short" --lengths 256 --max-tokens 16 --budgets "" --context-tokens 2048)
mkdir -p output
echo "start $(date -u +%H:%M:%S) $(uptime)"
if [[ "$what" != cluster ]]; then
  # One application per slot count, as on the cluster: the split summarize cuts a level's calls into more tasks
  # than partitions, which take every slot free, so 1 partition in local[2] would use both cores.
  for n in 1 2; do
    s=$(date +%s)
    bin/quest "${args[@]}" --parallelism "$n" --master "local[$n]" --output output/skewed-local-"$n" --overwrite \
      > output/skewed-local-"$n".log 2>&1
    echo "local[$n], $n partition(s): exit $? in $(( $(date +%s) - s )) s; $(uptime)"
  done
fi
if [[ "$what" != local ]]; then
  bin/local-cluster start --cores 2 --memory 6g
  for n in 1 2; do
    s=$(date +%s)
    bin/local-cluster submit --total-executor-cores "$n" --executor-cores 1 --executor-memory 2g --conf spark.task.cpus=1 -- \
      "${args[@]}" --parallelism "$n" --model "$PWD"/models/SmolLM2-135M-Instruct.Q4_1.gguf \
      --output output/skewed-cluster-"$n" --overwrite > output/skewed-cluster-"$n".log 2>&1
    echo "cluster, $n executor(s): exit $? in $(( $(date +%s) - s )) s; $(uptime)"
  done
  bin/local-cluster stop
fi
echo "end $(date -u +%H:%M:%S) $(uptime)"
