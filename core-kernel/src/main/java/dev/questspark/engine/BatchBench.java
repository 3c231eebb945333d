package dev.questspark.engine;

import dev.questspark.model.AttentionStats;
import dev.questspark.quest.QuestConfig;
import dev.questspark.quest.SharedPageAttention;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregate decode throughput of continuous batching: B sequences, each a document of {@code contextTokens} tokens plus
 * a short question, decode {@code decodeTokens} greedy tokens together. With a shared document every sequence continues
 * the same document (QA over one document); otherwise each has its own. Throughput counts generated tokens over the
 * time of the decode steps (prefills excluded), as llama-batched-bench's S_TG does. kvReadFraction is the KV bytes
 * the sequences' attention asked for over what dense attention would read; sharedPageReadFraction the pages the
 * shared-document passes read over the pages their sequences asked for (below 1: pages read once for several).
 * cpuMsPerStep is the CPU time per decode step of the thread that steps the batch: with one thread all the work,
 * which the load of other processes does not inflate as it does wall time (with more threads, pool workers' share
 * is not in it).
 */
public final class BatchBench {
    private static final Logger LOG = LoggerFactory.getLogger(BatchBench.class);

    /** One measurement; rates in tokens per second. */
    public record Result(int contextTokens, int batchSize, boolean sharedDocument, String attention, int tokenBudget,
                         int threads, int decodeTokens, long generated, double aggregateTokensPerSecond,
                         double meanBatch, double kvReadFraction, double sharedPageReadFraction, double cpuMsPerStep) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"context\":%d,\"batch_size\":%d,\"shared_document\":%b,\"attention\":\"%s\","
                    + "\"token_budget\":%d,\"threads\":%d,\"decode_tokens\":%d,\"generated\":%d,"
                    + "\"aggregate_decode_tokens_per_s\":%.2f,\"mean_batch\":%.2f,\"kv_read_fraction\":%.4f,"
                    + "\"shared_page_read_fraction\":%.4f,\"decode_cpu_ms_per_step\":%.3f}",
                    contextTokens, batchSize, sharedDocument, attention, tokenBudget, threads, decodeTokens, generated,
                    aggregateTokensPerSecond, meanBatch, kvReadFraction, sharedPageReadFraction, cpuMsPerStep);
        }
    }

    private BatchBench() {}

    /** Document d: the synthetic filler started at a different offset, so documents differ from their first token. */
    static int[] document(Engine engine, int tokens, int d) {
        int[] long0 = EngineBench.syntheticPrompt(engine, tokens + 31 * d);
        int[] out = new int[tokens];
        System.arraycopy(long0, 31 * d, out, 0, tokens);
        return out;
    }

    /** Question q, as the tokens of a chat turn after the document (plain text for a model without a chat template). */
    static int[] question(Engine engine, int q) {
        String text = "Question " + (q + 1) + ": what does the text above say about the bakers?";
        try {
            return engine.encodePrompt(text, true);
        } catch (IllegalArgumentException e) {
            return engine.tokenizer().encode(" " + text, false, false);
        }
    }

    /**
     * Measures every setting at every batch size in one decoder: the documents (one when shared, else one per sequence
     * of the largest batch) are prefilled once and every run forks them, so settings and batch sizes are compared on
     * the same caches. Each run decodes exactly decodeTokens per sequence (end-of-generation ignored).
     */
    public static List<Result> run(Engine engine, List<QuestConfig> settings, int contextTokens, int[] batchSizes, boolean shared,
                                   int decodeTokens) {
        int most = Arrays.stream(batchSizes).max().orElseThrow();
        List<Result> results = new ArrayList<>();
        int context = contextTokens + decodeTokens + 64;
        try (BatchDecoder d = engine.newBatchDecoder(settings.get(0), context, most)) {
            SharedDocument[] docs = new SharedDocument[shared ? 1 : most];
            for (int i = 0; i < docs.length; i++) {
                docs[i] = d.document(document(engine, contextTokens, i));
            }
            for (QuestConfig quest : settings) {
                d.setQuest(quest);
                // warm-up at the smallest and the largest batch (and the documents' prefills, on the first setting):
                // the shared-page paths of a batch are compiled before the first timed size, whichever it is
                decode(engine, d, docs, 1, 4);
                decode(engine, d, docs, most, 4);
                // the documents are prefilled by now: a profiler attached from this line on sees decode steps only
                LOG.info("Warmed up {}; timing batch sizes {}", quest.attention().configName(), Arrays.toString(batchSizes));
                for (int b : batchSizes) {
                    BatchStats before = d.stats();
                    AttentionStats attBefore = d.attentionStats();
                    SharedPageAttention.Traffic trafficBefore = d.sharedPageTraffic();
                    long generated = decode(engine, d, docs, b, decodeTokens);
                    BatchStats after = d.stats();
                    AttentionStats att = d.attentionStats();
                    SharedPageAttention.Traffic traffic = d.sharedPageTraffic();
                    long wanted = traffic.pagesWanted() - trafficBefore.pagesWanted();
                    long pagesRead = traffic.pagesRead() - trafficBefore.pagesRead();
                    long steps = after.decodeSteps() - before.decodeSteps();
                    long nanos = after.decodeNanos() - before.decodeNanos();
                    long read = att.kvBytesRead() - attBefore.kvBytesRead();
                    long dense = att.kvBytesDense() - attBefore.kvBytesDense();
                    results.add(new Result(contextTokens, b, shared, quest.attention().configName(), quest.tokenBudget(),
                            engine.threads(), decodeTokens, generated, generated * 1e9 / nanos,
                            steps == 0 ? 0 : (double) (after.decodeRows() - before.decodeRows()) / steps,
                            dense == 0 ? 1.0 : (double) read / dense, wanted == 0 ? 1.0 : (double) pagesRead / wanted,
                            steps == 0 ? 0 : (after.decodeCpuNanos() - before.decodeCpuNanos()) / 1e6 / steps));
                }
            }
            for (SharedDocument doc : docs) {
                doc.close();
            }
        }
        return results;
    }

    /** b sequences, sequence i continuing document i (or the one document) with question i; returns tokens generated. */
    private static long decode(Engine engine, BatchDecoder d, SharedDocument[] docs, int b, int tokens) {
        List<BatchRequest> requests = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            requests.add(new BatchRequest(docs[docs.length == 1 ? 0 : i], question(engine, i), GenerationConfig.greedy(tokens), null,
                    true));
        }
        long generated = 0;
        for (BatchOutcome o : d.generateAll(requests)) {
            if (!o.ok()) {
                throw o.error();
            }
            generated += o.result().tokens().length;
        }
        return generated;
    }

    /** Parses a settings list: dense, quest (the default budget) or quest:BUDGET, comma-separated. */
    public static List<QuestConfig> settings(String list, QuestConfig base) {
        List<QuestConfig> out = new ArrayList<>();
        for (String s : list.split(",")) {
            String t = s.trim();
            if (t.equals("dense")) {
                out.add(base.withAttention(QuestConfig.Attention.DENSE));
            } else if (t.equals("quest")) {
                out.add(base.withAttention(QuestConfig.Attention.QUEST));
            } else if (t.startsWith("quest:")) {
                out.add(base.withAttention(QuestConfig.Attention.QUEST).withTokenBudget(Integer.parseInt(t.substring(6))));
            } else {
                throw new IllegalArgumentException("attention setting '" + t + "' is not dense, quest or quest:BUDGET");
            }
        }
        return out;
    }

    /** Usage: BatchBench MODEL THREADS CONTEXT BATCH_SIZES SETTINGS SHARED DECODE_TOKENS (lists comma-separated). */
    public static void main(String[] args) {
        Engine engine = Engine.load(Path.of(args[0]), Integer.parseInt(args[1]));
        int[] sizes = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        for (Result r : run(engine, settings(args[4], QuestConfig.quest()), Integer.parseInt(args[2]), sizes,
                Boolean.parseBoolean(args[5]), Integer.parseInt(args[6]))) {
            System.out.println(r.toJson());
        }
    }
}
