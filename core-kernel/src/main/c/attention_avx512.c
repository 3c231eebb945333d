/* attention_avx512.c: the attention core and Quest scoring with 16-lane AVX-512 vectors (see attention_simd.inc). */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "questkernel.h"

#define QK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))
#define SFX(name) name##_avx512
typedef __m512 vf;
#define VW 16
#define V_ZERO() _mm512_setzero_ps()
#define V_SET1(x) _mm512_set1_ps(x)
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps(p, v)
#define V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define V_MUL(a, b) _mm512_mul_ps(a, b)
#define V_ADD(a, b) _mm512_add_ps(a, b)
#define V_SUB(a, b) _mm512_sub_ps(a, b)
#define V_MAX(a, b) _mm512_max_ps(a, b)
#define V_LOADH(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (p)))
#define V_MIN(a, b) _mm512_min_ps(a, b)
#define V_FNMA(a, b, c) _mm512_fnmadd_ps(a, b, c)
#define V_ROUND(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_POW2I(k) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(k), _mm512_set1_epi32(127)), 23))
#define V_KEEP_GE(v, x, lo) _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, lo, _CMP_GE_OQ), v)
#define V_RADD(v) _mm512_reduce_add_ps(v)
#define V_RMAX(v) _mm512_reduce_max_ps(v)

/* The first three levels of vsum_lanes' tree over v[0..7] (they never mix tokens 0-7 with 8-15): lane groups
 * [t0-3 blocks 0+1, t0-3 blocks 2+3, t4-7 blocks 0+1, t4-7 blocks 2+3]. */
static QK_TARGET inline __attribute__((always_inline)) __m512 vsum_half8(const __m512 *v) {
    __m512 x[4], y[2];
    for (int i = 0; i < 4; i++)
        x[i] = _mm512_add_ps(_mm512_unpacklo_ps(v[2 * i], v[2 * i + 1]), _mm512_unpackhi_ps(v[2 * i], v[2 * i + 1]));
    for (int i = 0; i < 2; i++) {
        __m512d a = _mm512_castps_pd(x[2 * i]), b = _mm512_castps_pd(x[2 * i + 1]);
        y[i] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(a, b)), _mm512_castpd_ps(_mm512_unpackhi_pd(a, b)));
    }
    return _mm512_add_ps(_mm512_shuffle_f32x4(y[0], y[1], _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(y[0], y[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

/* The last level of vsum_lanes: the halves of tokens 0-7 and 8-15 (vsum_half8) into lane i = token i. */
static QK_TARGET inline __attribute__((always_inline)) __m512 vsum_join(__m512 lo, __m512 hi) {
    return _mm512_add_ps(_mm512_shuffle_f32x4(lo, hi, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(lo, hi, _MM_SHUFFLE(3, 1, 3, 1)));
}

/* v[0..15] -> one vector whose lane i is the sum of v[i]'s 16 lanes (unpack/shuffle-and-add tree). */
static QK_TARGET inline __attribute__((always_inline)) __m512 vsum_lanes(const __m512 *v) {
    return vsum_join(vsum_half8(v), vsum_half8(v + 8));
}

/* dst row i (stride ds) = column i of the 16 x 16 block src (stride ss). */
static QK_TARGET inline void transpose_avx512(const float *src, size_t ss, float *dst, size_t ds) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + (size_t) i * ss);
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        __m512d c = _mm512_castps_pd(t[4 * i + 2]), e = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, e));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, e));
    }
    for (int h = 0; h < 2; h++) {
        for (int i = 0; i < 4; i++) {
            t[8 * h + i] = _mm512_shuffle_f32x4(r[8 * h + i], r[8 * h + i + 4], 0x88);
            t[8 * h + i + 4] = _mm512_shuffle_f32x4(r[8 * h + i], r[8 * h + i + 4], 0xdd);
        }
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + (size_t) i * ds, r[i]);
}
#define V_TRANSPOSE(src, ss, dst, ds) transpose_avx512(src, ss, dst, ds)
#define V_SUM_HALF8(v) vsum_half8(v)
#define V_SUM_JOIN(lo, hi) vsum_join(lo, hi)

/* s where tok < lim (per lane), else -inf: the causal mask of prefill. */
static QK_TARGET inline __m512 keep_below_avx512(__m512 s, const int32_t *lim, int tok) {
    __mmask16 k = _mm512_cmpgt_epi32_mask(_mm512_loadu_si512(lim), _mm512_set1_epi32(tok));
    return _mm512_mask_mov_ps(_mm512_set1_ps(-INFINITY), k, s);
}

/* Causal prefill tiles: scores of 2 row vectors x 8 tokens, P.V of 2 row vectors x 8 channels (16 accumulators
 * of the 32 registers). */
#define SCORE_TT 8
#define PV_CW 8

#include "attention_simd.inc"

/* ---- top-k page selection (qk_attn_select) ---- */

#define QK_SELECT_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,popcnt")))

/* Lanes below n - i. */
static QK_SELECT_TARGET inline __mmask16 select_tail(int n, int i) {
    return n - i >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (n - i)) - 1);
}

/*
 * Writes the lanes of v that hit selects, in order, to dst; returns how many. A compress in registers and a masked
 * store of that many lanes, not a compress store: on Zen 4 the memory form is microcoded (measured: the selection
 * took about 6 us per call of 875 scores there against 1.6 to 1.9 on the Xeon it was written on).
 */
static QK_SELECT_TARGET inline int select_store(void *dst, __mmask16 hit, __m512i v) {
    int c = __builtin_popcount(hit);
    _mm512_mask_storeu_epi32(dst, (__mmask16) ((1u << c) - 1), _mm512_maskz_compress_epi32(hit, v));
    return c;
}

/* qk_attn_select's key of 16 scores: NaN as -inf, -0 as +0, then the float order as unsigned order. */
static QK_SELECT_TARGET inline __m512i select_keys16(__m512 s) {
    s = _mm512_mask_mov_ps(s, _mm512_cmp_ps_mask(s, s, _CMP_UNORD_Q), _mm512_set1_ps(-INFINITY));
    __m512i b = _mm512_castps_si512(_mm512_add_ps(s, _mm512_setzero_ps()));
    __mmask16 neg = _mm512_movepi32_mask(b);
    return _mm512_mask_xor_epi32(_mm512_or_si512(b, _mm512_set1_epi32((int) 0x80000000u)), neg, b,
                                 _mm512_set1_epi32(-1));
}

/*
 * The generic qk_attn_select's radix walk, measured at 7.6% of a shared batch-8 step (Xeon, SmolLM2, 672 selections
 * of 127 among 875 pages per step) with its scalar loops: keys 16 at a time, each byte's histogram counted into 4
 * interleaved tables (scores share their top bytes, so one table's increments waited on each other through memory),
 * the candidates and the chosen pages compressed in registers (select_store). Same k-th key, same pages, same order.
 */
QK_SELECT_TARGET int qk_attn_select_avx512(const float *scores, int n, int k, int32_t *out, uint32_t *key) {
    uint32_t *cand = key + n;
    uint32_t hist[4][256];
    for (int i = 0; i < n; i += 16) {
        __mmask16 t = select_tail(n, i);
        _mm512_mask_storeu_epi32(key + i, t, select_keys16(_mm512_maskz_loadu_ps(t, scores + i)));
    }
    const uint32_t *src = key;
    int m = n, need = k;
    uint32_t kth = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        memset(hist, 0, sizeof hist);
        __m512i vtop = _mm512_setzero_si512();
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            hist[0][(src[i] >> shift) & 0xff]++;
            hist[1][(src[i + 1] >> shift) & 0xff]++;
            hist[2][(src[i + 2] >> shift) & 0xff]++;
            hist[3][(src[i + 3] >> shift) & 0xff]++;
        }
        for (; i < m; i++) hist[0][(src[i] >> shift) & 0xff]++;
        for (i = 0; i < m; i += 16) vtop = _mm512_max_epu32(vtop, _mm512_maskz_loadu_epi32(select_tail(m, i), src + i));
        uint32_t b = (_mm512_reduce_max_epu32(vtop) >> shift) & 0xff;
        for (;;) {
            uint32_t c = hist[0][b] + hist[1][b] + hist[2][b] + hist[3][b];
            if (c >= (uint32_t) need) break;
            need -= (int) c;
            b--;
        }
        kth |= b << shift;
        /* the candidates of byte b (in place after the first pass: a block is loaded before its lanes are written) */
        const __m512i vb = _mm512_set1_epi32((int) b), ff = _mm512_set1_epi32(0xff);
        int w = 0;
        for (i = 0; i < m; i += 16) {
            __mmask16 t = select_tail(m, i);
            __m512i v = _mm512_maskz_loadu_epi32(t, src + i);
            __mmask16 hit = _mm512_mask_cmpeq_epi32_mask(t, _mm512_and_si512(_mm512_srli_epi32(v, shift), ff), vb);
            w += select_store(cand + w, hit, v);
        }
        src = cand;
        m = w;
    }
    /* larger keys than the k-th, then the lowest-indexed `need` keys equal to it */
    const __m512i vk = _mm512_set1_epi32((int) kth), step = _mm512_set1_epi32(16);
    __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int w = 0;
    for (int i = 0; i < n && w < k; i += 16, idx = _mm512_add_epi32(idx, step)) {
        __mmask16 t = select_tail(n, i);
        __m512i v = _mm512_maskz_loadu_epi32(t, key + i);
        __mmask16 take = _mm512_mask_cmpgt_epu32_mask(t, v, vk);
        unsigned eq = _mm512_mask_cmpeq_epi32_mask(t, v, vk);
        for (; eq != 0 && need > 0; need--) {
            take |= (__mmask16) (eq & -eq);
            eq &= eq - 1;
        }
        w += select_store(out + w, take, idx);
    }
    return k;
}
