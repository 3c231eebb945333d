#!/bin/bash
# harness-ab.sh MAIN_SRC BRANCH_SRC OUT: bench/attention-walk's harness (the kernel's qk_attn_pages_multi, SmolLM2's
# shape: 8 sequences x 3 rows, 128 Quest pages of 8 over 7,000-token caches) built from main's and this branch's C
# sources, alternating: mode 1 forks of one document, mode 3 a document each; pages in cache (2 slabs, 300 rounds)
# and streamed from memory (60 slabs, 6 rounds). Thread CPU per call (best of the rounds) and the states' checksum.
set -e
here=$(cd "$(dirname "$0")" && pwd); root=$here/../../..
HARNESS= $root/bench/attention-walk/build.sh $1 /tmp/harness-A
HARNESS= $root/bench/attention-walk/build.sh $2 /tmp/harness-B
cd /tmp
for r in 1 2 3; do
  for slabs in "2 300" "60 6"; do
    set -- $slabs
    for m in 1 3; do
      for b in A B; do echo "round $r $b slabs $1: $(./harness-$b $m $2 $1)"; done
    done
  done
done
