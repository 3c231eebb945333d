#!/usr/bin/env bash
# usage: floor.sh TREE [PASSES]   (single12, under flock /work/notes/bench.lock) StepFloorBench on Gemma 3 270M: the
# native sum over the step's weight bytes, the Q8_0 head alone and the step's matmuls, at 1 and 2 threads.
set -u
tree=$(realpath "$1"); cd "$tree"
echo "floor start $(date -u +%H:%M:%S) $(git rev-parse --short HEAD) $(uptime)"
java -Dquest.native.path=$tree/core-kernel/target/classes/native/linux-x86_64/libquestkernel.so \
  -cp core-kernel/target/classes:core-kernel/target/test-classes:$(cat core-kernel/target/bench.cp) \
  dev.questspark.model.StepFloorBench models/gemma-3-270m-q4_k_m.gguf ${2:-40} 1,2,1,2 2>&1 | grep -v INFO
echo "floor end $(date -u +%H:%M:%S) $(uptime)"
