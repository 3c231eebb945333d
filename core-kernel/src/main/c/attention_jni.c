/*
 * attention_jni.c: JNI entry points of dev.questspark.quest.NativeAttentionKernel. Each one checks every length,
 * offset and page index against the capacities of the direct buffers and the lengths of the arrays it was given
 * before any memory is touched, and throws (IllegalArgumentException / IndexOutOfBoundsException / OutOfMemoryError)
 * instead of reading or writing outside them. Small arrays (queries, states, outputs) are copied in and out with
 * Get/Set<Type>ArrayRegion, so no GC-blocking critical sections are held while attention runs.
 */
#include <jni.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "questkernel.h"

#define IAE "java/lang/IllegalArgumentException"
#define IOOBE "java/lang/IndexOutOfBoundsException"
#define OOME "java/lang/OutOfMemoryError"

static void throwf(JNIEnv *env, const char *cls, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jclass c = (*env)->FindClass(env, cls);
    if (c != NULL) (*env)->ThrowNew(env, c, msg);
}

/* The address of a direct buffer holding at least `need` bytes, or NULL with an exception thrown. */
static void *direct(JNIEnv *env, jobject buf, const char *what, long long need) {
    if (buf == NULL) {
        throwf(env, IAE, "%s buffer is null", what);
        return NULL;
    }
    void *addr = (*env)->GetDirectBufferAddress(env, buf);
    jlong cap = (*env)->GetDirectBufferCapacity(env, buf);
    if (addr == NULL || cap < 0) {
        throwf(env, IAE, "%s must be a direct buffer", what);
        return NULL;
    }
    if (((uintptr_t) addr & 1) != 0) {
        throwf(env, IAE, "%s is not 2-byte aligned", what);
        return NULL;
    }
    if (need < 0 || need > cap) {
        throwf(env, IOOBE, "%s needs %lld bytes but holds %lld", what, need, (long long) cap);
        return NULL;
    }
    return addr;
}

/* True when [off, off + len) lies inside an array of `length` elements; otherwise throws. */
static int in_array(JNIEnv *env, jarray a, const char *what, long long off, long long len) {
    if (a == NULL) {
        throwf(env, IAE, "%s array is null", what);
        return 0;
    }
    jsize n = (*env)->GetArrayLength(env, a);
    if (off < 0 || len < 0 || off + len > n) {
        throwf(env, IOOBE, "%s range [%lld, %lld) is outside its %d elements", what, off, off + len, (int) n);
        return 0;
    }
    return 1;
}

static int check_shape(JNIEnv *env, int d, int p) {
    if (d < 1 || d > QK_ATTN_MAX_HEAD_DIM || p < 1 || p > QK_ATTN_MAX_PAGE) {
        throwf(env, IAE, "head dim %d must be in [1, %d] and page size %d in [1, %d]", d, QK_ATTN_MAX_HEAD_DIM, p,
               QK_ATTN_MAX_PAGE);
        return 0;
    }
    return 1;
}

static float *copy_floats(JNIEnv *env, jfloatArray a, long long off, long long len) {
    float *buf = malloc((size_t) (len > 0 ? len : 1) * sizeof(float));
    if (buf == NULL) {
        throwf(env, OOME, "native attention: no memory for %lld floats", len);
        return NULL;
    }
    (*env)->GetFloatArrayRegion(env, a, (jsize) off, (jsize) len, buf);
    return buf;
}

JNIEXPORT jint JNICALL Java_dev_questspark_quest_NativeAttentionKernel_abiVersion(JNIEnv *env, jclass cls) {
    return QK_ATTN_ABI_VERSION;
}

JNIEXPORT void JNICALL Java_dev_questspark_quest_NativeAttentionKernel_store(
        JNIEnv *env, jclass cls, jobject keys, jobject values, jobject kmin, jobject kmax, jobject bounds, jint d, jint p,
        jint pos, jint n, jfloatArray k, jfloatArray v, jint off, jint stride) {
    if (!check_shape(env, d, p)) return;
    if (pos < 0 || n < 0 || stride < 0) {
        throwf(env, IAE, "store needs pos, n, stride >= 0, got %d, %d, %d", pos, n, stride);
        return;
    }
    if (n == 0) return;
    long long end = (long long) pos + n;
    long long pages = (end + p - 1) / p;
    uint16_t *kd = direct(env, keys, "keys", end * d * 2);
    uint16_t *vd = kd ? direct(env, values, "values", end * d * 2) : NULL;
    float *lo = vd ? direct(env, kmin, "keyMin", pages * d * 4) : NULL;
    float *hi = lo ? direct(env, kmax, "keyMax", pages * d * 4) : NULL;
    uint16_t *bd = hi ? direct(env, bounds, "bounds", pages * 2 * d * 2) : NULL;
    if (bd == NULL) return;
    long long span = (long long) (n - 1) * stride + d;
    if (!in_array(env, k, "k", off, span) || !in_array(env, v, "v", off, span)) return;
    float *kb = copy_floats(env, k, off, span);
    float *vb = kb ? copy_floats(env, v, off, span) : NULL;
    if (vb != NULL) qk_attn_store(kd, vd, lo, hi, bd, d, p, pos, n, kb, vb, (size_t) stride);
    free(kb);
    free(vb);
}

JNIEXPORT void JNICALL Java_dev_questspark_quest_NativeAttentionKernel_recomputeBounds(
        JNIEnv *env, jclass cls, jobject keys, jobject kmin, jobject kmax, jobject bounds, jint d, jint p, jint page,
        jint tokens) {
    if (!check_shape(env, d, p)) return;
    if (page < 0 || tokens < 1 || tokens > p) {
        throwf(env, IAE, "recomputeBounds needs page >= 0 and 1 <= tokens <= %d, got page %d tokens %d", p, page, tokens);
        return;
    }
    long long pages = (long long) page + 1;
    uint16_t *kd = direct(env, keys, "keys", ((long long) page * p + tokens) * d * 2);
    float *lo = kd ? direct(env, kmin, "keyMin", pages * d * 4) : NULL;
    float *hi = lo ? direct(env, kmax, "keyMax", pages * d * 4) : NULL;
    uint16_t *bd = hi ? direct(env, bounds, "bounds", pages * 2 * d * 2) : NULL;
    if (bd != NULL) qk_attn_recompute_bounds(kd, lo, hi, bd, d, p, page, tokens);
}

JNIEXPORT void JNICALL Java_dev_questspark_quest_NativeAttentionKernel_score(
        JNIEnv *env, jclass cls, jobject bounds, jint d, jint pages, jfloatArray q, jint qOff, jint rows,
        jboolean maxOverRows, jfloatArray scores, jint off) {
    if (!check_shape(env, d, 1)) return;
    if (pages < 0 || rows < 1) {
        throwf(env, IAE, "score needs pages >= 0 and rows >= 1, got %d and %d", pages, rows);
        return;
    }
    long long outLen = maxOverRows ? pages : (long long) rows * pages;
    uint16_t *bd = direct(env, bounds, "bounds", (long long) pages * 2 * d * 2);
    if (bd == NULL || !in_array(env, q, "q", qOff, (long long) rows * d) || !in_array(env, scores, "scores", off, outLen)) return;
    if (pages == 0) return;
    float *qb = copy_floats(env, q, qOff, (long long) rows * d);
    float *sb = qb ? malloc((size_t) outLen * sizeof(float)) : NULL;
    if (sb == NULL) {
        if (qb) throwf(env, OOME, "native attention: no memory for %lld scores", outLen);
        free(qb);
        return;
    }
    qk_attn_score(bd, d, pages, qb, rows, maxOverRows, sb);
    (*env)->SetFloatArrayRegion(env, scores, off, (jsize) outLen, sb);
    free(qb);
    free(sb);
}

JNIEXPORT jint JNICALL Java_dev_questspark_quest_NativeAttentionKernel_selectTop(
        JNIEnv *env, jclass cls, jfloatArray scores, jint off, jint n, jint k, jintArray out, jint outOff) {
    if (n < 0) {
        throwf(env, IAE, "select needs n >= 0, got %d", n);
        return 0;
    }
    int want = k < 0 ? 0 : (k < n ? k : n);
    if (!in_array(env, scores, "scores", off, n) || !in_array(env, out, "out", outOff, want)) return 0;
    if (want == 0) return 0;
    float *sb = copy_floats(env, scores, off, n);
    int32_t *ob = sb ? malloc((size_t) want * sizeof(int32_t)) : NULL;
    int got = ob ? qk_attn_select(sb, n, want, ob) : -1;
    if (got < 0) {
        if (sb) throwf(env, OOME, "native attention: no memory to select among %d pages", n);
    } else {
        (*env)->SetIntArrayRegion(env, out, outOff, got, (const jint *) ob);
    }
    free(sb);
    free(ob);
    return got < 0 ? 0 : got;
}

JNIEXPORT void JNICALL Java_dev_questspark_quest_NativeAttentionKernel_attendPages(
        JNIEnv *env, jclass cls, jobject keys, jobject values, jint d, jint p, jfloat scale, jint tokens, jintArray ids,
        jint idsOff, jint first, jint count, jfloatArray q, jint qOff, jint rows, jfloatArray state, jint stateOff) {
    if (!check_shape(env, d, p)) return;
    if (tokens < 1 || count < 0 || rows < 1) {
        throwf(env, IAE, "attendPages needs tokens >= 1, count >= 0, rows >= 1, got %d, %d, %d", tokens, count, rows);
        return;
    }
    long long pagesValid = ((long long) tokens + p - 1) / p;
    uint16_t *kd = direct(env, keys, "keys", (long long) tokens * d * 2);
    uint16_t *vd = kd ? direct(env, values, "values", (long long) tokens * d * 2) : NULL;
    if (vd == NULL || !in_array(env, q, "q", qOff, (long long) rows * d)
        || !in_array(env, state, "state", stateOff, (long long) rows * (d + 2)))
        return;
    int32_t *ib = NULL;
    if (ids != NULL) {
        if (!in_array(env, ids, "pageIds", idsOff, count)) return;
        ib = malloc((size_t) (count > 0 ? count : 1) * sizeof(int32_t));
        if (ib == NULL) {
            throwf(env, OOME, "native attention: no memory for %d page ids", count);
            return;
        }
        (*env)->GetIntArrayRegion(env, ids, idsOff, count, (jint *) ib);
        for (int i = 0; i < count; i++) {
            if (ib[i] < 0 || ib[i] >= pagesValid) {
                throwf(env, IOOBE, "page id %d at %d is outside the %lld pages holding %d tokens", ib[i], i, pagesValid, tokens);
                free(ib);
                return;
            }
        }
    } else if (first < 0 || (long long) first + count > pagesValid) {
        throwf(env, IOOBE, "pages [%d, %lld) are outside the %lld pages holding %d tokens", first, (long long) first + count,
               pagesValid, tokens);
        return;
    }
    float *qb = copy_floats(env, q, qOff, (long long) rows * d);
    float *st = qb ? malloc((size_t) rows * (d + 2) * sizeof(float)) : NULL;
    int rc = st ? qk_attn_pages(kd, vd, d, p, scale, tokens, ib, first, count, qb, rows, st) : -1;
    if (rc != 0) {
        throwf(env, OOME, "native attention: no memory for %d rows of head dim %d", rows, d);
    } else {
        (*env)->SetFloatArrayRegion(env, state, stateOff, rows * (d + 2), st);
    }
    free(ib);
    free(qb);
    free(st);
}

JNIEXPORT void JNICALL Java_dev_questspark_quest_NativeAttentionKernel_mergeStates(
        JNIEnv *env, jclass cls, jfloatArray states, jint off, jint segments, jint rows, jint d, jfloatArray out,
        jint outOff) {
    if (!check_shape(env, d, 1)) return;
    if (segments < 1 || rows < 1) {
        throwf(env, IAE, "merge needs segments >= 1 and rows >= 1, got %d and %d", segments, rows);
        return;
    }
    long long len = (long long) segments * rows * (d + 2);
    if (!in_array(env, states, "states", off, len) || !in_array(env, out, "out", outOff, (long long) rows * d)) return;
    float *sb = copy_floats(env, states, off, len);
    float *ob = sb ? malloc((size_t) rows * d * sizeof(float)) : NULL;
    if (ob == NULL) {
        if (sb) throwf(env, OOME, "native attention: no memory to merge %d rows", rows);
    } else {
        qk_attn_merge(sb, segments, rows, d, ob);
        (*env)->SetFloatArrayRegion(env, out, outOff, rows * d, ob);
    }
    free(sb);
    free(ob);
}

JNIEXPORT void JNICALL Java_dev_questspark_quest_NativeAttentionKernel_attendCausal(
        JNIEnv *env, jclass cls, jobject keys, jobject values, jint d, jint p, jfloat scale, jfloatArray q, jint qOff,
        jint qStride, jint tokens, jint rows, jint firstPos, jfloatArray out, jint outOff, jint outStride) {
    if (!check_shape(env, d, p)) return;
    if (tokens < 1 || rows < 1 || firstPos < 0 || qStride < 0 || outStride < 0) {
        throwf(env, IAE, "attendCausal needs tokens, rows >= 1 and firstPos, strides >= 0, got %d, %d, %d, %d, %d", tokens,
               rows, firstPos, qStride, outStride);
        return;
    }
    long long limit = (long long) firstPos + tokens;
    uint16_t *kd = direct(env, keys, "keys", limit * d * 2);
    uint16_t *vd = kd ? direct(env, values, "values", limit * d * 2) : NULL;
    long long qSpan = (long long) (tokens - 1) * qStride + (long long) rows * d;
    long long oSpan = (long long) (tokens - 1) * outStride + (long long) rows * d;
    if (vd == NULL || !in_array(env, q, "q", qOff, qSpan) || !in_array(env, out, "out", outOff, oSpan)) return;
    float *qb = copy_floats(env, q, qOff, qSpan);
    /* Outputs are gathered densely and written back row block by row block: the columns between them belong to
     * other KV heads, which other threads are writing at the same time. */
    long long rowLen = (long long) rows * d;
    float *ob = qb ? malloc((size_t) (tokens * rowLen) * sizeof(float)) : NULL;
    if (ob == NULL) {
        if (qb) throwf(env, OOME, "native attention: no memory for %d x %d query rows", tokens, rows);
        free(qb);
        return;
    }
    if (qk_attn_causal(kd, vd, d, p, scale, qb, (size_t) qStride, tokens, rows, firstPos, ob, (size_t) rowLen) != 0) {
        throwf(env, OOME, "native attention: no memory for %d x %d query rows", tokens, rows);
    } else {
        for (int t = 0; t < tokens; t++)
            (*env)->SetFloatArrayRegion(env, out, (jsize) (outOff + (long long) t * outStride), (jsize) rowLen, ob + t * rowLen);
    }
    free(qb);
    free(ob);
}

JNIEXPORT jfloat JNICALL Java_dev_questspark_quest_NativeAttentionKernel_sumFloats(
        JNIEnv *env, jclass cls, jobject floats, jlong from, jlong count) {
    if (from < 0 || count < 0) {
        throwf(env, IAE, "sumFloats needs from, count >= 0, got %lld, %lld", (long long) from, (long long) count);
        return 0;
    }
    float *x = direct(env, floats, "floats", (from + count) * 4);
    return x == NULL ? 0 : qk_sum_floats(x + from, (size_t) count);
}

/* Asks the kernel to back the 2 MiB-aligned interior of a freshly allocated (still all-zero) direct buffer with
 * transparent huge pages: Quest gathers scattered pages, and with 4 KiB pages nearly every one is a TLB miss. The
 * zeroed 4 KiB pages are dropped first (MADV_DONTNEED re-reads as zeros on private anonymous memory), so the next
 * touch faults in huge pages. Returns the bytes advised (0 when the buffer is too small or the advice is refused). */
JNIEXPORT jlong JNICALL Java_dev_questspark_quest_NativeAttentionKernel_adviseHugePagesNative(JNIEnv *env, jclass cls, jobject buf) {
    const uintptr_t huge = (uintptr_t) 2 << 20;
    char *addr = buf ? (*env)->GetDirectBufferAddress(env, buf) : NULL;
    jlong cap = buf ? (*env)->GetDirectBufferCapacity(env, buf) : -1;
    if (addr == NULL || cap <= 0) {
        throwf(env, IAE, "adviseHugePages needs a direct buffer");
        return 0;
    }
    uintptr_t start = ((uintptr_t) addr + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t) addr + (uintptr_t) cap) & ~(huge - 1);
    if (end <= start) return 0;
#ifdef MADV_HUGEPAGE
    if (madvise((void *) start, end - start, MADV_DONTNEED) != 0) return 0;
    if (madvise((void *) start, end - start, MADV_HUGEPAGE) != 0) return 0;
    return (jlong) (end - start);
#else
    return 0;
#endif
}
