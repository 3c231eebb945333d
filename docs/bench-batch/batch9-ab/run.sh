#!/usr/bin/env bash
# batch9's A/B runs (docs/benchmarks.md, "Selection, scoring and the walk's prefetch"): two clean clones built with
# `mvn -B -q -DskipTests package -pl jobs -am`, A = main before the changes (6d0b2d6), B = with them (19617c7),
# run alternately A B A B ... Usage (one locked run at raised autogroup priority):
#   setsid bash -c 'echo -20 > /proc/self/autogroup; exec flock /work/notes/bench.lock docs/bench-batch/batch9-ab/run.sh OUT CASE ROUNDS THREADS'
# CASE: shared (8 forks of one 7K document, Quest 1024) or separate (8 documents of 7K, dense and Quest 1024).
# --json gives cpuMsPerStep, the stepping thread's CPU time per step: with --threads 1 the whole step's work, which
# other sessions' load stretches much less than it stretches wall time.
set -u
out="${1:?out dir}"; case_name="${2:?shared|separate}"; rounds="${3:-2}"; threads="${4:-2}"
A=${A:-/tmp/b9/A}; B=${B:-/tmp/b9/B}
mkdir -p "$out"
if [[ "$case_name" == shared ]]; then
  args=(bench-batch --context 7000 --batch-sizes 1,8 --decode-tokens 64 --threads "$threads" --attention quest:1024 --shared-document=true --json)
else
  args=(bench-batch --context 7000 --batch-sizes 1,8 --decode-tokens 64 --threads "$threads" --attention dense,quest:1024 --shared-document=false --json)
fi
for round in $(seq 1 "$rounds"); do
  for build in A B; do
    dir=${!build}
    echo "$case_name t$threads round $round build $build ($(cd "$dir" && git log --oneline -1 | cut -c1-7)) start $(date -u +%H:%M:%S) $(uptime)" | tee -a "$out/load.txt"
    "$dir/bin/quest" "${args[@]}" > "$out/$case_name-t$threads-$round-$build.json" 2> "$out/$case_name-t$threads-$round-$build.err"
  done
done
echo "end $(date -u +%H:%M:%S) $(uptime)" | tee -a "$out/load.txt"
