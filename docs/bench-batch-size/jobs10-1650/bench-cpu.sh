#!/usr/bin/env bash
# bench.sh plus a sampler of the bench JVM's CPU time (utime+stime ticks of /proc/PID/stat) every 0.25 s
set -u
out="$2"
/tmp/jobs10/bench.sh "$@" &
b=$!
pid=""
while kill -0 $b 2>/dev/null; do
  if [[ -z "$pid" ]]; then pid=$(pgrep -f "java.*--output $out " | head -1); fi
  if [[ -n "$pid" && -r /proc/$pid/stat ]]; then
    echo "$(date +%s.%N) $(awk '{print $14+$15}' /proc/$pid/stat)" >> "$out.cpu"
  fi
  sleep 0.25
done
