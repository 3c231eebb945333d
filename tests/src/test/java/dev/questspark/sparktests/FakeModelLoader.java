package dev.questspark.sparktests;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.model.AttentionCounters;
import dev.questspark.jobs.model.Decoder;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.Generation;
import dev.questspark.jobs.model.ModelLoader;
import dev.questspark.quest.QuestConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A deterministic stand-in model for testing the Spark logic without weights: one token per UTF-8 byte, a
 * context of {@value #CONTEXT} tokens, and generation that writes a hash of the whole KV cache, so any change in
 * what the cache holds changes the output. A prompt containing {@value #FAIL} makes generate throw, like an engine
 * error on one input.
 */
public final class FakeModelLoader implements ModelLoader {
    public static final int CONTEXT = 512;
    public static final String FAIL = "FAKE-ENGINE-FAILURE";
    /** A prompt containing this is answered with the whole prompt text, so tests can see what the model was given. */
    public static final String ECHO = "FAKE-ECHO-PROMPT";
    private static final int BOS = 1;
    private static final int OFFSET = 3;

    @Override
    public DocumentModel load(Path modelFile, int threads) {
        return new Model();
    }

    static final class Model implements DocumentModel {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public int contextLength() {
            return CONTEXT;
        }

        @Override
        public String fingerprint() {
            return "fake-0";
        }

        @Override
        public int[] encode(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int[] t = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                t[i] = (b[i] & 0xff) + OFFSET;
            }
            return t;
        }

        @Override
        public String decode(int[] tokens) {
            byte[] b = new byte[tokens.length];
            int n = 0;
            for (int t : tokens) {
                if (t >= OFFSET) {
                    b[n++] = (byte) (t - OFFSET);
                }
            }
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }

        @Override
        public int[] encodePrompt(String text, boolean chat) {
            int[] body = encode(text);
            int[] out = new int[body.length + 1];
            out[0] = BOS;
            System.arraycopy(body, 0, out, 1, body.length);
            return out;
        }

        @Override
        public boolean hasChatTemplate() {
            return false;
        }

        @Override
        public Decoder newDecoder(QuestConfig attention, int maxContextTokens) {
            return new FakeDecoder(this, attention, maxContextTokens);
        }
    }

    static final class FakeDecoder implements Decoder {
        private final Model model;
        private final QuestConfig attention;
        private final int capacity;
        private final List<Integer> cache = new ArrayList<>();
        private AttentionCounters counters = AttentionCounters.ZERO;

        FakeDecoder(Model model, QuestConfig attention, int capacity) {
            this.model = model;
            this.attention = attention;
            this.capacity = capacity;
        }

        @Override
        public int length() {
            return cache.size();
        }

        @Override
        public void prefill(int[] tokens) {
            if (cache.size() + tokens.length > capacity) {
                throw new IllegalStateException("fake KV cache overflow: " + (cache.size() + tokens.length) + " > " + capacity);
            }
            Arrays.stream(tokens).forEach(cache::add);
        }

        @Override
        public Generation generate(GenerationConfig sampling, Consumer<String> onText) {
            String prompt = model.decode(cache.stream().mapToInt(Integer::intValue).toArray());
            if (prompt.contains(FAIL)) {
                throw new IllegalStateException("fake engine failure");
            }
            long h = 1469598103934665603L;
            for (int t : cache) {
                h = (h ^ t) * 1099511628211L;
            }
            if (!sampling.isGreedy()) {
                h ^= sampling.seed();
            }
            String text = (" gist " + Long.toHexString(h)).repeat(8);
            int[] tokens = Arrays.copyOf(model.encode(text), Math.min(sampling.maxTokens(), text.length()));
            for (int t : tokens) {
                step();
                cache.add(t);
            }
            String out = prompt.contains(ECHO) ? prompt : model.decode(tokens);
            if (onText != null) {
                onText.accept(out);
            }
            return new Generation(out, tokens, tokens.length * 1000L, "length");
        }

        /** Counters of one decode step over the current cache: 16 bytes per token attended. */
        private void step() {
            int n = cache.size();
            int attended = attention.attention() == QuestConfig.Attention.QUEST ? Math.min(n, attention.tokenBudget()) : n;
            counters = counters.plus(new AttentionCounters((attended + attention.pageSize() - 1) / attention.pageSize(),
                    attended, 16L * attended, 16L * n));
        }

        @Override
        public void truncate(int length) {
            while (cache.size() > length) {
                cache.remove(cache.size() - 1);
            }
        }

        @Override
        public AttentionCounters counters() {
            return counters;
        }

        @Override
        public void close() {
            cache.clear();
        }
    }
}
