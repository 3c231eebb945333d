package dev.questspark.jobs.model;

import dev.questspark.arrow.PageMetadataExporter;
import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.GenerationConfig;
import dev.questspark.engine.GenerationResult;
import dev.questspark.model.AttentionStats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** {@link Decoder} over one engine session (one KV cache). */
final class EngineDecoder implements Decoder {
    private final DecoderSession session;

    EngineDecoder(DecoderSession session) {
        this.session = session;
    }

    /** The engine session, for saving it as a KV snapshot. */
    DecoderSession session() {
        return session;
    }

    @Override
    public int length() {
        return session.length();
    }

    @Override
    public void prefill(int[] tokens) {
        session.prefill(tokens);
    }

    @Override
    public Generation generate(GenerationConfig sampling, Consumer<String> onText) {
        GenerationResult r = session.generate(sampling, onText);
        return new Generation(r.text(), r.tokens(), r.decodeNanos(), r.finishReason());
    }

    @Override
    public void truncate(int length) {
        session.truncate(length);
    }

    @Override
    public byte[] pageMetadata(String documentId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PageMetadataExporter.of(session, documentId, PageMetadataExporter.Batching.PER_LAYER).writeStream(out);
        } catch (IOException e) {
            throw new UncheckedIOException("page metadata of " + documentId + " not exported: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public AttentionCounters counters() {
        AttentionStats s = session.stats().snapshot();
        return new AttentionCounters(s.pagesSelected(), s.tokensAttended(), s.kvBytesRead(), s.kvBytesDense());
    }

    @Override
    public void close() {
        session.close();
    }
}
