#!/bin/bash
# build.sh SRC_DIR OUT: links harness.c (or $HARNESS, beside this script) with the kernel sources of SRC_DIR, niced.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src=$1; out=$2
JH=/usr/lib/jvm/$(ls /usr/lib/jvm | grep -m1 17)
objs=$(mktemp -d)
for c in $(cd $src && ls *.c | grep -v _jni); do
  nice -n 19 gcc -O3 -std=gnu11 -fno-strict-aliasing -I$src -I$here/../../core-kernel/target/native/include -I$JH/include -I$JH/include/linux -c $src/$c -o $objs/${c%.c}.o &
done
wait
nice -n 19 gcc -O3 -I$src $here/${HARNESS:-harness.c} $objs/*.o -lm -o $out
rm -rf $objs
