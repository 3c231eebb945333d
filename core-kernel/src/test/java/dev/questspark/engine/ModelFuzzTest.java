package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.questspark.gguf.GgufFormatException;
import dev.questspark.gguf.GgufMutator;
import dev.questspark.gguf.GgufMutator.Kind;
import dev.questspark.gguf.GgufMutator.Mutant;
import dev.questspark.quest.KvCacheBudgetException;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import dev.questspark.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded mutations of the tiny model stories260K ({@link GgufMutator}: bit flips, string lengths, counts, offsets, type
 * ids, truncations, hyper-parameter values, shapes, vocabulary entries, weights), each loaded, then used to tokenize a
 * prompt, prefill it and decode a few greedy steps. Every failure must be one of the project's own exceptions with a
 * message (the model cannot load, the tokenizer cannot handle the text, the prompt does not fit the context); any
 * other exception, an error, or a mutant taking longer than {@link #STALL_SECONDS} fails the test with the mutant's
 * seed and change. {@code -Dquest.fuzz.mutants=N} (default 1000; .ci/run adds the next 2000 of the same seed, the
 * long mode 100000) and {@code -Dquest.fuzz.seed=S} (mutant i uses seed S + i) reproduce a run; the outcome table is logged and written to
 * {@code target/model-fuzz.md}.
 */
class ModelFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFuzzTest.class);
    static final int MUTANTS = Integer.getInteger("quest.fuzz.mutants", 1000);
    static final long SEED = Long.getLong("quest.fuzz.seed", 20240611L);
    /** A mutant that makes no progress for this long is reported as a hang. */
    static final int STALL_SECONDS = 60;
    static final String PROMPT = "Once upon a time, Lily saw a big red ball. \u00e9\u4e2d\ud83d\ude00";
    static final int DECODE_STEPS = 4;
    static final int CONTEXT = 48;
    /** The outcome of a mutant that works: loaded, its prompt tokenized, prefilled and decoded. */
    static final String DECODED = "decoded";

    @TempDir
    Path dir;

    @Test
    void everyMutantLoadsAndDecodesOrFailsWithTheProjectsOwnException() throws Exception {
        byte[] pristine = Files.readAllBytes(TestModels.stories());
        GgufMutator mutator = new GgufMutator(pristine);
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<Kind, Map<String, Integer>> byKind = new TreeMap<>();
        List<String> escapes = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<String> current = new AtomicReference<>("");
        long start = System.nanoTime();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-fuzz");
            t.setDaemon(true);
            return t;
        });
        try (MutantFile file = new MutantFile(dir.resolve("mutant.gguf"), pristine)) {
            Future<?> run = worker.submit(() -> {
                for (int i = 0; i < MUTANTS; i++) {
                    SplittableRandom rnd = new SplittableRandom(SEED + i);
                    Mutant m = mutator.mutate(rnd);
                    String id = "mutant " + i + " (seed " + (SEED + i) + ", " + m.kind() + ": " + m.what() + ")";
                    current.set(id);
                    String outcome = outcome(file, m, id, escapes);
                    outcomes.merge(outcome, 1, Integer::sum);
                    byKind.computeIfAbsent(m.kind(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
                    done.incrementAndGet();
                }
                return null;
            });
            waitWithoutStall(run, done, current);
        } finally {
            worker.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String table = table(outcomes, byKind, seconds);
        LOG.info("Model fuzz, {} mutants from seed {}:\n{}", MUTANTS, SEED, table);
        Files.writeString(Path.of("target", "model-fuzz.md"), table);
        if (!escapes.isEmpty()) {
            fail(escapes.size() + " of " + MUTANTS + " mutants failed with something other than the project's own exceptions "
                    + "(first " + Math.min(10, escapes.size()) + "):\n" + String.join("\n", escapes.subList(0, Math.min(10, escapes.size()))));
        }
        assertTrue(outcomes.getOrDefault(DECODED, 0) > 0 && outcomes.size() > 1,
                "some mutants must load and decode and others be rejected: " + outcomes);
    }

    /** Loads the mutant, tokenizes, prefills and decodes; returns the outcome class, or records an escape. */
    private static String outcome(MutantFile file, Mutant m, String id, List<String> escapes) {
        String stage = "write";
        try {
            file.write(m.bytes());
            stage = "load";
            try (Engine engine = Engine.load(file.path(), 1)) {
                stage = "tokenize";
                int[] prompt = engine.encodePrompt(PROMPT, false);
                engine.tokenizer().decode(prompt);
                stage = "prefill";
                try (DecoderSession s = engine.newSession(QuestConfig.quest().withPageSize(8).withTokenBudget(16), CONTEXT)) {
                    s.prefill(prompt);
                    stage = "decode";
                    GenerationResult r = s.generate(GenerationConfig.greedy(DECODE_STEPS), null);
                    engine.tokenizer().decode(r.tokens(), true);
                }
            }
            return DECODED;
        } catch (ModelLoadException e) {
            return expected(stage, e, e.getCause() instanceof GgufFormatException || e.getCause() instanceof TokenizerException
                    ? e.getCause() : e, id, escapes);
        } catch (TokenizerException | ContextOverflowException | KvCacheBudgetException e) {
            return expected(stage, e, e, id, escapes);
        } catch (IOException e) {
            escapes.add(id + " at " + stage + ": " + e);
            return "escaped: " + e.getClass().getSimpleName();
        } catch (RuntimeException | Error e) {
            escapes.add(id + " at " + stage + ": " + e + " at " + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
            LOG.error("{} escaped at {}", id, stage, e);
            return "escaped: " + e.getClass().getSimpleName();
        }
    }

    /**
     * The file the mutants are written to: the pristine bytes, with only the bytes a mutant changes written over them
     * (and put back before the next), so thousands of mutants of a 1.2 MB model do not rewrite it each time.
     */
    private static final class MutantFile implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final byte[] pristine;
        private int from; // [from, to) differs from pristine
        private int to;
        private int length;

        MutantFile(Path path, byte[] pristine) throws IOException {
            this.path = path;
            this.pristine = pristine;
            Files.write(path, pristine);
            this.channel = FileChannel.open(path, StandardOpenOption.WRITE);
            this.length = pristine.length;
        }

        Path path() {
            return path;
        }

        void write(byte[] mutant) throws IOException {
            if (to > from) {
                channel.write(ByteBuffer.wrap(pristine, from, to - from), from);
            }
            if (length < pristine.length) {
                channel.write(ByteBuffer.wrap(pristine, length, pristine.length - length), length);
            }
            int n = Math.min(mutant.length, pristine.length);
            from = Arrays.mismatch(mutant, 0, n, pristine, 0, n);
            from = from < 0 ? n : from;
            to = n;
            while (to > from && mutant[to - 1] == pristine[to - 1]) {
                to--;
            }
            if (to > from) {
                channel.write(ByteBuffer.wrap(mutant, from, to - from), from);
            }
            if (mutant.length < pristine.length) {
                channel.truncate(mutant.length);
            }
            length = mutant.length;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The outcome class of an expected exception; one without a message is an escape. */
    private static String expected(String stage, RuntimeException thrown, Throwable cause, String id, List<String> escapes) {
        if (thrown.getMessage() == null || thrown.getMessage().isBlank() || thrown.getMessage().lines().count() != 1) {
            escapes.add(id + " at " + stage + ": no one-line message: " + thrown);
        }
        return stage + ": " + cause.getClass().getSimpleName();
    }

    private static void waitWithoutStall(Future<?> run, AtomicInteger done, AtomicReference<String> current) throws Exception {
        int seen = -1;
        while (true) {
            try {
                run.get(STALL_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                int now = done.get();
                if (now == seen) {
                    fail("no progress for " + STALL_SECONDS + " s (a hang?) at " + current.get());
                }
                seen = now;
            }
        }
    }

    private static String table(Map<String, Integer> outcomes, Map<Kind, Map<String, Integer>> byKind, double seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%d mutants of stories260K.gguf from seed %d in %.1f s (%.2f ms each)%n%n", MUTANTS, SEED, seconds,
                seconds * 1000 / MUTANTS));
        sb.append("| outcome | mutants |\n| --- | ---: |\n");
        outcomes.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        sb.append("\n| mutation | mutants | outcomes |\n| --- | ---: | --- |\n");
        byKind.forEach((kind, m) -> sb.append("| ").append(kind.name().toLowerCase().replace('_', ' ')).append(" | ")
                .append(m.values().stream().mapToInt(Integer::intValue).sum()).append(" | ").append(m).append(" |\n"));
        return sb.toString();
    }
}
