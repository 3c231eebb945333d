package dev.questspark.arrow;

import dev.questspark.engine.ModelInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a KV snapshot holds, stored as the custom metadata of its Arrow schema (keys {@code quest.*}, values as
 * text). {@code quest.snapshot.payload_crc32c} covers every byte a session is restored from (tokens, logits, keys,
 * values, key bounds); {@code quest.snapshot.header_crc32c} covers the other entries.
 *
 * @param payloadCrc32c CRC32C of tokens, next logits, then per (layer, KV head): keys, values, key min, key max
 */
public record KvSnapshotHeader(int formatVersion, String documentId, String modelName, String modelFingerprint, int layers,
                               int heads, int kvHeads, int headDim, int vocabSize, int pageSize, int tokenCount,
                               long payloadCrc32c) {
    public static final int FORMAT_VERSION = 1;

    static final String VERSION = "quest.snapshot.format_version";
    static final String DOCUMENT_ID = "quest.document.id";
    static final String TOKEN_COUNT = "quest.document.token_count";
    static final String MODEL_NAME = "quest.model.name";
    static final String FINGERPRINT = "quest.model.fingerprint";
    static final String LAYERS = "quest.model.layers";
    static final String HEADS = "quest.model.heads";
    static final String KV_HEADS = "quest.model.kv_heads";
    static final String HEAD_DIM = "quest.model.head_dim";
    static final String VOCAB = "quest.model.vocab_size";
    static final String PAGE_SIZE = "quest.kv.page_size";
    static final String PAYLOAD_CRC = "quest.snapshot.payload_crc32c";
    static final String HEADER_CRC = "quest.snapshot.header_crc32c";

    /** The header of a snapshot of model with the given page size, tokens and payload checksum. */
    static KvSnapshotHeader of(ModelInfo model, String documentId, int pageSize, int tokenCount, long payloadCrc32c) {
        return new KvSnapshotHeader(FORMAT_VERSION, documentId, model.name(), model.fingerprint(), model.layers(), model.heads(),
                model.kvHeads(), model.headDim(), model.vocabSize(), pageSize, tokenCount, payloadCrc32c);
    }

    /** Pages per (layer, KV head). */
    public int pages() {
        return (tokenCount + pageSize - 1) / pageSize;
    }

    /** The schema metadata, header checksum included. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(VERSION, Integer.toString(formatVersion));
        m.put(DOCUMENT_ID, documentId);
        m.put(TOKEN_COUNT, Integer.toString(tokenCount));
        m.put(MODEL_NAME, modelName);
        m.put(FINGERPRINT, modelFingerprint);
        m.put(LAYERS, Integer.toString(layers));
        m.put(HEADS, Integer.toString(heads));
        m.put(KV_HEADS, Integer.toString(kvHeads));
        m.put(HEAD_DIM, Integer.toString(headDim));
        m.put(VOCAB, Integer.toString(vocabSize));
        m.put(PAGE_SIZE, Integer.toString(pageSize));
        m.put(PAYLOAD_CRC, PayloadChecksum.format(payloadCrc32c));
        m.put(HEADER_CRC, PayloadChecksum.format(headerCrc(m)));
        return m;
    }

    /** Parses and checks the metadata of file's schema. */
    static KvSnapshotHeader fromMetadata(Map<String, String> m, Path file) {
        if (m == null || !m.containsKey(VERSION)) {
            throw new KvSnapshotException(KvSnapshotException.Reason.NOT_A_SNAPSHOT, file,
                    "it is an Arrow IPC file without Quest KV snapshot metadata (" + VERSION + "); write snapshots with KvSnapshot.write");
        }
        String stored = m.get(HEADER_CRC);
        String actual = PayloadChecksum.format(headerCrc(m));
        if (!actual.equals(stored)) {
            throw corrupted(file, "its header checksum is " + actual + " but the file records " + stored);
        }
        int version = number(m, VERSION, file);
        if (version != FORMAT_VERSION) {
            throw new KvSnapshotException(KvSnapshotException.Reason.UNSUPPORTED_VERSION, file, "it has format version " + version
                    + " but this build reads version " + FORMAT_VERSION + "; snapshot the document again");
        }
        KvSnapshotHeader h = new KvSnapshotHeader(version, text(m, DOCUMENT_ID, file), text(m, MODEL_NAME, file),
                text(m, FINGERPRINT, file), number(m, LAYERS, file), number(m, HEADS, file), number(m, KV_HEADS, file),
                number(m, HEAD_DIM, file), number(m, VOCAB, file), number(m, PAGE_SIZE, file), number(m, TOKEN_COUNT, file),
                hex(m, PAYLOAD_CRC, file));
        if (h.layers < 1 || h.kvHeads < 1 || h.headDim < 1 || h.pageSize < 1 || h.tokenCount < 1 || h.vocabSize < 1) {
            throw corrupted(file, "its header has non-positive sizes: " + h);
        }
        return h;
    }

    /** Refuses a snapshot that another model, another shape or another page size made. */
    void checkCompatible(ModelInfo model, int sessionPageSize, Path file) {
        if (!modelFingerprint.equals(model.fingerprint())) {
            throw new KvSnapshotException(KvSnapshotException.Reason.OTHER_MODEL, file, "it was made with model '" + modelName
                    + "' (fingerprint " + modelFingerprint + ") but the engine runs '" + model.name() + "' (fingerprint "
                    + model.fingerprint() + "); prefill the document with this model and snapshot it again");
        }
        List<String> diffs = new ArrayList<>();
        diff(diffs, "layers", layers, model.layers());
        diff(diffs, "heads", heads, model.heads());
        diff(diffs, "KV heads", kvHeads, model.kvHeads());
        diff(diffs, "head dim", headDim, model.headDim());
        diff(diffs, "vocabulary", vocabSize, model.vocabSize());
        if (!diffs.isEmpty()) {
            throw new KvSnapshotException(KvSnapshotException.Reason.OTHER_SHAPE, file, "its shape differs from model '" + model.name()
                    + "': " + String.join(", ", diffs) + "; snapshot the document again");
        }
        if (pageSize != sessionPageSize) {
            throw new KvSnapshotException(KvSnapshotException.Reason.OTHER_PAGE_SIZE, file, "it was made with page-size " + pageSize
                    + " but the session uses page-size " + sessionPageSize + "; restore with page-size " + pageSize
                    + " or snapshot the document again with page-size " + sessionPageSize);
        }
    }

    static KvSnapshotException corrupted(Path file, String what) {
        return new KvSnapshotException(KvSnapshotException.Reason.CORRUPTED, file, "the file is corrupted: " + what
                + "; delete it and snapshot the document again");
    }

    private static void diff(List<String> diffs, String name, int snapshot, int model) {
        if (snapshot != model) {
            diffs.add(name + " " + snapshot + " in the snapshot vs " + model + " in the model");
        }
    }

    /** CRC32C over the entries other than the header checksum, sorted by key, as "key=value\n" in UTF-8. */
    private static long headerCrc(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(m).forEach((k, v) -> {
            if (!k.equals(HEADER_CRC)) {
                sb.append(k).append('=').append(v).append('\n');
            }
        });
        return new PayloadChecksum().update(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8))).value();
    }

    private static String text(Map<String, String> m, String key, Path file) {
        String v = m.get(key);
        if (v == null) {
            throw corrupted(file, "its header lacks " + key);
        }
        return v;
    }

    private static long hex(Map<String, String> m, String key, Path file) {
        String v = text(m, key, file);
        try {
            return Long.parseLong(v, 16);
        } catch (NumberFormatException e) {
            throw corrupted(file, key + " is '" + v + "', not a hexadecimal checksum");
        }
    }

    private static int number(Map<String, String> m, String key, Path file) {
        String v = text(m, key, file);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw corrupted(file, key + " is '" + v + "', not an integer");
        }
    }
}
