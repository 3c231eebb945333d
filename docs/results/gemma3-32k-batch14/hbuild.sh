#!/bin/bash
# Builds the gemma.c harness (bench/attention-walk) against the kernel sources of SRC: the compile of build.sh, niced.
# b14-hbuild.sh SRC OUT [CFLAGS...]
set -e
src=$1; out=$2; shift 2
JH=/usr/lib/jvm/$(ls /usr/lib/jvm | grep -m1 17)
objs=$(mktemp -d)
for c in $(cd $src && ls *.c | grep -v _jni); do
  nice -n 19 gcc -O3 -std=gnu11 -fno-strict-aliasing "$@" -I$src -I/work/wt/batch14/core-kernel/target/native/include -I$JH/include -I$JH/include/linux -c $src/$c -o $objs/${c%.c}.o
done
nice -n 19 gcc -O3 "$@" -I$src /work/wt/batch14/bench/attention-walk/gemma.c $objs/*.o -lm -o $out
rm -rf $objs
