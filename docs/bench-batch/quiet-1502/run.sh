#!/usr/bin/env bash
# Coordinator's quiet end-of-session run: a clean clone of main, issue 12's ratios side by side.
# Usage: setsid bash -c 'echo -20 > /proc/self/autogroup; exec flock /work/notes/bench.lock /work/notes/final-bench.sh OUT'
set -u
out="${1:?out dir}"
mkdir -p "$out"
src=/tmp/final-src
rm -rf "$src" && git clone -q /work/main "$src" && ln -s /work/main/models "$src/models"
cd "$src" && git log --oneline -1 > "$out/commit.txt"
mvn -B -q -DskipTests package -pl jobs -am > "$out/build.log" 2>&1 || { echo build failed; exit 1; }
echo "start: $(uptime)" | tee "$out/load.txt"
bench/batched-bench.sh "$out/shared" shared 7000 1,8 > "$out/shared.log" 2>&1
echo "after shared: $(uptime)" | tee -a "$out/load.txt"
bin/quest bench-batch --context 7000 --batch-sizes 1,8 --decode-tokens 64 --threads 2 --attention dense,quest:1024 \
  --shared-document=false > "$out/separate.md" 2>"$out/separate.err"
echo "after separate: $(uptime)" | tee -a "$out/load.txt"
bin/quest bench --output "$out/jobs" --lengths 256,512,1024 --docs-per-length 6 --budgets 1024 --quest-only \
  --parallelism 2 --tasks summarize,qa --qa-questions 8 --batch-sizes 1,8 > "$out/jobs.log" 2>&1
echo "after jobs: $(uptime)" | tee -a "$out/load.txt"
