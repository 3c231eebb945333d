package dev.questspark.quest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.questspark.kernel.NativeIsa;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The C attention entry points check their own arguments: called directly (past the Java checks, as a lying caller
 * would) with null, heap or too-small buffers, arrays too short for the offsets and counts given, page ids and
 * positions outside the stored tokens, or shapes out of range, each throws IllegalArgumentException or
 * IndexOutOfBoundsException instead of touching memory outside what it was given. The cache here is not a fork, so
 * its own buffers also stand for the shared ones (split 0), as {@link NativeAttentionKernel} passes them.
 */
class NativeAttentionBadInputTest {
    private static final int D = 8;
    private static final int P = 4;
    private static final int PAGES = 4;
    private static final int TOKENS = P * PAGES;
    private static final float SCALE = 0.35f;

    private HeadPages hp;
    private ByteBuffer keys;
    private ByteBuffer values;
    private ByteBuffer keyMin;
    private ByteBuffer keyMax;
    private ByteBuffer bounds;

    @BeforeEach
    void pages() {
        NativeIsa.require(NativeAttentionKernel.unavailableReason());
        hp = HeadPages.allocate(D, P, PAGES);
        keys = hp.keys();
        values = hp.values();
        keyMin = hp.keyMin();
        keyMax = hp.keyMax();
        bounds = hp.bounds();
        float[] kv = new float[TOKENS * D];
        Arrays.fill(kv, 0.5f);
        raw("store", keys, values, keyMin, keyMax, bounds, D, P, 0, TOKENS, kv, kv, 0, D); // a full, valid cache
    }

    @Test
    void store() {
        float[] kv = new float[TOKENS * D];
        rejects("store", null, values, keyMin, keyMax, bounds, D, P, 0, 1, kv, kv, 0, D);
        rejects("store", ByteBuffer.allocate(keys.capacity()), values, keyMin, keyMax, bounds, D, P, 0, 1, kv, kv, 0, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, D, P, TOKENS, 1, kv, kv, 0, D); // past the keys
        rejects("store", keys, values, keyMin, null, bounds, D, P, 0, 1, kv, kv, 0, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, D, P, 0, 2, new float[D], kv, 0, D); // k too short
        rejects("store", keys, values, keyMin, keyMax, bounds, D, P, 0, 1, kv, null, 0, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, D, P, 0, 1, kv, kv, kv.length, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, D, P, -1, 1, kv, kv, 0, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, D, P, 0, 1, kv, kv, 0, -D);
        rejects("store", keys, values, keyMin, keyMax, bounds, 0, P, 0, 1, kv, kv, 0, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, 2048, P, 0, 1, kv, kv, 0, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, D, 0, 0, 1, kv, kv, 0, D);
        rejects("store", keys, values, keyMin, keyMax, bounds, D, P, Integer.MAX_VALUE, Integer.MAX_VALUE, kv, kv, 0, D);
    }

    @Test
    void recomputeBounds() {
        rejects("recomputeBounds", keys, keyMin, keyMax, bounds, D, P, PAGES, 1);
        rejects("recomputeBounds", keys, keyMin, keyMax, bounds, D, P, 0, P + 1);
        rejects("recomputeBounds", keys, keyMin, keyMax, bounds, D, P, -1, 1);
        rejects("recomputeBounds", keys, null, keyMax, bounds, D, P, 0, 1);
        rejects("recomputeBounds", keys, keyMin, keyMax, bounds.duplicate().limit(8).slice(), D, P, 1, 1);
    }

    @Test
    void score() {
        float[] q = new float[2 * D];
        float[] scores = new float[2 * PAGES];
        rejects("score", bounds, 0, bounds, D, PAGES + 1, q, 0, 1, 1, scores, 0); // more pages than the bounds hold
        rejects("score", bounds, 0, bounds, D, PAGES, q, D + 1, 1, 1, scores, 0);
        rejects("score", bounds, 0, bounds, D, PAGES, q, 0, 3, 3, scores, 0);
        rejects("score", bounds, 0, bounds, D, PAGES, q, 0, 2, 1, new float[PAGES], 0);
        rejects("score", bounds, 0, bounds, D, PAGES, null, 0, 1, 1, scores, 0);
        rejects("score", bounds, 0, bounds, D, PAGES, q, 0, 1, 1, null, 0);
        rejects("score", bounds, 0, null, D, PAGES, q, 0, 1, 1, scores, 0);
        rejects("score", bounds, 0, bounds, D, -1, q, 0, 1, 1, scores, 0);
        rejects("score", bounds, 0, bounds, D, PAGES, q, 0, 0, 1, scores, 0);
        rejects("score", bounds, 0, bounds, D, PAGES, q, 0, 1, 1, scores, -1);
        rejects("score", null, -1, bounds, D, PAGES, q, 0, 1, 1, scores, 0);
        rejects("score", null, 2, bounds, D, PAGES, q, 0, 1, 1, scores, 0); // shared pages without shared bounds
        rejects("score", bounds, 0, bounds, D, PAGES, q, 0, 2, 0, scores, 0); // no rows per group
        rejects("score", bounds, 0, bounds, D, PAGES, q, 0, 2, 3, scores, 0); // rows not a multiple of the group
    }

    @Test
    void selectTop() {
        float[] scores = new float[PAGES];
        rejects("selectTop", scores, 0, PAGES + 1, 2, new int[2], 0);
        rejects("selectTop", scores, 1, PAGES, 2, new int[2], 0);
        rejects("selectTop", scores, 0, PAGES, 3, new int[2], 0);
        rejects("selectTop", scores, 0, PAGES, 2, new int[2], 1);
        rejects("selectTop", null, 0, PAGES, 2, new int[2], 0);
        rejects("selectTop", scores, 0, PAGES, 2, null, 0);
        rejects("selectTop", scores, 0, -1, 2, new int[2], 0);
    }

    @Test
    void attendPages() {
        float[] q = new float[2 * D];
        float[] state = new float[2 * (D + 2)];
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, new int[] {0, PAGES}, 0, 0, 2, q, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, new int[] {-1}, 0, 0, 1, q, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, 5, new int[] {2}, 0, 0, 1, q, 0, 1, state, 0); // page 2 unwritten
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, new int[] {0}, 0, 0, 2, q, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, null, 0, PAGES - 1, 2, q, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, null, 0, -1, 1, q, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS + 1, null, 0, 0, 1, q, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, null, D, P, SCALE, TOKENS, null, 0, 0, 1, q, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, null, 0, 0, 1, q, D + 1, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, null, 0, 0, 1, null, 0, 1, state, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, null, 0, 0, 1, q, 0, 2, new float[D + 2], 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, null, 0, 0, 1, q, 0, 1, null, 0);
        rejects("attendPages", keys, values, 0, keys, values, D, P, SCALE, 0, null, 0, 0, 1, q, 0, 1, state, 0);
        rejects("attendPages", null, null, -1, keys, values, D, P, SCALE, TOKENS, null, 0, 0, 1, q, 0, 1, state, 0);
        rejects("attendPages", null, null, 2, keys, values, D, P, SCALE, TOKENS, null, 0, 0, 1, q, 0, 1, state, 0);
        rejects("attendPages", keys, null, 2, keys, values, D, P, SCALE, TOKENS, null, 0, 0, 1, q, 0, 1, state, 0);
    }

    @Test
    void pageMaxLogits() {
        float[] q = new float[2 * D];
        float[] out = new float[2 * 2];
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0, PAGES}, 0, 2, q, 0, 2, out, 0); // past the pages
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {-1}, 0, 1, q, 0, 1, out, 0);
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, 5, new int[] {1}, 0, 1, q, 0, 1, out, 0); // page 1 partly written
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0, 1}, 1, 2, q, 0, 1, out, 0);
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0, 1}, 0, 2, q, 0, 2, out, 1); // out too short
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0, 1}, 0, 2, q, 1, 2, out, 0); // q too short
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0, 1}, 0, 2, q, 0, 0, out, 0);
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0, 1}, 0, -1, q, 0, 1, out, 0);
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS + 1, new int[] {0}, 0, 1, q, 0, 1, out, 0);
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, null, 0, 1, q, 0, 1, out, 0);
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0}, 0, 1, null, 0, 1, out, 0);
        rejects("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0}, 0, 1, q, 0, 1, null, 0);
        rejects("pageMaxLogits", null, null, 2, keys, values, D, P, TOKENS, new int[] {0}, 0, 1, q, 0, 1, out, 0);
    }

    @Test
    void mergeStates() {
        float[] states = new float[2 * (D + 2)];
        rejects("mergeStates", states, 0, 3, 1, D, new float[D], 0);
        rejects("mergeStates", states, 1, 2, 1, D, new float[D], 0);
        rejects("mergeStates", states, 0, 2, 1, D, new float[D - 1], 0);
        rejects("mergeStates", states, 0, 2, 1, D, null, 0);
        rejects("mergeStates", null, 0, 2, 1, D, new float[D], 0);
        rejects("mergeStates", states, 0, 0, 1, D, new float[D], 0);
        rejects("mergeStates", states, 0, 2, 1, 0, new float[D], 0);
    }

    @Test
    void attendCausal() {
        float[] q = new float[2 * D];
        float[] out = new float[2 * D];
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, 0, D, 2, 1, TOKENS - 1, out, 0, D); // past the keys
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, D, D, 2, 1, 0, out, 0, D);
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, 0, D, 2, 1, 0, out, 1, D);
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, 0, D, 2, 1, 0, null, 0, D);
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, null, 0, D, 2, 1, 0, out, 0, D);
        rejects("attendCausal", keys, values, 0, null, values, D, P, SCALE, q, 0, D, 2, 1, 0, out, 0, D);
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, 0, -D, 2, 1, 0, out, 0, D);
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, 0, D, 2, 1, -1, out, 0, D);
        rejects("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, 0, D, 2, 3, 0, out, 0, D);
        rejects("attendCausal", null, null, -1, keys, values, D, P, SCALE, q, 0, D, 2, 1, 0, out, 0, D);
        rejects("attendCausal", null, null, 1, keys, values, D, P, SCALE, q, 0, D, 2, 1, 0, out, 0, D);
    }

    @Test
    void attendPagesMulti() {
        ByteBuffer[] k2 = {keys, keys};
        ByteBuffer[] v2 = {values, values};
        int[] zeros = {0, 0};
        int[] tokens = {TOKENS, TOKENS};
        int[] counts = {1, 1};
        float[] q = new float[2 * D];
        int[] qOffs = {0, D};
        float[] state = new float[2 * (D + 2)];
        int[] stateOffs = {0, D + 2};
        raw("attendPagesMulti", 2, k2, v2, zeros, k2, v2, D, P, SCALE, tokens, null, zeros, zeros, counts, q, qOffs, 1, state,
                stateOffs);
        rejects("attendPagesMulti", 3, k2, v2, zeros, k2, v2, D, P, SCALE, tokens, null, zeros, zeros, counts, q, qOffs, 1, state,
                stateOffs); // more sequences than the arrays hold
        rejects("attendPagesMulti", 0, k2, v2, zeros, k2, v2, D, P, SCALE, tokens, null, zeros, zeros, counts, q, qOffs, 1, state,
                stateOffs);
        rejects("attendPagesMulti", 2, k2, v2, zeros, new ByteBuffer[] {keys, null}, v2, D, P, SCALE, tokens, null, zeros, zeros,
                counts, q, qOffs, 1, state, stateOffs);
        rejects("attendPagesMulti", 2, k2, v2, zeros, k2, v2, D, P, SCALE, new int[] {TOKENS, TOKENS + 1}, null, zeros, zeros,
                counts, q, qOffs, 1, state, stateOffs);
        rejects("attendPagesMulti", 2, k2, v2, zeros, k2, v2, D, P, SCALE, tokens, null, zeros, new int[] {0, PAGES}, counts, q,
                qOffs, 1, state, stateOffs);
        rejects("attendPagesMulti", 2, k2, v2, zeros, k2, v2, D, P, SCALE, tokens, null, zeros, zeros, counts, q,
                new int[] {0, D + 1}, 1, state, stateOffs);
        rejects("attendPagesMulti", 2, k2, v2, zeros, k2, v2, D, P, SCALE, tokens, null, zeros, zeros, counts, q, qOffs, 1, state,
                new int[] {0, D + 3});
        rejects("attendPagesMulti", 2, k2, v2, null, k2, v2, D, P, SCALE, tokens, null, zeros, zeros, counts, q, qOffs, 1, state,
                stateOffs);
        rejects("attendPagesMulti", 2, k2, v2, zeros, k2, v2, D, P, SCALE, tokens, new int[] {0, PAGES}, zeros, zeros, new int[] {2, 0},
                q, qOffs, 1, state, stateOffs);
    }

    @Test
    void sumFloats() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        rejects("sumFloats", f, 0L, 17L);
        rejects("sumFloats", f, 16L, 1L);
        rejects("sumFloats", f, -1L, 1L);
        rejects("sumFloats", ByteBuffer.allocate(64), 0L, 1L);
        rejects("sumFloats", null, 0L, 1L);
        rejects("sumFloats", f, (1L << 62) + 1, 1L); // (from + count) * 4 wraps around to 8 bytes
        rejects("sumFloats", f, Long.MAX_VALUE, 1L);
    }

    /** The valid calls of each entry point work, so the rejections above are about the bad argument alone. */
    @Test
    void validCallsWork() {
        float[] q = new float[2 * D];
        assertDoesNotThrow(() -> call("recomputeBounds", keys, keyMin, keyMax, bounds, D, P, PAGES - 1, P));
        assertDoesNotThrow(() -> call("score", bounds, 0, bounds, D, PAGES, q, 0, 2, 1, new float[2 * PAGES], 0));
        assertDoesNotThrow(() -> call("selectTop", new float[PAGES], 0, PAGES, 2, new int[2], 0));
        assertDoesNotThrow(() -> call("attendPages", keys, values, 0, keys, values, D, P, SCALE, TOKENS, new int[] {0, PAGES - 1}, 0, 0, 2, q, 0, 2,
                new float[2 * (D + 2)], 0));
        assertDoesNotThrow(() -> call("pageMaxLogits", keys, values, 0, keys, values, D, P, TOKENS, new int[] {0, PAGES - 1}, 0, 2, q, 0, 2,
                new float[2 * 2], 0));
        assertDoesNotThrow(() -> call("mergeStates", new float[2 * (D + 2)], 0, 2, 1, D, new float[D], 0));
        assertDoesNotThrow(() -> call("attendCausal", keys, values, 0, keys, values, D, P, SCALE, q, 0, D, 2, 1, TOKENS - 2, new float[2 * D], 0, D));
        assertDoesNotThrow(() -> call("sumFloats", ByteBuffer.allocateDirect(64), 0L, 16L));
    }

    private static void rejects(String entry, Object... args) {
        Throwable t;
        try {
            call(entry, args);
            fail(entry + Arrays.deepToString(args) + " was accepted");
            return;
        } catch (InvocationTargetException e) {
            t = e.getCause();
        }
        assertTrue(t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException,
                () -> entry + " threw " + t);
        assertFalse(t.getMessage() == null || t.getMessage().isBlank(), entry + " threw without a message");
    }

    private static void raw(String entry, Object... args) {
        assertDoesNotThrow(() -> call(entry, args));
    }

    /** Calls the private native entry point of that name (there is one of each), past every Java-side check. */
    private static Object call(String entry, Object... args) throws InvocationTargetException {
        Method m = Arrays.stream(NativeAttentionKernel.class.getDeclaredMethods())
                .filter(x -> x.getName().equals(entry) && java.lang.reflect.Modifier.isNative(x.getModifiers()))
                .findFirst().orElseThrow(() -> new AssertionError("no native entry point " + entry));
        m.setAccessible(true);
        try {
            return m.invoke(null, args);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
