/*
 * attention.c: Quest and dense attention over paged binary16 KV storage: the generic (scalar) implementation,
 * run-time dispatch to the AVX2 / AVX-512 cores, page selection, state merging, and the JNI entry points of
 * dev.questspark.quest.NativeAttentionKernel, which re-validate every buffer, offset and page index they get.
 */
#include <jni.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "questkernel.h"

/* ---- ISA level: the CPU's best, or lower when a test asks (qk_attn_set_isa) ---- */

static int attn_level = -1;

static int attn_isa(void) { return qk_isa_forced_or_best(&attn_level); }

void qk_attn_set_isa(int isa) { __atomic_store_n(&attn_level, qk_isa_clamp(isa), __ATOMIC_RELEASE); }

/* ---- binary16 rows ---- */

static void row_to_f16(const float *src, uint16_t *dst, int n) {
    if (attn_isa() >= QK_ISA_AVX2) {
        qk_f32_to_f16_row_f16c(src, dst, n);
    } else {
        for (int i = 0; i < n; i++) dst[i] = qk_fp32_to_fp16(src[i]);
    }
}

/* ---- page bounds ---- */

static void mirror_bounds(const float *kmin, const float *kmax, uint16_t *bounds, int d, int page) {
    row_to_f16(kmin + (size_t) page * d, bounds + (size_t) page * 2 * d, d);
    row_to_f16(kmax + (size_t) page * d, bounds + (size_t) page * 2 * d + d, d);
}

void qk_attn_store(uint16_t *keys, uint16_t *values, float *kmin, float *kmax, uint16_t *bounds, int d, int p,
                   int pos, int n, const float *k, const float *v, size_t stride) {
    int last_page = -1;
    for (int i = 0; i < n; i++) {
        int t = pos + i;
        int page = t / p;
        uint16_t *kd = keys + (size_t) t * d;
        row_to_f16(k + (size_t) i * stride, kd, d);
        row_to_f16(v + (size_t) i * stride, values + (size_t) t * d, d);
        float *lo = kmin + (size_t) page * d;
        float *hi = kmax + (size_t) page * d;
        if (t % p == 0) {
            for (int c = 0; c < d; c++) lo[c] = hi[c] = qk_fp16_to_fp32(kd[c]);
        } else {
            for (int c = 0; c < d; c++) {
                float kf = qk_fp16_to_fp32(kd[c]);
                lo[c] = kf < lo[c] ? kf : lo[c];
                hi[c] = kf > hi[c] ? kf : hi[c];
            }
        }
        if (page != last_page && last_page >= 0) mirror_bounds(kmin, kmax, bounds, d, last_page);
        last_page = page;
    }
    if (last_page >= 0) mirror_bounds(kmin, kmax, bounds, d, last_page);
}

void qk_attn_recompute_bounds(const uint16_t *keys, float *kmin, float *kmax, uint16_t *bounds, int d, int p,
                              int page, int tokens) {
    const uint16_t *k0 = keys + (size_t) page * p * d;
    float *lo = kmin + (size_t) page * d;
    float *hi = kmax + (size_t) page * d;
    for (int c = 0; c < d; c++) lo[c] = hi[c] = qk_fp16_to_fp32(k0[c]);
    for (int t = 1; t < tokens; t++) {
        for (int c = 0; c < d; c++) {
            float kf = qk_fp16_to_fp32(k0[(size_t) t * d + c]);
            lo[c] = kf < lo[c] ? kf : lo[c];
            hi[c] = kf > hi[c] ? kf : hi[c];
        }
    }
    mirror_bounds(kmin, kmax, bounds, d, page);
}

/* ---- criticality ---- */

static float reduce_lanes(float *l) {
    for (int w = 8; w >= 1; w /= 2)
        for (int j = 0; j < w; j++) l[j] += l[j + w];
    return l[0];
}

static void score_scalar(const qk_kv *kv, int d, int pages, const float *q, int rows, int group, float *scores) {
    float lanes[16];
    for (int p = 0; p < pages; p++) {
        const uint16_t *lo = qk_kv_bounds(kv, p, d);
        const uint16_t *hi = lo + d;
        float best = 0;
        for (int r = 0; r < rows; r++) {
            memset(lanes, 0, sizeof lanes);
            const float *qr = q + (size_t) r * d;
            for (int c = 0; c < d; c++) {
                float a = qr[c] * qk_fp16_to_fp32(lo[c]);
                float b = qr[c] * qk_fp16_to_fp32(hi[c]);
                lanes[c & 15] += a > b ? a : b;
            }
            float s = reduce_lanes(lanes);
            best = r % group == 0 ? s : (s > best ? s : best);
            if (r % group == group - 1) scores[(size_t) (r / group) * pages + p] = best;
        }
    }
}

size_t qk_attn_score_work_floats(int rows, int d) {
    size_t dp = (size_t) ((d + 15) & ~15);
    /* the per-page tiles: one score per row, then (narrow path) each row's 16 lane vectors of a block of 16 pages;
     * the wide path: a block of 16 pages' bounds, transposed, one row's scores and the rows' channel offsets */
    return rows < QK_SCORE_WIDE_ROWS ? (size_t) rows + 16 + (size_t) rows * 256 : 4 * 16 * dp + 16 + (size_t) rows * d + 16;
}

void qk_attn_score(const qk_kv *kv, int d, int pages, const float *q, int rows, int group, float *scores) {
    int dp = (d + 15) & ~15;
    size_t qf = ((size_t) rows * dp + 15) & ~(size_t) 15;
    float *buf = attn_isa() >= QK_ISA_AVX2 ? aligned_alloc(64, ((qf + qk_attn_score_work_floats(rows, d)) * 4 + 63) & ~(size_t) 63) : NULL;
    if (buf == NULL) {
        /* Scalar ISA, or no memory for the padded copy: the scalar path gives the same bits. */
        score_scalar(kv, d, pages, q, rows, group, scores);
        return;
    }
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < dp; c++) buf[(size_t) r * dp + c] = c < d ? q[(size_t) r * d + c] : -0.0f;
    float *work = buf + qf;
    if (attn_isa() == QK_ISA_AVX512) qk_attn_score_avx512(kv, d, pages, buf, rows, group, scores, work);
    else qk_attn_score_avx2(kv, d, pages, buf, rows, group, scores, work);
    free(buf);
}

static void page_max_logits_scalar(const qk_kv *kv, int d, int p, const int32_t *ids, int count, const float *q,
                                   int rows, float *out) {
    float lanes[16];
    for (int i = 0; i < count; i++) {
        float *o = out + (size_t) i * rows;
        for (int r = 0; r < rows; r++) o[r] = -INFINITY;
        const uint16_t *k = qk_kv_keys(kv, ids[i], p, d);
        for (int t = 0; t < p; t++, k += d) {
            for (int r = 0; r < rows; r++) {
                memset(lanes, 0, sizeof lanes);
                const float *qr = q + (size_t) r * d;
                for (int c = 0; c < d; c++) lanes[c & 15] = fmaf(qr[c], qk_fp16_to_fp32(k[c]), lanes[c & 15]);
                float l = reduce_lanes(lanes);
                o[r] = l > o[r] ? l : o[r];
            }
        }
    }
}

void qk_attn_page_max_logits(const qk_kv *kv, int d, int p, const int32_t *ids, int count, const float *q, int rows,
                             float *out) {
    int dp = (d + 15) & ~15;
    float *buf = attn_isa() >= QK_ISA_AVX2 ? aligned_alloc(64, ((size_t) rows * dp * 4 + 63) & ~(size_t) 63) : NULL;
    if (buf == NULL) {
        /* Scalar ISA, or no memory for the padded copy: the scalar path gives the same bits. */
        page_max_logits_scalar(kv, d, p, ids, count, q, rows, out);
        return;
    }
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < dp; c++) buf[(size_t) r * dp + c] = c < d ? q[(size_t) r * d + c] : -0.0f;
    if (attn_isa() == QK_ISA_AVX512) qk_attn_page_max_logits_avx512(kv, d, p, ids, count, buf, rows, out);
    else qk_attn_page_max_logits_avx2(kv, d, p, ids, count, buf, rows, out);
    free(buf);
}

/* ---- top-k selection (the same pages as dev.questspark.quest.PageSelector) ---- */

/* A score as an unsigned key in the order of its float value: NaN as -inf, -0 and +0 equal. */
static inline uint32_t select_key(float s) {
    if (s != s) s = -INFINITY;
    s += 0.0f;
    uint32_t b;
    memcpy(&b, &s, 4);
    return b & 0x80000000u ? ~b : b | 0x80000000u;
}

/*
 * Radix selection of the k-th largest key, a byte at a time from the top: a histogram of the byte over the candidates
 * still sharing the bytes found so far, walked down from the largest candidate's byte, so no comparison branches on
 * the scores (a quickselect over 875 pages mispredicted about every other comparison). The pages chosen are those
 * with a larger key than the k-th, then the lowest-indexed ones equal to it: the k largest (score, -index) pairs,
 * the set the sorting selection chose.
 */
int qk_attn_select(const float *scores, int n, int k, int32_t *out) {
    if (k <= 0 || n <= 0) return 0;
    if (k >= n) {
        for (int i = 0; i < n; i++) out[i] = i;
        return n;
    }
    uint32_t *key = qk_thread_scratch((size_t) n * 8);
    if (key == NULL) return -1;
    if (attn_isa() == QK_ISA_AVX512) return qk_attn_select_avx512(scores, n, k, out, key);
    uint32_t *cand = key + n; /* keys of the candidates still sharing the bytes found so far */
    uint32_t hist[256];
    for (int i = 0; i < n; i++) key[i] = select_key(scores[i]);
    const uint32_t *src = key;
    int m = n, need = k;
    uint32_t kth = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        memset(hist, 0, sizeof hist);
        uint32_t top = 0;
        for (int i = 0; i < m; i++) {
            uint32_t v = src[i];
            hist[(v >> shift) & 0xff]++;
            top = v > top ? v : top;
        }
        uint32_t b = (top >> shift) & 0xff;
        while (hist[b] < (uint32_t) need) need -= (int) hist[b--];
        kth |= b << shift;
        /* the candidates of byte b: need of them are taken, with all larger keys */
        int w = 0;
        for (int i = 0; i < m; i++) {
            cand[w] = src[i];
            w += ((src[i] >> shift) & 0xff) == b;
        }
        src = cand;
        m = w;
    }
    /* kth is the k-th largest key; need pages equal to it are taken, the lowest-indexed first */
    int w = 0;
    for (int i = 0; i < n && w < k; i++) {
        uint32_t v = key[i];
        int eq = v == kth;
        int take = (v > kth) | (eq & (need > 0));
        need -= eq & take;
        out[w] = i;
        w += take;
    }
    return k;
}

/* ---- attention ---- */

size_t qk_attn_work_floats(int rows, int dp, int p) {
    size_t pp = (size_t) qk_attn_tile_tokens(p);
    /* scores (rows, pp); key, transposed key and value tiles (pp, dp) each; the shared key and value tiles (pp, dp)
     * each */
    return (size_t) rows * pp + 5 * pp * (size_t) dp + 64;
}

/* One page of one job, scalar. */
static void page_scalar(const qk_attn_job *job, int page, int d, int p, float scale, float *s) {
    int dp = (d + 15) & ~15;
    int pp = (p + 15) & ~15;
    int t0 = page * p;
    int nt = job->max_limit - t0 < p ? job->max_limit - t0 : p;
    if (nt <= 0) return;
    const uint16_t *keys = qk_kv_keys(job->kv, page, p, d), *values = qk_kv_values(job->kv, page, p, d);
    for (int r = 0; r < job->rows; r++) {
        float *sr = s + (size_t) r * pp;
        float *m = job->m, *l = job->l;
        const float *q = job->q;
        int lim = job->limits[r] - t0 < nt ? job->limits[r] - t0 : nt;
        for (int t = 0; t < lim; t++) {
            const uint16_t *kt = keys + (size_t) t * d;
            float dot = 0;
            for (int c = 0; c < d; c++) dot += q[(size_t) r * dp + c] * qk_fp16_to_fp32(kt[c]);
            sr[t] = dot * scale;
        }
        if (lim <= 0) continue;
        float pm = -INFINITY;
        for (int t = 0; t < lim; t++) pm = sr[t] > pm ? sr[t] : pm;
        float *ar = job->acc + (size_t) r * dp;
        if (pm > m[r]) {
            float corr = expf(m[r] - pm);
            l[r] *= corr;
            for (int c = 0; c < d; c++) ar[c] *= corr;
            m[r] = pm;
        }
        for (int t = 0; t < lim; t++) {
            float w = expf(sr[t] - m[r]);
            l[r] += w;
            const uint16_t *vt = values + (size_t) t * d;
            for (int c = 0; c < d; c++) ar[c] += w * qk_fp16_to_fp32(vt[c]);
        }
    }
}

/* The generic core: pages in ascending order across the jobs, as the SIMD cores visit them. */
void qk_attn_core_scalar(const qk_attn_job *jobs, int n, int d, int p, float scale, float *work) {
    int pos[QK_ATTN_MAX_SEQS];
    for (int j = 0; j < n; j++) pos[j] = 0;
    for (;;) {
        int best = -1, bestPage = 0;
        for (int j = 0; j < n; j++) {
            if (pos[j] >= jobs[j].count) continue;
            int page = jobs[j].ids != NULL ? jobs[j].ids[pos[j]] : jobs[j].first + pos[j];
            if (best < 0 || page < bestPage) best = j, bestPage = page;
        }
        if (best < 0) break;
        if (bestPage >= jobs[best].kv->split) {
            /* its own pages from here on: all of them now (see own_runs in attention_simd.inc) */
            for (; pos[best] < jobs[best].count; pos[best]++) {
                int page = jobs[best].ids != NULL ? jobs[best].ids[pos[best]] : jobs[best].first + pos[best];
                page_scalar(&jobs[best], page, d, p, scale, work);
            }
            continue;
        }
        page_scalar(&jobs[best], bestPage, d, p, scale, work);
        pos[best]++;
    }
}

static void attn_core(const qk_attn_job *jobs, int n, int d, int p, float scale, float *work) {
    switch (attn_isa()) {
        case QK_ISA_AVX512: qk_attn_core_avx512(jobs, n, d, p, scale, work); break;
        case QK_ISA_AVX2: qk_attn_core_avx2(jobs, n, d, p, scale, work); break;
        default: qk_attn_core_scalar(jobs, n, d, p, scale, work); break;
    }
}

/* Scratch of one attention call: padded queries, limits, state and core work space (for work_rows rows at a
 * time), in one allocation. */
typedef struct {
    float *q, *m, *l, *acc, *work;
    int *limits;
    void *block;
} attn_scratch;

static int scratch_alloc(attn_scratch *sc, int rows, int work_rows, int d, int p) {
    int dp = (d + 15) & ~15;
    size_t qf = (size_t) rows * dp, wf = qk_attn_work_floats(work_rows, dp, p);
    size_t floats = 2 * qf + 2 * (size_t) rows + wf + 16 * 5;
    sc->block = aligned_alloc(64, ((floats * 4 + (size_t) rows * sizeof(int)) + 63) & ~(size_t) 63);
    if (sc->block == NULL) return -1;
    float *f = sc->block;
    sc->q = f;
    f += (qf + 15) & ~(size_t) 15;
    sc->acc = f;
    f += (qf + 15) & ~(size_t) 15;
    sc->m = f;
    f += ((size_t) rows + 15) & ~(size_t) 15;
    sc->l = f;
    f += ((size_t) rows + 15) & ~(size_t) 15;
    sc->work = f;
    f += (wf + 15) & ~(size_t) 15;
    sc->limits = (int *) f;
    memset(sc->q, 0, qf * 4);
    memset(sc->acc, 0, qf * 4);
    for (int r = 0; r < rows; r++) { sc->m[r] = -INFINITY; sc->l[r] = 0; }
    return 0;
}

int qk_attn_pages_multi(const qk_attn_seq *seqs, int n, int d, int p, float scale) {
    if (n < 1 || n > QK_ATTN_MAX_SEQS) return -1;
    int dp = (d + 15) & ~15;
    int rows = 0, max_rows = 1;
    for (int i = 0; i < n; i++) {
        rows += seqs[i].rows;
        max_rows = seqs[i].rows > max_rows ? seqs[i].rows : max_rows;
    }
    attn_scratch sc;
    if (scratch_alloc(&sc, rows, max_rows, d, p) != 0) return -1;
    qk_attn_job jobs[QK_ATTN_MAX_SEQS];
    for (int i = 0, r0 = 0; i < n; r0 += seqs[i].rows, i++) {
        const qk_attn_seq *s = &seqs[i];
        for (int r = 0; r < s->rows; r++) {
            memcpy(sc.q + (size_t) (r0 + r) * dp, s->q + (size_t) r * d, (size_t) d * 4);
            sc.limits[r0 + r] = s->tokens;
        }
        jobs[i] = (qk_attn_job) {&s->kv, s->ids, s->first, s->count, s->tokens, s->rows, sc.limits + r0,
                                 sc.q + (size_t) r0 * dp, sc.m + r0, sc.l + r0, sc.acc + (size_t) r0 * dp};
    }
    attn_core(jobs, n, d, p, scale, sc.work);
    for (int i = 0, r0 = 0; i < n; r0 += seqs[i].rows, i++) {
        const qk_attn_seq *s = &seqs[i];
        memcpy(s->state, sc.m + r0, (size_t) s->rows * 4);
        memcpy(s->state + s->rows, sc.l + r0, (size_t) s->rows * 4);
        for (int r = 0; r < s->rows; r++)
            memcpy(s->state + 2 * s->rows + (size_t) r * d, sc.acc + (size_t) (r0 + r) * dp, (size_t) d * 4);
    }
    free(sc.block);
    return 0;
}

int qk_attn_pages(const qk_kv *kv, int d, int p, float scale, int tokens, const int32_t *ids, int first, int count,
                  const float *q, int rows, float *state) {
    qk_attn_seq seq = {*kv, ids, first, count, tokens, rows, q, state};
    return qk_attn_pages_multi(&seq, 1, d, p, scale);
}

void qk_attn_merge(const float *states, int segments, int rows, int d, float *out) {
    size_t size = (size_t) rows * (d + 2);
    for (int r = 0; r < rows; r++) {
        float m = -INFINITY;
        for (int s = 0; s < segments; s++) m = fmaxf(m, states[s * size + r]);
        float *o = out + (size_t) r * d;
        memset(o, 0, (size_t) d * 4);
        if (m == -INFINITY) continue;
        float l = 0;
        for (int s = 0; s < segments; s++) {
            const float *base = states + s * size;
            if (base[r] == -INFINITY) continue;
            float w = expf(base[r] - m);
            l += w * base[rows + r];
            const float *a = base + 2 * rows + (size_t) r * d;
            for (int c = 0; c < d; c++) o[c] += w * a[c];
        }
        float inv = 1.0f / l;
        for (int c = 0; c < d; c++) o[c] *= inv;
    }
}

size_t qk_attn_causal_work_floats(int rp, int d, int p) {
    size_t dp = (size_t) ((d + 15) & ~15), pt = (size_t) ((p + 7) & ~7);
    return pt * dp + (size_t) p * dp + pt * (size_t) rp;
}

/* The SIMD prefill: every query row of the call (token t, head j is row t * rows + j) in vector lanes, each key and
 * value page converted to f32 once for all of them. Padding rows have zero queries and the last row's limit. */
static int causal_lanes(const qk_kv *kv, int d, int p, float scale, const float *q, size_t q_stride, int tokens, int rows,
                        int first_pos, float *out, size_t out_stride) {
    int all = tokens * rows;
    int rp = (all + 15) & ~15;
    size_t qf = (size_t) d * rp;
    size_t floats = 2 * qf + 3 * (size_t) rp + qk_attn_causal_work_floats(rp, d, p);
    float *block = aligned_alloc(64, (floats * 4 + 63) & ~(size_t) 63);
    if (block == NULL) return -1;
    float *qt = block, *acct = qt + qf, *m = acct + qf, *l = m + rp, *work = l + rp + rp;
    int32_t *limits = (int32_t *) (l + rp);
    memset(block, 0, 2 * qf * 4);
    for (int r = 0; r < rp; r++) {
        int t = r < all ? r / rows : tokens - 1;
        limits[r] = first_pos + t + 1;
        m[r] = -INFINITY;
        l[r] = 0;
    }
    for (int r = 0; r < all; r++) {
        const float *qr = q + (size_t) (r / rows) * q_stride + (size_t) (r % rows) * d;
        for (int c = 0; c < d; c++) qt[(size_t) c * rp + r] = qr[c] * scale;
    }
    int max_limit = first_pos + tokens;
    if (attn_isa() == QK_ISA_AVX512) qk_attn_causal_core_avx512(kv, d, p, qt, limits, rp, max_limit, m, l, acct, work);
    else qk_attn_causal_core_avx2(kv, d, p, qt, limits, rp, max_limit, m, l, acct, work);
    for (int r = 0; r < all; r++) {
        float inv = 1.0f / l[r];
        float *o = out + (size_t) (r / rows) * out_stride + (size_t) (r % rows) * d;
        for (int c = 0; c < d; c++) o[c] = acct[(size_t) c * rp + r] * inv;
    }
    free(block);
    return 0;
}

int qk_attn_causal(const qk_kv *kv, int d, int p, float scale, const float *q, size_t q_stride, int tokens, int rows,
                   int first_pos, float *out, size_t out_stride) {
    if (attn_isa() >= QK_ISA_AVX2) return causal_lanes(kv, d, p, scale, q, q_stride, tokens, rows, first_pos, out, out_stride);
    int dp = (d + 15) & ~15;
    int all = tokens * rows;
    attn_scratch sc;
    if (scratch_alloc(&sc, all, all, d, p) != 0) return -1;
    for (int t = 0; t < tokens; t++) {
        for (int j = 0; j < rows; j++) {
            memcpy(sc.q + (size_t) (t * rows + j) * dp, q + t * q_stride + (size_t) j * d, (size_t) d * 4);
            sc.limits[t * rows + j] = first_pos + t + 1;
        }
    }
    int max_limit = first_pos + tokens;
    qk_attn_job job = {kv, NULL, 0, (max_limit + p - 1) / p, max_limit, all, sc.limits, sc.q, sc.m, sc.l, sc.acc};
    attn_core(&job, 1, d, p, scale, sc.work);
    for (int t = 0; t < tokens; t++) {
        for (int j = 0; j < rows; j++) {
            int r = t * rows + j;
            float inv = 1.0f / sc.l[r];
            float *o = out + t * out_stride + (size_t) j * d;
            for (int c = 0; c < d; c++) o[c] = sc.acc[(size_t) r * dp + c] * inv;
        }
    }
    free(sc.block);
    return 0;
}

float qk_sum_floats(const float *x, size_t n) {
    switch (attn_isa()) {
        case QK_ISA_AVX512: return qk_sum_floats_avx512(x, n);
        case QK_ISA_AVX2: return qk_sum_floats_avx2(x, n);
        default: {
            float s[8] = {0};
            size_t i = 0;
            for (; i + 8 <= n; i += 8)
                for (int j = 0; j < 8; j++) s[j] += x[i + j];
            for (; i < n; i++) s[0] += x[i];
            return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
        }
    }
}
