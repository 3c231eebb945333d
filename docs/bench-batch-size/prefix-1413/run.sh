#!/usr/bin/env bash
# jobs9: the bench job with shared prefixes on and off, one order of batch sizes; usage: jobs9-bench.sh OUTDIR ORDER
set -u
out="$1"; order="$2"
mkdir -p "$out"
cd /tmp/jobs9-bench  # a clone of branch jobs9 at commit.txt, built with mvn -DskipTests package -pl jobs -am
git log --oneline -1 > "$out/commit.txt"
for share in true false; do
  echo "share=$share order=$order start $(date -u +%H:%M:%S): $(uptime)" >> "$out/load.txt"
  QUEST_JAVA_OPTS="-Dquest.batch.share-prefixes=$share" bin/quest bench --output "$out/share-$share-$order" --overwrite \
    --lengths 256,512,1024 --docs-per-length 6 --budgets 1024 --quest-only --parallelism 2 --tasks summarize,qa \
    --qa-questions 8 --batch-sizes "$order" > "$out/share-$share-$order.log" 2>&1
  echo "share=$share order=$order end $(date -u +%H:%M:%S): $(uptime)" >> "$out/load.txt"
done
