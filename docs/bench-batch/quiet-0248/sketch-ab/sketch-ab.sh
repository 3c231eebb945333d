#!/usr/bin/env bash
# Head sketch on/off at batch 8 (SmolLM2 7K shared and eight documents), same build (/tmp/final-src), alternating.
set -u
out="${1:?out}"; mkdir -p "$out"; cd /tmp/final-src
echo "start: $(uptime)" > "$out/load.txt"
run() { # name opts args...
  local name=$1 opts=$2; shift 2
  QUEST_JAVA_OPTS="$opts" bin/quest bench-batch --context 7000 --decode-tokens 64 --threads 2 --json "$@" > "$out/$name.json" 2> "$out/$name.err"
  echo "$name done: $(uptime)" >> "$out/load.txt"
}
run shared-on-1 "" --batch-sizes 1,8 --attention quest:1024 --shared-document=true
run shared-off-1 "-Dquest.head.sketch=false" --batch-sizes 1,8 --attention quest:1024 --shared-document=true
run shared-off-2 "-Dquest.head.sketch=false" --batch-sizes 1,8 --attention quest:1024 --shared-document=true
run shared-on-2 "" --batch-sizes 1,8 --attention quest:1024 --shared-document=true
run sep-off-1 "-Dquest.head.sketch=false" --batch-sizes 1,8 --attention quest:1024 --shared-document=false
run sep-on-1 "" --batch-sizes 1,8 --attention quest:1024 --shared-document=false
