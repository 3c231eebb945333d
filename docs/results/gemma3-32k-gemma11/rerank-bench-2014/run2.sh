#!/bin/bash
# gemma11: RerankBench with the kernel library of A = main, B = logit_2x4, P1 / P2 = B with the next page's / the page
# after next's keys prefetched; warm (pages in the caches) and cold (a 128 MB pass between calls); alternated, 2 rounds
cd /tmp/g11/mb
S=$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar)
C=/tmp/gemma11-v2/core-kernel/target/classes
declare -A L=([A]=/tmp/gemma11-new/core-kernel/target/classes/native/linux-x86_64/libquestkernel.so [B]=$C/native/linux-x86_64/libquestkernel.so [P1]=/tmp/g11/so1/libquestkernel.so [P2]=/tmp/g11/so2/libquestkernel.so)
echo "start $(date -u +%H:%M:%S) $(uptime)"
for r in 1 2; do
  for side in A B P1 P2; do
    for mode in warm cold; do
      n=300; [[ $mode == cold ]] && n=60
      echo "$side $(java --enable-native-access=ALL-UNNAMED -Dquest.native.path=${L[$side]} -cp $C:$S RerankBench.java $n $mode 2>/dev/null)"
    done
  done
done
echo "end $(date -u +%H:%M:%S) $(uptime)"
