/* attention_avx2.c: the attention core and Quest scoring with 8-lane AVX2+FMA vectors (see attention_simd.inc),
 * and the F16C row conversion the store path uses on both SIMD ISAs. */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "questkernel.h"

#define QK_TARGET __attribute__((target("avx2,fma,f16c")))
#define SFX(name) name##_avx2
typedef __m256 vf;
#define VW 8
#define V_ZERO() _mm256_setzero_ps()
#define V_SET1(x) _mm256_set1_ps(x)
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps(p, v)
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_MUL(a, b) _mm256_mul_ps(a, b)
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_SUB(a, b) _mm256_sub_ps(a, b)
#define V_MAX(a, b) _mm256_max_ps(a, b)
#define V_LOADH(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (p)))
#define V_MIN(a, b) _mm256_min_ps(a, b)
#define V_FNMA(a, b, c) _mm256_fnmadd_ps(a, b, c)
#define V_ROUND(x) _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_POW2I(k) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23))
#define V_KEEP_GE(v, x, lo) _mm256_and_ps(v, _mm256_cmp_ps(x, lo, _CMP_GE_OQ))

static QK_TARGET inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static QK_TARGET inline float hmax8(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#define V_RADD(v) hsum8(v)
#define V_RMAX(v) hmax8(v)

/* v[0..7] -> one vector whose lane i is the sum of v[i]'s 8 lanes. */
static QK_TARGET inline __attribute__((always_inline)) __m256 vsum_lanes(const __m256 *v) {
    __m256 a = _mm256_hadd_ps(v[0], v[1]), b = _mm256_hadd_ps(v[2], v[3]);
    __m256 c = _mm256_hadd_ps(v[4], v[5]), d = _mm256_hadd_ps(v[6], v[7]);
    __m256 ab = _mm256_hadd_ps(a, b), cd = _mm256_hadd_ps(c, d);
    return _mm256_add_ps(_mm256_permute2f128_ps(ab, cd, 0x20), _mm256_permute2f128_ps(ab, cd, 0x31));
}

/* s where tok < lim (per lane), else -inf: the causal mask of prefill. */
static QK_TARGET inline __m256 keep_below_avx2(__m256 s, const int32_t *lim, int tok) {
    __m256i keep = _mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *) lim), _mm256_set1_epi32(tok));
    return _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), s, _mm256_castsi256_ps(keep));
}

/* Causal prefill tiles: scores of 2 row vectors x 4 tokens, P.V of 2 row vectors x 4 channels (8 accumulators of
 * the 16 registers, leaving room for the loaded rows and broadcasts). */
#define SCORE_TT 4
#define PV_CW 4

#include "attention_simd.inc"

QK_TARGET void qk_f32_to_f16_row_f16c(const float *src, uint16_t *dst, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128((__m128i *) (dst + i), h);
    }
    for (; i < n; i++) dst[i] = qk_fp32_to_fp16(src[i]);
}
