package dev.questspark.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The {@code llama} tokenizer (SentencePiece BPE): spaces become U+2581, a space is put before the text when it starts
 * the input or follows a special token, then adjacent pieces merge while their union is a vocabulary piece, highest
 * score first (leftmost on ties). Characters no piece covers become byte tokens {@code <0xXX>}.
 */
final class SentencePieceTokenizer extends BaseTokenizer {
    static final char SPACE_MARK = '\u2581';

    private final boolean addSpacePrefix;
    private final int[] byteTokens = new int[256]; // (byte) id of <0xXX>, or -1

    private record Candidate(int left, int right, float score, int size) {
    }

    SentencePieceTokenizer(Vocabulary vocab, SpecialTokens specials, boolean addBos, boolean addSpacePrefix) {
        super(vocab, specials, addBos, addSpacePrefix, false);
        this.addSpacePrefix = addSpacePrefix;
        for (int b = 0; b < 256; b++) {
            int id = vocab.idOf(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) {
                id = vocab.idOf(String.valueOf((char) b));
            }
            byteTokens[b] = id;
        }
        computePieces();
    }

    static SentencePieceTokenizer fromMetadata(Map<String, Object> md) {
        Vocabulary vocab = Vocabulary.fromMetadata(md);
        SpecialTokens specials = SpecialTokens.resolve(md, vocab, 1, 2, 0);
        boolean addBos = flag(md, "tokenizer.ggml.add_bos_token", true);
        boolean addSpacePrefix = flag(md, "tokenizer.ggml.add_space_prefix", true);
        return new SentencePieceTokenizer(vocab, specials, addBos, addSpacePrefix);
    }

    @Override
    public String model() {
        return "llama";
    }

    @Override
    byte[] normalPiece(String text) {
        return text.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    void encodeText(String raw, boolean afterSpecial, IntList out) {
        String text = (addSpacePrefix && afterSpecial ? " " + raw : raw).replace(' ', SPACE_MARK);
        int[] cps = Codepoints.of(text);
        int n = cps.length;
        if (n == 0) {
            return;
        }
        int[] start = new int[n]; // symbol i covers cps[start[i], start[i] + len[i])
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = i;
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(n, (a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            offer(queue, cps, start, len, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            // A side that merged since this pair was queued has changed length (or is gone).
            if (len[c.left] == 0 || len[c.right] == 0 || len[c.left] + len[c.right] != c.size) {
                continue;
            }
            len[c.left] += len[c.right];
            len[c.right] = 0;
            next[c.left] = next[c.right];
            if (next[c.right] >= 0) {
                prev[next[c.right]] = c.left;
            }
            offer(queue, cps, start, len, prev[c.left], c.left);
            offer(queue, cps, start, len, c.left, next[c.left]);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            emit(new String(cps, start[i], len[i]), out);
        }
    }

    private void offer(PriorityQueue<Candidate> queue, int[] cps, int[] start, int[] len, int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        int size = len[left] + len[right];
        int id = vocab.idOf(new String(cps, start[left], size));
        if (id >= 0) {
            queue.add(new Candidate(left, right, vocab.score(id), size));
        }
    }

    /**
     * A merged symbol is always a vocabulary piece (only such pairs are queued); a single character may not be, and
     * then its UTF-8 bytes are emitted as byte tokens.
     */
    private void emit(String symbol, IntList out) {
        int id = vocab.idOf(symbol);
        if (id >= 0) {
            out.add(id);
            return;
        }
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            int byteId = byteTokens[b & 0xFF];
            if (byteId < 0) {
                byteId = specials.unk();
            }
            if (byteId < 0) {
                throw new TokenizerException(String.format("the vocabulary has no token for byte 0x%02X (no <0x%02X>"
                        + " byte token and no unknown token), so '%s' cannot be encoded", b & 0xFF, b & 0xFF, symbol));
            }
            out.add(byteId);
        }
    }
}
