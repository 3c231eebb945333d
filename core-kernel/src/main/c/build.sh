#!/usr/bin/env bash
# Builds libquestkernel.so from every C file beside this script.
# Usage: build.sh JNI_HEADER_DIR OUTPUT_DIR
# No global -march: ISA-specific functions carry __attribute__((target(...))) and are picked at run time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
include_dir=$1
out_dir=$2
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
mkdir -p "$out_dir"
gcc -O3 -std=gnu11 -fPIC -shared -Wall -Wextra -Wno-unused-parameter -fno-strict-aliasing \
  -I"$here" -I"$include_dir" -I"$java_home/include" -I"$java_home/include/linux" \
  "$here"/*.c -lm -Wl,--no-undefined -o "$out_dir/libquestkernel.so"
