package dev.questspark.jobs.generate;

import dev.questspark.jobs.model.BatchGenerator;
import dev.questspark.jobs.model.DecoderSnapshots;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.model.Generation;
import dev.questspark.engine.GenerationConfig;
import dev.questspark.jobs.text.PromptFrame;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.jobs.text.PromptTemplate.Segments;

import java.util.ArrayList;
import java.util.List;

import java.nio.file.Path;

/** What the tasks of one partition share: the model, its prompt frame, the decoder and the sampling settings. */
final class PromptContext {
    /** The least room for document tokens that still makes a useful prompt. */
    static final int MIN_DOCUMENT_TOKENS = 32;

    final DocumentModel model;
    final PromptFrame frame;
    final boolean chat;
    final PromptRunner decoder;
    final GenerationConfig sampling;
    final int chunkOverlap;

    PromptContext(DocumentModel model, PromptFrame frame, boolean chat, PromptRunner decoder, GenerationConfig sampling,
                  int chunkOverlap) {
        this.model = model;
        this.frame = frame;
        this.chat = chat;
        this.decoder = decoder;
        this.sampling = sampling;
        this.chunkOverlap = chunkOverlap;
    }

    /**
     * The context of a task: the chat setting resolved against the model (on without a chat template fails the
     * task, since every row would fail the same way), the decoder capacity; calls join batch when there is one,
     * else run on a decoder of their own (with the KV snapshots when configured).
     */
    static PromptContext open(GeneratorSettings settings, DocumentModel model, BatchGenerator batch) {
        boolean chat = switch (settings.chat()) {
            case "on" -> {
                if (!model.hasChatTemplate()) {
                    throw new IllegalArgumentException("model " + model.name() + " has no chat template;"
                            + " set chat to auto or off");
                }
                yield true;
            }
            case "off" -> false;
            default -> model.hasChatTemplate();
        };
        int capacity = RowGenerator.capacity(settings, model);
        PromptRunner decoder;
        if (batch != null) {
            decoder = new BatchedRunner(batch, capacity);
        } else {
            DecoderSnapshots snapshots = settings.kvCache() == null ? DecoderSnapshots.NONE
                    : model.snapshots(Path.of(settings.kvCache()));
            decoder = new CachedDecoder(model, settings.attention(), capacity, snapshots);
        }
        return new PromptContext(model, PromptFrame.discover(model, chat), chat, decoder, settings.sampling(),
                settings.chunkOverlap());
    }

    /** Document tokens that fit in one prompt of this template, or an error saying which setting to change. */
    int room(PromptTemplate template, String question) {
        int overhead = template.overhead(model, frame, question);
        int room = decoder.capacity() - overhead - sampling.maxTokens();
        if (room < MIN_DOCUMENT_TOKENS) {
            throw new IllegalArgumentException("the context of " + decoder.capacity() + " tokens leaves " + Math.max(room, 0)
                    + " for the text after " + overhead + " prompt tokens and " + sampling.maxTokens()
                    + " new tokens; raise context-tokens or lower max-tokens");
        }
        return room;
    }

    /** Overlap between chunks of the given size: the configured one, at most a quarter of the chunk. */
    int overlapFor(int chunkSize) {
        return Math.min(chunkOverlap, chunkSize / 4);
    }

    /** One model call on a prompt whose document part is chosen for this call (a chunk, or chunks for a question). */
    String generate(PromptTemplate template, int[] document, String question, long seed, RowUsage usage) {
        return generate(template, document, question, seed, false, usage);
    }

    /**
     * Model calls on several documents parts (the chunks of one document) with the same template, issued together:
     * call i gets the seed a one-at-a-time loop would give it. Texts in order.
     */
    List<String> generateAll(PromptTemplate template, List<int[]> documents, long seed, RowUsage usage) {
        return generateAll(template, documents, seed, usage, length -> sampling.maxTokens());
    }

    /** As {@link #generateAll(PromptTemplate, List, long, RowUsage)}, each call writing at most maxTokens(its text's length). */
    List<String> generateAll(PromptTemplate template, List<int[]> documents, long seed, RowUsage usage,
                             java.util.function.IntUnaryOperator maxTokens) {
        List<Segments> prompts = new ArrayList<>(documents.size());
        List<GenerationConfig> samplings = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            prompts.add(template.build(model, frame, documents.get(i), null));
            int limit = Math.min(maxTokens.applyAsInt(documents.get(i).length), sampling.maxTokens());
            samplings.add(sampling.withSeed(Seeds.forCall(seed, usage.calls + i)).withMaxTokens(limit));
        }
        List<String> out = new ArrayList<>(documents.size());
        for (Generation g : decoder.runAll(prompts, samplings, usage)) {
            out.add(g.text());
        }
        return out;
    }

    /**
     * One model call; wholeDocument says document is the row's entire document, so the prompt's document segment
     * is the same for every question about it and may come from (and go to) a KV snapshot.
     */
    String generate(PromptTemplate template, int[] document, String question, long seed, boolean wholeDocument,
                    RowUsage usage) {
        return generate(template, document, question, seed, usage.calls, wholeDocument, usage);
    }

    /**
     * One model call that is call number {@code call} of its row (its sampling seed derives from it), wherever the
     * row's other calls run: the split summarize stages number a document's calls as one task would make them.
     */
    String generate(PromptTemplate template, int[] document, String question, long seed, int call,
                    boolean wholeDocument, RowUsage usage) {
        return generate(template, document, question, seed, call, wholeDocument, sampling.maxTokens(), usage);
    }

    /** One model call generating at most maxTokens (fewer than the setting, e.g. to keep a summary shorter than its text). */
    String generate(PromptTemplate template, int[] document, String question, long seed, int call,
                    boolean wholeDocument, int maxTokens, RowUsage usage) {
        Generation g = decoder.run(template.build(model, frame, document, question),
                sampling.withSeed(Seeds.forCall(seed, call)).withMaxTokens(Math.min(maxTokens, sampling.maxTokens())),
                wholeDocument, usage);
        return g.text();
    }
}
