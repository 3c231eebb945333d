#!/bin/bash
# gemma11: RerankBench (pageMaxLogits at Gemma's shape, 1,016 pages of 8, 4 rows, one thread) A = main, B = logit_2x4, alternated
cd /tmp/g11/mb
S=$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar)
echo "start $(date -u +%H:%M:%S) $(uptime)"
for r in 1 2 3; do
  for side in A B; do
    t=/tmp/gemma11-new; [[ $side == B ]] && t=/tmp/gemma11-v2
    echo "$side $(git -C $t rev-parse --short HEAD) $(java --enable-native-access=ALL-UNNAMED -cp $t/core-kernel/target/classes:$S RerankBench.java 400 2>/dev/null)"
  done
done
echo "end $(date -u +%H:%M:%S) $(uptime)"
