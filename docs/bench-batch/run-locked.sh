#!/usr/bin/env bash
# The batched-decode runs of docs/benchmarks.md (issue 12), ours only: bin/quest bench-batch at a 7000-token depth,
# 2 threads, 64 tokens decoded per sequence, batch sizes 1 and 8. Run it under the bench lock in a session of its own
# (autogroup: see docs/bench-skewed/run-locked.sh):
#   flock /work/notes/bench.lock setsid docs/bench-batch/run-locked.sh shared|shared16|separate [BEFORE_HOME]
# shared:   one shared document, Quest budget 1024, the default page size (8); with BEFORE_HOME (a checkout with an
#           older build of jobs/target) that build runs first, back to back, for a before/after ratio.
# shared16: the same with pages of 16.
# separate: one 7000-token document per sequence, dense and Quest 1024 (llama.cpp is left out: its 56K-token
#           prefill for this case takes 11+ minutes).
set -u
what="${1:?shared, shared16 or separate}"
before="${2:-}"
cd "$(dirname "$0")/../.."
echo -20 > /proc/$$/autogroup 2>/dev/null || echo "autogroup priority not raised (not root?)"
common=(--context 7000 --batch-sizes 1,8 --decode-tokens 64 --threads 2)
run() {
  local home=$1
  shift
  echo "== $home: bench-batch ${common[*]} $*"
  echo "before: $(uptime)"
  QUEST_HOME="$home" "$home"/bin/quest bench-batch "${common[@]}" "$@" 2>/dev/null
  echo "after: $(uptime)"
}
case "$what" in
  shared)
    [[ -n "$before" ]] && run "$before" --attention quest:1024 --shared-document=true
    run "$PWD" --attention quest:1024 --shared-document=true ;;
  shared16) run "$PWD" --attention quest:1024 --shared-document=true --page-size 16 ;;
  separate) run "$PWD" --attention dense,quest:1024 --shared-document=false ;;
  *) echo "unknown case $what" >&2; exit 2 ;;
esac
