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
/*
 * Storage of one (layer, KV head), as dev.questspark.quest.HeadPages lays it out (little-endian, 64-byte aligned):
 *   keys, values  binary16 [tokens][d], token-major; page p = tokens [p*P, (p+1)*P)
 *   kmin, kmax    f32 [pages][d]: per page and channel, min / max of the page's stored keys
 *   bounds        binary16 [pages][2][d]: the same min row then max row (exact: they are binary16 values)
 * A partial attention state of `rows` query rows is float [rows] m, [rows] l, [rows][d] acc: the running max of
 * scaled scores, the sum of exp(score - m), and the sum of exp(score - m) * value.
 * Scores of Quest pages are summed in 16 lanes (channel c into lane c % 16, in channel order) reduced by a fixed
 * tree (lanes j += j+8, j += j+4, j += j+2, 0 += 1): bit-identical in every ISA and in the Java twin.
 */
#define QK_ATTN_ABI_VERSION 2
#define QK_ATTN_MAX_HEAD_DIM 1024
#define QK_ATTN_MAX_PAGE 64

uint16_t qk_f32_to_f16(float f);   /* round to nearest even, like vcvtps2ph */
float qk_f16_to_f32(uint16_t h);

/* Writes n tokens (rows k + i*stride, v + i*stride) at [pos, pos+n) and updates the bounds of their pages; the
 * bounds of the page holding pos must already describe its tokens before pos. */
void qk_attn_store(uint16_t *keys, uint16_t *values, float *kmin, float *kmax, uint16_t *bounds, int d, int p,
                   int pos, int n, const float *k, const float *v, size_t stride);
/* Recomputes page's bounds from its first `tokens` keys. */
void qk_attn_recompute_bounds(const uint16_t *keys, float *kmin, float *kmax, uint16_t *bounds, int d, int p,
                              int page, int tokens);
/* Criticality of pages [0, pages) for `rows` query rows q[rows][d]: max over rows into scores[page] when
 * max_over_rows, else row r into scores[r*pages + page]. */
void qk_attn_score(const uint16_t *bounds, int d, int pages, const float *q, int rows, int max_over_rows, float *scores);
/* Indices of the k largest scores[0, n) (ties to the lower index, NaN lowest), ascending, into out; returns min(k, n)
 * or -1 when scratch memory cannot be allocated. */
int qk_attn_select(const float *scores, int n, int k, int32_t *out);
/* Partial attention state of rows q[rows][d] over pages ids[0, count) (or first .. first+count-1 when ids is NULL),
 * reading only tokens < tokens; returns 0, or -1 when scratch memory cannot be allocated. */
int qk_attn_pages(const uint16_t *keys, const uint16_t *values, int d, int p, float scale, int tokens,
                  const int32_t *ids, int first, int count, const float *q, int rows, float *state);
/* Merges `segments` consecutive states into normalized outputs out[rows][d]. */
void qk_attn_merge(const float *states, int segments, int rows, int d, float *out);
/* Causal attention of `tokens` query tokens at first_pos.., rows heads each (token t, head j at q + t*q_stride + j*d),
 * token t attending to [0, first_pos + t]; outputs at the same layout in out. Returns 0 or -1 (no memory). */
int qk_attn_causal(const uint16_t *keys, const uint16_t *values, int d, int p, float scale, const float *q,
                   size_t q_stride, int tokens, int rows, int first_pos, float *out, size_t out_stride);
/* Sum of n floats with the widest vectors (the memory-bandwidth probe). */
float qk_sum_floats(const float *x, size_t n);

/* Per-ISA cores behind the functions above (attention_avx2.c, attention_avx512.c). `q` is rows x dp floats
 * (dp = d rounded up to 16, zero padded), `limits` the token limit of each row (max_limit their maximum), `m`, `l`
 * and `acc` (rows x dp) a state updated in place, `work` scratch of qk_attn_work_floats(rows, dp, p) floats. */
size_t qk_attn_work_floats(int rows, int dp, int p);
void qk_attn_core_scalar(const uint16_t *keys, const uint16_t *values, int d, int p, float scale, const int32_t *ids,
                         int first, int count, const int *limits, int max_limit, const float *q, int rows,
                         float *m, float *l, float *acc, float *work);
void qk_attn_core_avx2(const uint16_t *keys, const uint16_t *values, int d, int p, float scale, const int32_t *ids,
                       int first, int count, const int *limits, int max_limit, const float *q, int rows,
                       float *m, float *l, float *acc, float *work);
void qk_attn_core_avx512(const uint16_t *keys, const uint16_t *values, int d, int p, float scale, const int32_t *ids,
                         int first, int count, const int *limits, int max_limit, const float *q, int rows,
                         float *m, float *l, float *acc, float *work);
/* SIMD scoring: qp is rows x dp with padding channels -0.0f (their terms then add nothing), work `rows` floats. */
void qk_attn_score_avx2(const uint16_t *bounds, int d, int pages, const float *qp, int rows, int max_over_rows,
                        float *scores, float *work);
void qk_attn_score_avx512(const uint16_t *bounds, int d, int pages, const float *qp, int rows, int max_over_rows,
                          float *scores, float *work);
void qk_f32_to_f16_row_f16c(const float *src, uint16_t *dst, int n);
float qk_sum_floats_avx2(const float *x, size_t n);
float qk_sum_floats_avx512(const float *x, size_t n);

#endif
