/*
 * matmul_avx2.c: AVX2+FMA+F16C versions of the activation conversions and matmul kernels.
 *
 * Activation quantization is bit-identical to the generic C version (same float operations, round to nearest
 * even). Kernels differ from it only in the order float terms are summed.
 */
#include <immintrin.h>
#include <math.h>
#include <string.h>
#include "questkernel.h"

#define AVX2 __attribute__((target("avx2,fma,f16c")))

/* ---- activation conversion ---- */

/* One 32-value block: quants to q, returns the unrounded scale amax / 127 and the sum of quants. */
static inline AVX2 float quantize_block32(const float *x, int8_t *q, int *sum) {
    __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8);
    __m256 v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1));
    m = _mm256_max_ps(m, _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
    __m128 m4 = _mm_max_ps(_mm256_extractf128_ps(m, 1), _mm256_castps256_ps128(m));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    float amax = _mm_cvtss_f32(m4);
    float d = amax / 127.0f;
    const __m256 id = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
    const int mode = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, id), mode));
    __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, id), mode));
    __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, id), mode));
    __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, id), mode));
    __m256i s = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
    __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    s4 = _mm_add_epi32(s4, _mm_unpackhi_epi64(s4, s4));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1)));
    *sum = _mm_cvtsi128_si32(s4);
    /* packs work per 128-bit lane; the permute restores value order */
    __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
    p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)q, p);
    return d;
}

static inline AVX2 float fp16_round(float f) { return _cvtsh_ss(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT)); }

/* ggml's quantize_row_q8_K for one block of 256: quants to q, the sums of each 16 to bsums, returns the scale; the
 * scale comes from the first value of largest magnitude, with its sign. */
static inline AVX2 float quantize_block256(const float *xb, int8_t *q, int16_t *bsums) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const int mode = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    __m256 m = _mm256_setzero_ps();
    for (int j = 0; j < 256; j += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(xb + j)));
    __m128 m4 = _mm_max_ps(_mm256_extractf128_ps(m, 1), _mm256_castps256_ps128(m));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    float amax = _mm_cvtss_f32(m4);
    if (amax == 0.0f) {
        memset(q, 0, 256);
        memset(bsums, 0, 32);
        return 0.0f;
    }
    float max = 0.0f;
    const __m256 target = _mm256_set1_ps(amax);
    for (int j = 0; j < 256; j += 8) {
        int hit = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(xb + j)), target, _CMP_EQ_OQ));
        if (hit) {
            max = xb[j + __builtin_ctz((unsigned)hit)];
            break;
        }
    }
    float iscale = -127.0f / max;
    const __m256 is = _mm256_set1_ps(iscale);
    const __m256i top = _mm256_set1_epi32(127);
    for (int g = 0; g < 16; g++) {
        const float *xg = xb + 16 * g;
        __m256i i0 = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(is, _mm256_loadu_ps(xg)), mode)), top);
        __m256i i1 = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(is, _mm256_loadu_ps(xg + 8)), mode)), top);
        __m256i s = _mm256_add_epi32(i0, i1);
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
        s4 = _mm_add_epi32(s4, _mm_unpackhi_epi64(s4, s4));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1)));
        bsums[g] = (int16_t)_mm_cvtsi128_si32(s4);
        __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(i0), _mm256_extracti128_si256(i0, 1));
        __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(i1), _mm256_extracti128_si256(i1, 1));
        _mm_storeu_si128((__m128i *)(q + 16 * g), _mm_packs_epi16(p16, q16));
    }
    return 1.0f / iscale;
}

#define QUANT_TARGET AVX2
#include "quantize_q8.inc"

static AVX2 void quantize_f16(const float *x, int n, int cols, uint8_t *dst, size_t stride) {
    for (int t = 0; t < n; t++) {
        uint16_t *h = (uint16_t *)(dst + (size_t)t * stride);
        const float *xt = x + (size_t)t * cols;
        int i = 0;
        for (; i + 8 <= cols; i += 8) {
            _mm_storeu_si128((__m128i *)(h + i), _mm256_cvtps_ph(_mm256_loadu_ps(xt + i), _MM_FROUND_TO_NEAREST_INT));
        }
        for (; i < cols; i++) h[i] = qk_fp32_to_fp16(xt[i]);
    }
}

/* ---- Q4_0, Q4_1, Q5_0, Q8_0: register-blocked tiles of 8 rows ---- */

/*
 * The design of matmul_avx512.c with 8 rows per ymm register: a tile's blocks are transposed so that group g
 * of block b is one register holding values 4g..4g+3 of each of the 8 rows, and vpmaddubsw with a broadcast of
 * the token's 4 matching quants advances all 8 dots. Q4 nibbles are unsigned, so eight products of a block fit
 * int16 (8 * 2 * 15 * 127 < 32768) before one vpmaddwd widens them; Q4_0 takes back its +8 offset through
 * the activation block sum. Q5_0 values (nibble plus a fifth bit from qh, stored + 16) are up to 31, so its
 * products are summed in int16 over four groups at a time, and +16 is taken back the same way. Q8_0 weights are signed: the usual sign trick (|w| times a * sign(w)) keeps each
 * vpmaddubsw within int16 and is widened per group.
 */
#define INLINE __attribute__((always_inline)) inline
enum { TILE = 8, KC = 16, TMAX = 4 };
enum kind { K_Q4_0, K_Q4_1, K_Q8_0, K_Q5_0 };

typedef struct {
    __m256i q[KC][8];  /* block b, group g: lane i = values 4g..4g+3 of row i (Q4: nibbles, Q8_0: |w|) */
    __m256i sg[KC][8]; /* Q8_0 only: the signed weights, whose signs are moved onto the activations */
    __m256 d[KC];
    __m256 m[KC];
} tile8_t;

static const uint8_t zero_block[64] __attribute__((aligned(64)));

static INLINE int block_bytes(int kind) { return kind == K_Q4_1 ? 20 : kind == K_Q4_0 ? 18 : kind == K_Q5_0 ? 22 : 34; }

static INLINE AVX2 void load_transpose8(const uint8_t *const *p, int off, __m256i out[4]) {
    __m256i b[4];
    for (int c = 0; c < 4; c++) { /* 128-bit lane j of b[c] holds row 4j + c */
        b[c] = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(p[c] + off))),
                                       _mm_loadu_si128((const __m128i *)(p[4 + c] + off)), 1);
    }
    __m256i t0 = _mm256_unpacklo_epi32(b[0], b[1]), t1 = _mm256_unpackhi_epi32(b[0], b[1]);
    __m256i t2 = _mm256_unpacklo_epi32(b[2], b[3]), t3 = _mm256_unpackhi_epi32(b[2], b[3]);
    out[0] = _mm256_unpacklo_epi64(t0, t2);
    out[1] = _mm256_unpackhi_epi64(t0, t2);
    out[2] = _mm256_unpacklo_epi64(t1, t3);
    out[3] = _mm256_unpackhi_epi64(t1, t3);
}

/* The fp16 scale (and Q4_1 minimum) at the start of each row's block, as floats; missing rows read zeros. */
static INLINE AVX2 void load_heads8(const uint8_t *const *p, __m256 *d, __m256 *m) {
    uint32_t heads[8];
    for (int i = 0; i < 8; i++) memcpy(&heads[i], p[i], 4);
    __m256i v = _mm256_loadu_si256((const __m256i *)heads);
    /* per 128-bit lane: low halves to bytes 0..7, high halves to 8..15; then join the lanes' low and high parts */
    const __m256i split = _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15,
                                           0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15);
    v = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(v, split), _MM_SHUFFLE(3, 1, 2, 0));
    *d = _mm256_cvtph_ps(_mm256_castsi256_si128(v));
    *m = _mm256_cvtph_ps(_mm256_extracti128_si256(v, 1));
}

static INLINE void block_pointers8(const uint8_t **p, const uint8_t *w, size_t row_bytes, int r, int nrows, size_t off) {
    for (int i = 0; i < TILE; i++) p[i] = i < nrows ? w + (size_t)(r + i) * row_bytes + off : zero_block;
}

/*
 * Q5_0's fifth bits: sets bit 4 of byte j of group g (value 4g + j) of each row where bit 4g + j of the row's qh
 * is set. qh holds each row's 32-bit qh in its lane; the shuffle copies byte g / 2 of it to the lane's four bytes.
 */
static INLINE AVX2 void add_high_bits8(__m256i q[8], __m256i qh) {
    const __m256i sixteen = _mm256_set1_epi8(16);
    for (int g = 0; g < 8; g++) {
        const int b = g / 2;
        const __m256i pick = _mm256_broadcastsi128_si256(_mm_setr_epi32(0x01010101 * b, 0x01010101 * (4 + b),
                                                                         0x01010101 * (8 + b), 0x01010101 * (12 + b)));
        const __m256i bits = _mm256_set1_epi32(g % 2 ? (int)0x80402010 : 0x08040201);
        __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(qh, pick), bits), bits);
        q[g] = _mm256_or_si256(q[g], _mm256_and_si256(set, sixteen));
    }
}

static INLINE AVX2 void unpack_block8(int kind, const uint8_t *const *p, __m256i q[8], __m256i sg[8]) {
    __m256i t[4];
    if (kind == K_Q8_0) {
        load_transpose8(p, 2, t);
        for (int k = 0; k < 4; k++) { sg[k] = t[k]; q[k] = _mm256_sign_epi8(t[k], t[k]); }
        load_transpose8(p, 18, t);
        for (int k = 0; k < 4; k++) { sg[4 + k] = t[k]; q[4 + k] = _mm256_sign_epi8(t[k], t[k]); }
    } else {
        const __m256i low4 = _mm256_set1_epi8(0x0f);
        load_transpose8(p, kind == K_Q4_1 ? 4 : kind == K_Q5_0 ? 6 : 2, t);
        for (int k = 0; k < 4; k++) {
            q[k] = _mm256_and_si256(t[k], low4);
            q[4 + k] = _mm256_and_si256(_mm256_srli_epi32(t[k], 4), low4);
        }
        if (kind == K_Q5_0) {
            uint32_t qh[TILE];
            for (int i = 0; i < TILE; i++) memcpy(&qh[i], p[i] + 2, 4);
            add_high_bits8(q, _mm256_loadu_si256((const __m256i *)qh));
        }
    }
}

/* Exact integer dots of one block (8 groups) with T tokens' quants at a[t]; corr[t] is subtracted (Q4_0, Q5_0). */
static INLINE AVX2 void block_dots8(int kind, const __m256i q[8], const __m256i sg[8], const uint8_t *const *a,
                                    const int *corr, int T, __m256i isum[TMAX]) {
    const __m256i ones = _mm256_set1_epi16(1);
    if (kind == K_Q8_0) {
        for (int t = 0; t < T; t++) isum[t] = _mm256_setzero_si256();
        for (int g = 0; g < 8; g++) {
            for (int t = 0; t < T; t++) {
                int a4;
                memcpy(&a4, a[t] + 4 * g, 4);
                __m256i prod = _mm256_maddubs_epi16(q[g], _mm256_sign_epi8(_mm256_set1_epi32(a4), sg[g]));
                isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(prod, ones));
            }
        }
        return;
    }
    /* int16 sums of 8 groups of 4-bit values, or of 4 groups of 5-bit values, stay below 32768 */
    const int span = kind == K_Q5_0 ? 4 : 8;
    for (int t = 0; t < T; t++) isum[t] = _mm256_setzero_si256();
    for (int g0 = 0; g0 < 8; g0 += span) {
        __m256i s16[TMAX];
        for (int t = 0; t < T; t++) s16[t] = _mm256_setzero_si256();
        for (int g = g0; g < g0 + span; g++) {
            for (int t = 0; t < T; t++) {
                int a4;
                memcpy(&a4, a[t] + 4 * g, 4);
                s16[t] = _mm256_add_epi16(s16[t], _mm256_maddubs_epi16(q[g], _mm256_set1_epi32(a4)));
            }
        }
        for (int t = 0; t < T; t++) isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(s16[t], ones));
    }
    for (int t = 0; t < T; t++) {
        if (kind != K_Q4_1) isum[t] = _mm256_sub_epi32(isum[t], _mm256_set1_epi32(corr[t]));
    }
}

typedef struct {
    const uint8_t *q[TMAX];
    const float *d[TMAX];
    const float *s[TMAX];
} tokens8_t;

static INLINE void token_pointers8(int kind, tokens8_t *tk, const uint8_t *act, size_t act_stride, int cols, int t0, int T) {
    for (int t = 0; t < T; t++) {
        const uint8_t *tok = act + (size_t)(t0 + t) * act_stride;
        tk->q[t] = tok;
        tk->d[t] = (const float *)(tok + qk_act_d_offset(cols));
        tk->s[t] = (const float *)(tok + qk_act_s_offset(kind == K_Q4_1 ? QK_ACT_Q8_1 : QK_ACT_Q8_0, cols));
    }
}

/* acc[t] += the block's contribution, in the order of matmul_avx512.c's kernels. */
static INLINE AVX2 void block_accumulate8(int kind, const tokens8_t *tk, int b, const __m256i q[8], const __m256i sg[8],
                                          __m256 d, __m256 m, int T, __m256 acc[TMAX]) {
    const uint8_t *a[TMAX];
    int corr[TMAX];
    __m256i isum[TMAX];
    for (int t = 0; t < T; t++) {
        a[t] = tk->q[t] + b * 32;
        if (kind == K_Q4_0 || kind == K_Q5_0) {
            int sum;
            memcpy(&sum, tk->s[t] + b, 4);
            corr[t] = (kind == K_Q5_0 ? 16 : 8) * sum;
        }
    }
    block_dots8(kind, q, sg, a, corr, T, isum);
    for (int t = 0; t < T; t++) {
        __m256 scaled = _mm256_mul_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_set1_ps(tk->d[t][b]));
        acc[t] = _mm256_fmadd_ps(scaled, d, acc[t]);
        if (kind == K_Q4_1) acc[t] = _mm256_fmadd_ps(m, _mm256_set1_ps(tk->s[t][b]), acc[t]);
    }
}

static INLINE AVX2 __m256i row_mask8(int nrows) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(nrows), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/*
 * Few tokens: unpack each block into registers and use it at once, while prefetching the rows of the tile two
 * ahead (decode streams weights from memory; without this it waits on every tile).
 */
static INLINE AVX2 void tile8_direct(int kind, const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,
                                     size_t act_stride, int T, float *out, size_t ldo, int r, int nrows,
                                     const uint8_t *pf, size_t pf_bytes) {
    const int nb = cols / 32, bsize = block_bytes(kind);
    size_t pf_lines = (pf_bytes + 63) / 64, pf_per_block = (pf_lines + nb - 1) / nb, pf_next = 0;
    tokens8_t tk;
    token_pointers8(kind, &tk, act, act_stride, cols, 0, T);
    __m256 acc[TMAX];
    for (int t = 0; t < T; t++) acc[t] = _mm256_setzero_ps();
    const uint8_t *p[TILE];
    for (int b = 0; b < nb; b++) {
        for (size_t k = 0; k < pf_per_block && pf_next < pf_lines; k++, pf_next++) {
            _mm_prefetch((const char *)pf + pf_next * 64, _MM_HINT_T0);
        }
        __m256i q[8], sg[8];
        __m256 d, m;
        block_pointers8(p, w, row_bytes, r, nrows, (size_t)b * bsize);
        unpack_block8(kind, p, q, sg);
        load_heads8(p, &d, &m);
        block_accumulate8(kind, &tk, b, q, sg, d, m, T, acc);
    }
    __m256i mask = row_mask8(nrows);
    for (int t = 0; t < T; t++) _mm256_maskstore_ps(out + (size_t)t * ldo, mask, acc[t]);
}

/* Many tokens: repack KC blocks once, then run every token group over them, accumulating in out. */
static INLINE AVX2 void chunk8_tokens(int kind, const tile8_t *tl, int kc, int b0, const uint8_t *act, size_t act_stride,
                                      int cols, int t0, int T, float *out, size_t ldo, int nrows, int first) {
    tokens8_t tk;
    token_pointers8(kind, &tk, act, act_stride, cols, t0, T);
    __m256i mask = row_mask8(nrows);
    __m256 acc[TMAX];
    for (int t = 0; t < T; t++) {
        acc[t] = first ? _mm256_setzero_ps() : _mm256_maskload_ps(out + (size_t)(t0 + t) * ldo, mask);
    }
    for (int b = 0; b < kc; b++) block_accumulate8(kind, &tk, b0 + b, tl->q[b], tl->sg[b], tl->d[b], tl->m[b], T, acc);
    for (int t = 0; t < T; t++) _mm256_maskstore_ps(out + (size_t)(t0 + t) * ldo, mask, acc[t]);
}

static INLINE AVX2 void repack8(int kind, tile8_t *tl, const uint8_t *w, size_t row_bytes, int r, int nrows, int b0, int kc) {
    const uint8_t *p[TILE];
    for (int b = 0; b < kc; b++) {
        block_pointers8(p, w, row_bytes, r, nrows, (size_t)(b0 + b) * block_bytes(kind));
        unpack_block8(kind, p, tl->q[b], tl->sg[b]);
        load_heads8(p, &tl->d[b], &tl->m[b]);
    }
}

#define TILE8_FNS(kind)                                                                                        \
    static AVX2 void direct8_##kind(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                    size_t act_stride, int T, float *out, size_t ldo, int r, int nrows,        \
                                    const uint8_t *pf, size_t pf_bytes) {                                      \
        switch (T) {                                                                                           \
            case 1: tile8_direct(kind, w, row_bytes, cols, act, act_stride, 1, out, ldo, r, nrows, pf, pf_bytes); break; \
            case 2: tile8_direct(kind, w, row_bytes, cols, act, act_stride, 2, out, ldo, r, nrows, pf, pf_bytes); break; \
            default: tile8_direct(kind, w, row_bytes, cols, act, act_stride, 3, out, ldo, r, nrows, pf, pf_bytes); break; \
        }                                                                                                      \
    }                                                                                                          \
    static AVX2 void chunk8_##kind(const tile8_t *tl, int kc, int b0, const uint8_t *act, size_t act_stride,   \
                                   int cols, int t0, int T, float *out, size_t ldo, int nrows, int first) {    \
        switch (T) {                                                                                           \
            case 4: chunk8_tokens(kind, tl, kc, b0, act, act_stride, cols, t0, 4, out, ldo, nrows, first); break; \
            case 2: chunk8_tokens(kind, tl, kc, b0, act, act_stride, cols, t0, 2, out, ldo, nrows, first); break; \
            default: chunk8_tokens(kind, tl, kc, b0, act, act_stride, cols, t0, 1, out, ldo, nrows, first); break; \
        }                                                                                                      \
    }                                                                                                          \
    static AVX2 void repack8_##kind(tile8_t *tl, const uint8_t *w, size_t row_bytes, int r, int nrows, int b0, int kc) { \
        repack8(kind, tl, w, row_bytes, r, nrows, b0, kc);                                                     \
    }
TILE8_FNS(K_Q4_0)
TILE8_FNS(K_Q4_1)
TILE8_FNS(K_Q8_0)
TILE8_FNS(K_Q5_0)

/* The repacked path's strided row streams are poorly followed by the hardware prefetchers once the matrix is out
 * of cache (see matmul_avx512.c): each tile asks for the rows PF_ROWS_AHEAD on to be fetched into L2. */
enum { PF_ROWS_AHEAD = 64 };

static INLINE void prefetch_rows_ahead8(const uint8_t *w, size_t row_bytes, int r, int r1) {
    int first = r + PF_ROWS_AHEAD;
    if (first >= r1) return;
    int rows = r1 - first < TILE ? r1 - first : TILE;
    const char *from = (const char *)(w + (size_t)first * row_bytes);
    size_t bytes = (size_t)rows * row_bytes;
    for (size_t off = 0; off < bytes; off += 64) _mm_prefetch(from + off, _MM_HINT_T1);
}

#define MATMUL_TILES8(name, kind)                                                                             \
    static AVX2 void matmul_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {        \
        const int nb = cols / 32;                                                                             \
        if (n < 4) {                                                                                          \
            for (int r = r0; r < r1; r += TILE) {                                                             \
                int nrows = r1 - r < TILE ? r1 - r : TILE;                                                    \
                int pf_row = r + 2 * TILE < r1 ? r + 2 * TILE : r1;                                           \
                int pf_rows = r1 - pf_row < TILE ? r1 - pf_row : TILE;                                        \
                direct8_##kind(w, row_bytes, cols, act, act_stride, n, out + (r - r0), ldo, r, nrows,         \
                               w + (size_t)pf_row * row_bytes, (size_t)pf_rows * row_bytes);                  \
            }                                                                                                 \
            return;                                                                                           \
        }                                                                                                     \
        tile8_t tl;                                                                                           \
        for (int r = r0; r < r1; r += TILE) {                                                                 \
            int nrows = r1 - r < TILE ? r1 - r : TILE;                                                        \
            prefetch_rows_ahead8(w, row_bytes, r, r1);                                                        \
            for (int b0 = 0; b0 < nb; b0 += KC) {                                                             \
                int kc = nb - b0 < KC ? nb - b0 : KC;                                                         \
                repack8_##kind(&tl, w, row_bytes, r, nrows, b0, kc);                                          \
                int t = 0;                                                                                    \
                for (; t + 4 <= n; t += 4) chunk8_##kind(&tl, kc, b0, act, act_stride, cols, t, 4, out + (r - r0), ldo, nrows, b0 == 0); \
                if (n - t >= 2) { chunk8_##kind(&tl, kc, b0, act, act_stride, cols, t, 2, out + (r - r0), ldo, nrows, b0 == 0); t += 2; } \
                if (n - t >= 1) chunk8_##kind(&tl, kc, b0, act, act_stride, cols, t, 1, out + (r - r0), ldo, nrows, b0 == 0); \
            }                                                                                                 \
        }                                                                                                     \
    }
MATMUL_TILES8(q4_0, K_Q4_0)
MATMUL_TILES8(q4_1, K_Q4_1)
MATMUL_TILES8(q8_0, K_Q8_0)
MATMUL_TILES8(q5_0, K_Q5_0)

/* ---- F32, F16, BF16: row by row, up to 4 tokens share each loaded weight vector ---- */

static inline AVX2 float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static INLINE AVX2 __m256 load8(int type, const uint8_t *p) {
    switch (type) {
        case QK_F32: return _mm256_loadu_ps((const float *)p);
        case QK_F16: return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
        default: return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
    }
}

static INLINE float load1(int type, const uint8_t *p) {
    uint16_t h;
    float f;
    switch (type) {
        case QK_F32: memcpy(&f, p, 4); return f;
        case QK_F16: memcpy(&h, p, 2); return qk_fp16_to_fp32(h);
        default: memcpy(&h, p, 2); return qk_bf16_to_fp32(h);
    }
}

static INLINE AVX2 void float_rows(int type, const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {
    const int es = type == QK_F32 ? 4 : 2;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (int t0 = 0; t0 < n; t0 += 4) {
            int T = n - t0 < 4 ? n - t0 : 4;
            __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
            int i = 0;
            for (; i + 8 <= cols; i += 8) {
                __m256 wv = load8(type, row + (size_t)i * es);
                for (int t = 0; t < T; t++) {
                    acc[t] = _mm256_fmadd_ps(wv, load8(type, act + (size_t)(t0 + t) * act_stride + (size_t)i * es), acc[t]);
                }
            }
            for (int t = 0; t < T; t++) {
                float sum = hsum8(acc[t]);
                const uint8_t *x = act + (size_t)(t0 + t) * act_stride;
                for (int k = i; k < cols; k++) sum += load1(type, row + (size_t)k * es) * load1(type, x + (size_t)k * es);
                out[(size_t)(t0 + t) * ldo + (r - r0)] = sum;
            }
        }
    }
}

#define FLOAT_ROWS(name, type)                                                                                \
    static AVX2 void matmul_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {        \
        float_rows(type, w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);                           \
    }
FLOAT_ROWS(f32, QK_F32)
FLOAT_ROWS(f16, QK_F16)
FLOAT_ROWS(bf16, QK_BF16)

/* ---- Q4_K and Q6_K: row by row; a row's scales are unpacked once and reused by every token ---- */

/* Q4_K sub-block j's 6-bit scale and min, as in ggml's get_scale_min_k4. */
static inline void q4k_scale_min(const uint8_t *sc, int j, int *scale, int *min) {
    if (j < 4) {
        *scale = sc[j] & 63;
        *min = sc[j + 4] & 63;
    } else {
        *scale = (sc[j + 4] & 0x0f) | ((sc[j - 4] >> 6) << 4);
        *min = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
    }
}

static AVX2 void matmul_q4_k(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act, size_t act_stride,
                             int n, float *out, size_t ldo, int r0, int r1) {
    const int nk = cols / 256;
    const __m256i low4 = _mm256_set1_epi8(0x0f);
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (int t = 0; t < n; t++) {
            const uint8_t *tok = act + (size_t)t * act_stride;
            const float *ad = (const float *)(tok + qk_act_d_offset(cols));
            const int16_t *bsums = (const int16_t *)(tok + qk_act_s_offset(QK_ACT_Q8_K, cols));
            __m256 acc = _mm256_setzero_ps();
            float mins = 0.0f;
            for (int k = 0; k < nk; k++) {
                const uint8_t *blk = row + (size_t)k * 144;
                const int8_t *a = (const int8_t *)tok + k * 256;
                uint16_t dh, mh;
                memcpy(&dh, blk, 2);
                memcpy(&mh, blk + 2, 2);
                __m256i isum = _mm256_setzero_si256();
                int imin = 0;
                for (int j2 = 0; j2 < 4; j2++) {
                    int sc0, m0, sc1, m1;
                    q4k_scale_min(blk + 4, 2 * j2, &sc0, &m0);
                    q4k_scale_min(blk + 4, 2 * j2 + 1, &sc1, &m1);
                    imin += m0 * (bsums[k * 16 + 4 * j2] + bsums[k * 16 + 4 * j2 + 1])
                          + m1 * (bsums[k * 16 + 4 * j2 + 2] + bsums[k * 16 + 4 * j2 + 3]);
                    __m256i qs = _mm256_loadu_si256((const __m256i *)(blk + 16 + 32 * j2));
                    __m256i lo = _mm256_and_si256(qs, low4), hi = _mm256_and_si256(_mm256_srli_epi16(qs, 4), low4);
                    __m256i plo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)(a + 64 * j2)));
                    __m256i phi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a + 64 * j2 + 32)));
                    isum = _mm256_add_epi32(isum, _mm256_madd_epi16(plo, _mm256_set1_epi16((short)sc0)));
                    isum = _mm256_add_epi32(isum, _mm256_madd_epi16(phi, _mm256_set1_epi16((short)sc1)));
                }
                acc = _mm256_fmadd_ps(_mm256_set1_ps(qk_fp16_to_fp32(dh) * ad[k]), _mm256_cvtepi32_ps(isum), acc);
                mins += qk_fp16_to_fp32(mh) * ad[k] * (float)imin;
            }
            out[(size_t)t * ldo + (r - r0)] = hsum8(acc) - mins;
        }
    }
}

static AVX2 void matmul_q6_k(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act, size_t act_stride,
                             int n, float *out, size_t ldo, int r0, int r1) {
    const int nk = cols / 256;
    const __m256i low4 = _mm256_set1_epi8(0x0f), two = _mm256_set1_epi8(3);
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (int t = 0; t < n; t++) {
            const uint8_t *tok = act + (size_t)t * act_stride;
            const float *ad = (const float *)(tok + qk_act_d_offset(cols));
            const int16_t *bsums = (const int16_t *)(tok + qk_act_s_offset(QK_ACT_Q8_K, cols));
            __m256 acc = _mm256_setzero_ps();
            for (int k = 0; k < nk; k++) {
                const uint8_t *blk = row + (size_t)k * 210;
                const int8_t *sc = (const int8_t *)(blk + 192);
                const int8_t *a = (const int8_t *)tok + k * 256;
                uint16_t dh;
                memcpy(&dh, blk + 208, 2);
                /* stored values are q + 32 in [0, 63]: take 32 * scale * (sum of the group's quants) back exactly */
                int corr = 0;
                for (int g = 0; g < 16; g++) corr += sc[g] * bsums[k * 16 + g];
                __m256i isum = _mm256_setr_epi32(-32 * corr, 0, 0, 0, 0, 0, 0, 0);
                for (int h = 0; h < 2; h++) {
                    const uint8_t *ql = blk + 64 * h, *qh = blk + 128 + 32 * h;
                    __m256i l0 = _mm256_loadu_si256((const __m256i *)ql), l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
                    __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
                    __m256i q[4];
                    q[0] = _mm256_or_si256(_mm256_and_si256(l0, low4), _mm256_slli_epi16(_mm256_and_si256(hb, two), 4));
                    q[1] = _mm256_or_si256(_mm256_and_si256(l1, low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), two), 4));
                    q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), two), 4));
                    q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), two), 4));
                    for (int part = 0; part < 4; part++) {
                        int g = 8 * h + 2 * part; /* 32 values = groups g and g + 1 of 16 */
                        __m256i p = _mm256_maddubs_epi16(q[part], _mm256_loadu_si256((const __m256i *)(a + 128 * h + 32 * part)));
                        __m256i scales = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_set1_epi16(sc[g])), _mm_set1_epi16(sc[g + 1]), 1);
                        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, scales));
                    }
                }
                acc = _mm256_fmadd_ps(_mm256_set1_ps(qk_fp16_to_fp32(dh) * ad[k]), _mm256_cvtepi32_ps(isum), acc);
            }
            out[(size_t)t * ldo + (r - r0)] = hsum8(acc);
        }
    }
}

void qk_matmul_ops_avx2(qk_matmul_ops *ops) {
    ops->quantize[QK_ACT_F16] = quantize_f16;
    ops->quantize[QK_ACT_Q8_0] = quantize_q8_0;
    ops->quantize[QK_ACT_Q8_1] = quantize_q8_1;
    ops->quantize[QK_ACT_Q8_K] = quantize_q8_k;
    ops->matmul[QK_F32] = matmul_f32;
    ops->matmul[QK_F16] = matmul_f16;
    ops->matmul[QK_BF16] = matmul_bf16;
    ops->matmul[QK_Q4_0] = matmul_q4_0;
    ops->matmul[QK_Q4_1] = matmul_q4_1;
    ops->matmul[QK_Q8_0] = matmul_q8_0;
    ops->matmul[QK_Q5_0] = matmul_q5_0;
    ops->matmul[QK_Q4_K] = matmul_q4_k;
    ops->matmul[QK_Q6_K] = matmul_q6_k;
    ops->name = "avx2";
}
