/*
 * questkernel.h: the contract of the native kernel.
 *
 * Every function here works on buffers whose sizes the Java side has validated and passes along;
 * the JNI entry points re-check those sizes against the buffer capacities before touching memory,
 * so a lying caller gets an exception, never an out-of-bounds read.
 *
 * Layout follows ggml's CPU backend: one generic (scalar C) implementation of every operation,
 * and per-ISA versions (AVX2+FMA, AVX-512) compiled with __attribute__((target)) and selected once
 * at load time with __builtin_cpu_supports. No global -march flag is used.
 */
#ifndef QUESTKERNEL_H
#define QUESTKERNEL_H

#include <stddef.h>
#include <stdint.h>

/* ---- CPU features (cpu.c) ---- */
enum qk_isa { QK_ISA_SCALAR = 0, QK_ISA_AVX2 = 1, QK_ISA_AVX512 = 2 };

/* The best ISA this CPU supports, or the one forced by the QUEST_KERNEL_ISA environment variable (scalar|avx2|avx512). */
int qk_isa(void);
const char *qk_isa_name(int isa);

/* ---- Quantized matrix products (matmul section) ---- */

/* ---- Attention and Quest (attention section) ---- */

#endif
