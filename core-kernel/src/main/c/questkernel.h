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
/* isa held between scalar and qk_isa(): the level a test may force (never code the CPU cannot run). */
int qk_isa_clamp(int isa);
/* The level a kernel family runs at: the one a test forced into *forced (>= 0), else qk_isa(). */
int qk_isa_forced_or_best(const int *forced);

/* ---- Quantized matrix products (matmul section) ---- */

/*
 * Weight types, numbered as ggml numbers them (GgmlType.id on the Java side). A row of a weight tensor is
 * cols / qk_type_block(type) blocks of qk_type_size(type) bytes, laid out exactly as in a GGUF file.
 */
enum qk_type { QK_F32 = 0, QK_F16 = 1, QK_Q4_0 = 2, QK_Q4_1 = 3, QK_Q5_0 = 6, QK_Q8_0 = 8, QK_Q4_K = 12, QK_Q6_K = 14, QK_BF16 = 30 };
#define QK_TYPE_COUNT 31

/* Values per block and bytes per block of a weight type; 0 for an id this kernel does not know. */
int qk_type_block(int type);
int qk_type_size(int type);

/*
 * Activation formats: the form llama.cpp converts activations to before a dot product with each weight type
 * (ggml's vec_dot_type). Activations of n tokens are converted once per matmul call into a per-thread
 * buffer, token t at byte offset t * qk_act_stride(format, cols). Layout of one token (nb = cols / 32,
 * nk = cols / 256; every array starts 4-byte aligned because cols is a multiple of 32):
 *   QK_ACT_F32  : float x[cols], a copy
 *   QK_ACT_F16  : uint16_t h[cols], IEEE half, rounded to nearest even
 *   QK_ACT_BF16 : uint16_t h[cols], bfloat16, rounded to nearest even
 *   QK_ACT_Q8_0 : int8_t q[cols]; float d[nb] (the fp16-rounded block scale); int32_t sum[nb] (sum of q)
 *   QK_ACT_Q8_1 : int8_t q[cols]; float d[nb] (fp16-rounded); float s[nb] (fp16-rounded d * sum of q)
 *   QK_ACT_Q8_K : int8_t q[cols]; float d[nk]; int16_t bsums[nk * 16] (sums of q over 16 values)
 * Blocks are quantized as ggml's x86 build does: Q8_0/Q8_1 use id = 127 / amax and round x * id to nearest
 * even; Q8_K uses iscale = -127 / (the signed value of largest magnitude) and d = 1 / iscale.
 */
enum qk_act { QK_ACT_F32 = 0, QK_ACT_F16, QK_ACT_BF16, QK_ACT_Q8_0, QK_ACT_Q8_1, QK_ACT_Q8_K, QK_ACT_COUNT };

int qk_act_format(int type);
size_t qk_act_stride(int act, int cols);
/* Byte offsets inside one token's activations of the two arrays after q[cols]. */
static inline size_t qk_act_d_offset(int cols) { return (size_t)cols; }
static inline size_t qk_act_s_offset(int act, int cols) {
    return (size_t)cols + (size_t)(act == QK_ACT_Q8_K ? cols / 256 : cols / 32) * 4;
}

/* Converts n tokens of cols floats (token t at x + t * cols) to format act, token t at dst + t * stride. */
typedef void (*qk_quantize_fn)(const float *x, int n, int cols, uint8_t *dst, size_t stride);

/*
 * For t < n and r in [r0, r1): out[t * ldo + (r - r0)] = dot(weight row r, activations of token t).
 * w points at row 0; act at token 0 in the weight type's activation format.
 */
typedef void (*qk_matmul_fn)(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act, size_t act_stride,
                             int n, float *out, size_t ldo, int r0, int r1);

/*
 * Packed weights: a copy of a matrix made once at load in the order the AVX-512 tiles read it, so that a block's
 * registers are a few aligned loads instead of sixteen row loads, a transpose and a gather. Tiles of 16 rows (the
 * last one padded with zero rows), each tile's blocks in order, block b of tile k at
 * packed + (k * nb + b) * qk_type_size(type), where nb = cols / 32:
 *   Q4_1 (20 bytes a row): uint32_t head[16] (row i's d | m << 16, as stored in the row);
 *                          uint8_t q[4][64] (register k, lane i = quant bytes 4k..4k+3 of row i)
 *   Q8_0 (34 bytes a row): uint16_t d[16]; uint8_t q[8][64] (register g, lane i = quants 4g..4g+3 of row i + 128)
 * The values are the row's, only moved, so a packed kernel gives bit for bit the results of the row kernel.
 * qk_packed_bytes is the copy's size (0 for a type without a packed form).
 */
size_t qk_packed_bytes(int type, int rows, int cols);
typedef void (*qk_pack_fn)(const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed);

/*
 * The bound sums of an output head's sketch (dev.questspark.model.HeadSketch), for a matrix whose blocks start with
 * their binary16 scale d (Q4_0, Q5_0, Q8_0): for t < n and r in [r0, r1), up[t * ldo + r - r0] is the chain of fused
 * multiply-adds over blocks b = 0, 1, .. of d_rb * pn[t * 2 * nb + b], from 0, and down the same with
 * pn[t * 2 * nb + nb + b]: the same bits in every ISA and the Java twin. packed: w is the packed copy (r0 a multiple
 * of 16), else the GGUF rows.
 */
typedef void (*qk_bounds_fn)(const uint8_t *w, size_t row_bytes, int cols, int packed, const float *pn, int n,
                             float *up, float *down, size_t ldo, int r0, int r1);

typedef struct {
    qk_quantize_fn quantize[QK_ACT_COUNT];
    qk_matmul_fn matmul[QK_TYPE_COUNT];
    /* NULL where the ISA has no packed kernel; packed[type] takes w = the packed copy and r0 a multiple of 16 */
    qk_pack_fn pack[QK_TYPE_COUNT];
    qk_matmul_fn packed[QK_TYPE_COUNT];
    qk_bounds_fn bounds;
    const char *name;
} qk_matmul_ops;

/* Fill ops: the generic C versions set every entry; the ISA versions replace the entries they speed up. */
void qk_matmul_ops_generic(qk_matmul_ops *ops);
void qk_matmul_ops_avx2(qk_matmul_ops *ops);
int qk_matmul_ops_avx512(qk_matmul_ops *ops); /* 0 when the CPU lacks AVX-512 VNNI: ops left unchanged */
/* The AVX-512 activation conversions (quantize_avx512.c), installed by qk_matmul_ops_avx512. */
void qk_quantize_ops_avx512(qk_matmul_ops *ops);

/* The ops the JNI entry points use: chosen at first use from qk_isa(), or lowered by qk_matmul_set_isa. */
const qk_matmul_ops *qk_matmul_active(void);
void qk_matmul_set_isa(int isa);
/* Lowers the ISA level the attention kernels use (a test hook, like qk_matmul_set_isa). */
void qk_attn_set_isa(int isa);
/* Lowers the ISA level the element-wise activations (ops.c) use (a test hook, like qk_matmul_set_isa). */
void qk_ops_set_isa(int isa);

/* Writes row values dequantized as ggml's dequantize_row_* does. */
void qk_dequantize_row(int type, const uint8_t *row, int cols, float *out);

/* Scalar conversions, rounding to nearest even like F16C and ggml's bf16 conversion. */
float qk_fp16_to_fp32(uint16_t h);
uint16_t qk_fp32_to_fp16(float f);
static inline float qk_bf16_to_fp32(uint16_t h) {
    union { uint32_t u; float f; } v = { (uint32_t)h << 16 };
    return v.f;
}
uint16_t qk_fp32_to_bf16(float f);

/* A 64-byte aligned buffer of at least bytes owned by the calling thread (freed at thread exit), or NULL. */
void *qk_thread_scratch(size_t bytes);

/* ---- Element-wise activations (ops.c) ---- */

/* gate[i] = silu(gate[i]) * up[i] = gate[i] / (1 + exp(-gate[i])) * up[i], for i < n. */
void qk_swiglu(float *gate, const float *up, size_t n);

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
#define QK_ATTN_ABI_VERSION 4
#define QK_ATTN_MAX_HEAD_DIM 1024
#define QK_ATTN_MAX_PAGE 64
/* Most sequences of one shared-page pass. */
#define QK_ATTN_MAX_SEQS 64

/*
 * Where the pages of one (layer, KV head) live: pages [0, split) at keys/values/bounds (for a forked cache, its
 * parent's storage, shared read-only), pages from split on at own_keys/own_values/own_bounds, own page index
 * page - split. A cache that is not forked has split = 0. Every kernel resolves pages through these, so a forked
 * head is attended with exactly the arithmetic of one holding all its tokens contiguously.
 */
typedef struct {
    const uint16_t *keys, *values, *bounds;
    const uint16_t *own_keys, *own_values, *own_bounds;
    int split;
} qk_kv;

static inline const uint16_t *qk_kv_keys(const qk_kv *kv, int page, int p, int d) {
    return page < kv->split ? kv->keys + (size_t) page * p * d : kv->own_keys + (size_t) (page - kv->split) * p * d;
}
static inline const uint16_t *qk_kv_values(const qk_kv *kv, int page, int p, int d) {
    return page < kv->split ? kv->values + (size_t) page * p * d : kv->own_values + (size_t) (page - kv->split) * p * d;
}
static inline const uint16_t *qk_kv_bounds(const qk_kv *kv, int page, int d) {
    return page < kv->split ? kv->bounds + (size_t) page * 2 * d : kv->own_bounds + (size_t) (page - kv->split) * 2 * d;
}

/* Writes n tokens (rows k + i*stride, v + i*stride) at [pos, pos+n) and updates the bounds of their pages; the
 * bounds of the page holding pos must already describe its tokens before pos. */
void qk_attn_store(uint16_t *keys, uint16_t *values, float *kmin, float *kmax, uint16_t *bounds, int d, int p,
                   int pos, int n, const float *k, const float *v, size_t stride);
/* Recomputes page's bounds from its first `tokens` keys. */
void qk_attn_recompute_bounds(const uint16_t *keys, float *kmin, float *kmax, uint16_t *bounds, int d, int p,
                              int page, int tokens);
/* Criticality of pages [0, pages) for `rows` query rows q[rows][d], rows a multiple of group: group g's score of a
 * page, the max over its `group` consecutive rows, into scores[g*pages + page] (group 1: each row; group rows: the
 * max over all rows). */
void qk_attn_score(const qk_kv *kv, int d, int pages, const float *q, int rows, int group, float *scores);
/* Indices of the k largest scores[0, n) (ties to the lower index, NaN lowest), ascending, into out; returns min(k, n)
 * or -1 when scratch memory cannot be allocated. */
int qk_attn_select(const float *scores, int n, int k, int32_t *out);
/* The largest exact logit, unscaled q.k, of each row q[rows][d] over the tokens of each whole page ids[0, count):
 * page i, row r into out[i * rows + r] (a rerank needs only each page's best token, not all p logits). Each dot product
 * is summed in 16 lanes (channel c into lane c % 16 by fused multiply-adds in channel order) reduced by the fixed
 * tree, and the maximum is taken in token order as m = l > m ? l : m from -inf (a NaN logit is passed over, ties keep
 * the earlier token's zero): bit-identical in every ISA and the Java twin. */
void qk_attn_page_max_logits(const qk_kv *kv, int d, int p, const int32_t *ids, int count, const float *q, int rows,
                             float *out);
/* Partial attention state of rows q[rows][d] over pages ids[0, count) (or first .. first+count-1 when ids is NULL),
 * reading only tokens < tokens; returns 0, or -1 when scratch memory cannot be allocated. */
int qk_attn_pages(const qk_kv *kv, int d, int p, float scale, int tokens, const int32_t *ids, int first, int count,
                  const float *q, int rows, float *state);

/*
 * The shared-page pass of a batched decode step: `n` independent qk_attn_pages calls (sequence i: its pages,
 * token limit, query rows q_i and state_i), of sequences that may share pages (the forks of one parent). Pages are
 * visited in ascending order across all sequences, so a shared page wanted by several of them is fetched from
 * memory once and reread from cache; a sequence's own pages (past its split) run back to back, one stream for the
 * prefetchers. Each sequence's arithmetic is that of its own call, bit for bit.
 */
typedef struct {
    qk_kv kv;
    const int32_t *ids; /* page ids ascending, or NULL for first .. first + count - 1 */
    int first, count, tokens, rows;
    const float *q;     /* rows x d */
    float *state;       /* rows x (d + 2), written */
} qk_attn_seq;
int qk_attn_pages_multi(const qk_attn_seq *seqs, int n, int d, int p, float scale);

/* Merges `segments` consecutive states into normalized outputs out[rows][d]. */
void qk_attn_merge(const float *states, int segments, int rows, int d, float *out);
/* Causal attention of `tokens` query tokens at first_pos.., rows heads each (token t, head j at q + t*q_stride + j*d),
 * token t attending to [0, first_pos + t]; outputs at the same layout in out. Returns 0 or -1 (no memory). */
int qk_attn_causal(const qk_kv *kv, int d, int p, float scale, const float *q, size_t q_stride, int tokens, int rows,
                   int first_pos, float *out, size_t out_stride);
/* Sum of n floats with the widest vectors (the memory-bandwidth probe). */
float qk_sum_floats(const float *x, size_t n);

/* Per-ISA cores behind the functions above (attention_avx2.c, attention_avx512.c). `q` is rows x dp floats
 * (dp = d rounded up to 16, zero padded), `limits` the token limit of each row (max_limit their maximum), `m`, `l`
 * and `acc` (rows x dp) a state updated in place, `work` scratch of qk_attn_work_floats(rows, dp, p) floats. */
size_t qk_attn_work_floats(int rows, int dp, int p);
/* Tokens of one decode tile of the SIMD cores: pages of 8 and 16 are taken in runs of 32 tokens, so the tile's fixed
 * costs (the per-row softmax step, the walk, the accumulators' loads and stores) are paid once per 32 tokens
 * (measured on SmolLM2's shape, see docs/benchmarks.md); other page sizes, one page rounded up to 16. */
static inline int qk_attn_tile_tokens(int p) { return p < 32 && 32 % p == 0 ? 32 : (p + 15) & ~15; }
typedef struct {
    const qk_kv *kv;
    const int32_t *ids;
    int first, count, max_limit, rows;
    const int *limits;
    const float *q;
    float *m, *l, *acc;
} qk_attn_job;
void qk_attn_core_scalar(const qk_attn_job *jobs, int n, int d, int p, float scale, float *work);
void qk_attn_core_avx2(const qk_attn_job *jobs, int n, int d, int p, float scale, float *work);
void qk_attn_core_avx512(const qk_attn_job *jobs, int n, int d, int p, float scale, float *work);
/* Causal prefill cores (attention_avx2.c, attention_avx512.c), rows in vector lanes: rp rows (a multiple of 16),
 * qt (d, rp) the scaled queries transposed, limits (rp) each row's token limit, non-decreasing along the rows and
 * at most max_limit; m, l (rp) and acct (d, rp) the state updated in place; work of
 * qk_attn_causal_work_floats(rp, d, p) floats. */
size_t qk_attn_causal_work_floats(int rp, int d, int p);
void qk_attn_causal_core_avx2(const qk_kv *kv, int d, int p, const float *qt, const int32_t *limits, int rp,
                              int max_limit, float *m, float *l, float *acct, float *work);
void qk_attn_causal_core_avx512(const qk_kv *kv, int d, int p, const float *qt, const int32_t *limits, int rp,
                                int max_limit, float *m, float *l, float *acct, float *work);
/* SIMD scoring: qp is rows x dp with padding channels -0.0f (their terms then add nothing), work of
 * qk_attn_score_work_floats(rows, d) floats. With AVX-512, from QK_SCORE_WIDE_ROWS rows and head dims up to 64,
 * pages are scored 16 at a time from bounds transposed once for all rows (the same bits; measured with AVX2's 16
 * registers it was slower than the per-page tiles); below it, at head dims that are multiples of 16 up to 64, each
 * row's lane sums of 16 pages are reduced at once (the same bits, 1.35x to 1.75x faster at 3 rows). */
#define QK_SCORE_WIDE_ROWS 6
size_t qk_attn_score_work_floats(int rows, int d);
void qk_attn_score_avx2(const qk_kv *kv, int d, int pages, const float *qp, int rows, int group,
                        float *scores, float *work);
void qk_attn_score_avx512(const qk_kv *kv, int d, int pages, const float *qp, int rows, int group,
                          float *scores, float *work);
/* qk_attn_page_max_logits with qp rows x dp, padding channels -0.0f. */
void qk_attn_page_max_logits_avx2(const qk_kv *kv, int d, int p, const int32_t *ids, int count, const float *qp,
                                  int rows, float *out);
void qk_attn_page_max_logits_avx512(const qk_kv *kv, int d, int p, const int32_t *ids, int count, const float *qp,
                                    int rows, float *out);
/* qk_attn_select for 0 < k < n with AVX-512, scratch holding 2n keys: the same radix walk and the same pages. */
int qk_attn_select_avx512(const float *scores, int n, int k, int32_t *out, uint32_t *scratch);
void qk_f32_to_f16_row_f16c(const float *src, uint16_t *dst, int n);
float qk_sum_floats_avx2(const float *x, size_t n);
float qk_sum_floats_avx512(const float *x, size_t n);

#endif
