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

static AVX2 void quantize_q8_0(const float *x, int n, int cols, uint8_t *dst, size_t stride) {
    int nb = cols / 32;
    for (int t = 0; t < n; t++) {
        uint8_t *tok = dst + (size_t)t * stride;
        float *d = (float *)(tok + qk_act_d_offset(cols));
        int32_t *sums = (int32_t *)(tok + qk_act_s_offset(QK_ACT_Q8_0, cols));
        for (int b = 0; b < nb; b++) {
            int sum;
            d[b] = fp16_round(quantize_block32(x + (size_t)t * cols + b * 32, (int8_t *)tok + b * 32, &sum));
            sums[b] = sum;
        }
    }
}

static AVX2 void quantize_q8_1(const float *x, int n, int cols, uint8_t *dst, size_t stride) {
    int nb = cols / 32;
    for (int t = 0; t < n; t++) {
        uint8_t *tok = dst + (size_t)t * stride;
        float *d = (float *)(tok + qk_act_d_offset(cols));
        float *s = (float *)(tok + qk_act_s_offset(QK_ACT_Q8_1, cols));
        for (int b = 0; b < nb; b++) {
            int sum;
            float db = quantize_block32(x + (size_t)t * cols + b * 32, (int8_t *)tok + b * 32, &sum);
            d[b] = fp16_round(db);
            s[b] = fp16_round(db * (float)sum);
        }
    }
}

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

void qk_matmul_ops_avx2(qk_matmul_ops *ops) {
    ops->quantize[QK_ACT_F16] = quantize_f16;
    ops->quantize[QK_ACT_Q8_0] = quantize_q8_0;
    ops->quantize[QK_ACT_Q8_1] = quantize_q8_1;
    ops->name = "avx2";
}
