/*
 * matmul_avx512.c: AVX-512 VNNI matmul kernels, used when the CPU has avx512f/bw/vl and avx512vnni.
 */
#include <immintrin.h>
#include <string.h>
#include "questkernel.h"

int qk_matmul_ops_avx512(qk_matmul_ops *ops) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512vnni")) return 0;
    ops->name = "avx512-vnni";
    return 1;
}
