#!/usr/bin/env bash
# jobs10: bench job, one label and one order; usage: bench.sh WORKTREE OUT ORDER [extra args...]
set -u
wt="$1"; out="$2"; order="$3"; shift 3
cd "$wt"
echo "$(basename $out) start $(date -u +%H:%M:%S): $(uptime)" >> /tmp/jobs10/load.txt
bin/quest bench --output "$out" --overwrite --lengths 256,512,1024 --docs-per-length 6 --budgets 1024 --quest-only \
  --parallelism 2 --qa-questions 8 --batch-sizes "$order" "$@" > "$out.log" 2>&1
echo "$(basename $out) end $(date -u +%H:%M:%S): $(uptime)" >> /tmp/jobs10/load.txt
