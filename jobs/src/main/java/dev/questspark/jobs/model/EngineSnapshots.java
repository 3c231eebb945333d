package dev.questspark.jobs.model;

import dev.questspark.arrow.KvSnapshotStore;
import dev.questspark.engine.DecoderSession;
import dev.questspark.engine.DocumentStore;
import dev.questspark.engine.Engine;
import dev.questspark.quest.QuestConfig;

import java.nio.file.Path;
import java.util.Optional;

/** {@link DecoderSnapshots} of engine sessions: Arrow IPC files of arrow-io's {@link KvSnapshotStore} in one directory. */
final class EngineSnapshots implements DecoderSnapshots, DocumentStore {
    private final Engine engine;
    private final KvSnapshotStore store;

    EngineSnapshots(Engine engine, Path directory) {
        this.engine = engine;
        this.store = new KvSnapshotStore(directory);
    }

    @Override
    public Optional<Decoder> find(QuestConfig attention, int maxContextTokens, String key, int[] document) {
        return store.find(engine, attention, maxContextTokens, key, document).map(EngineDecoder::new);
    }

    @Override
    public void save(Decoder decoder, String key) {
        if (!(decoder instanceof EngineDecoder d)) {
            throw new IllegalArgumentException("only decoders of this engine model can be saved as KV snapshots, got "
                    + decoder.getClass().getName());
        }
        store.save(engine, d.session(), key);
    }

    /** A batch's shared document restored from the snapshot its tokens are stored under. */
    @Override
    public boolean restore(int[] tokens, DecoderSession empty) {
        return store.restoreInto(engine, empty, DecoderSnapshots.key(tokens), tokens);
    }

    /** A batch's shared document saved under its tokens' key after its prefill. */
    @Override
    public void save(int[] tokens, DecoderSession prefilled) {
        store.save(engine, prefilled, DecoderSnapshots.key(tokens));
    }
}
