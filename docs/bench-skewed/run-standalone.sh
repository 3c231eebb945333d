#!/usr/bin/env bash
# Skewed bench on the loopback standalone cluster: 1 one-core executor, then 2. Needs a running Master on
# spark://127.0.0.1:7177 and one Worker with 2 cores, e.g.
#   $SPARK_HOME/bin/spark-class org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7177 --webui-port 8180 &
#   $SPARK_HOME/bin/spark-class org.apache.spark.deploy.worker.Worker spark://127.0.0.1:7177 --host 127.0.0.1 --cores 2 --memory 6g &
# and the application jar (mvn -B -DskipTests package).
set -u
cd "$(dirname "$0")/../.."
SP="${SPARK_HOME:?set SPARK_HOME, e.g. the pyspark folder of pip install pyspark==4.2.0}"
export SPARK_LOCAL_IP=127.0.0.1
mkdir -p output
OPTS="$(grep '^spark.driver.extraJavaOptions' conf/spark-defaults.conf.example | sed 's/^spark.driver.extraJavaOptions *//')"
for n in 1 2; do
  start=$(date +%s)
  nice $SP/bin/spark-submit --master spark://127.0.0.1:7177 --class dev.questspark.jobs.cli.QuestCli \
    --total-executor-cores $n --executor-cores 1 --executor-memory 2g --conf spark.task.cpus=1 \
    --conf "spark.driver.extraJavaOptions=$OPTS" --conf "spark.executor.extraJavaOptions=$OPTS" \
    jobs/target/jobs-0.1.0-SNAPSHOT-app.jar bench --skewed --long-tokens 8000 --short-docs 4 --lengths 256 \
    --max-tokens 16 --budgets "" --parallelism $n --context-tokens 2048 \
    --model "$PWD"/models/SmolLM2-135M-Instruct.Q4_1.gguf --output output/skewed-cluster-out-$n --overwrite \
    > output/skewed-cluster-submit-$n.log 2>&1
  echo "executors $n: exit $? in $(( $(date +%s) - start )) s"
done
