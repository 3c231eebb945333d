package dev.questspark.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code gpt2} tokenizer: words from the pre-tokenizer, their UTF-8 bytes written in GPT-2's byte alphabet, then
 * byte-pair merges by rank. Words repeat a lot in real text, so each word's ids are cached.
 */
final class ByteLevelBpeTokenizer extends BaseTokenizer {
    private static final int CACHE_LIMIT = 100_000;

    private final PreTokenizers.Spec pre;
    private final BpeMerger merger;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    ByteLevelBpeTokenizer(Vocabulary vocab, SpecialTokens specials, PreTokenizers.Spec pre, BpeMerger merger,
            boolean addBos, boolean addSpacePrefix) {
        super(vocab, specials, addBos, addSpacePrefix, pre.cleanSpaces());
        this.pre = pre;
        this.merger = merger;
        computePieces();
    }

    static ByteLevelBpeTokenizer fromMetadata(Map<String, Object> md) {
        PreTokenizers.Spec pre = PreTokenizers.forName(MetadataValues.string(md, "tokenizer.ggml.pre"));
        String[] merges = MetadataValues.strings(md, "tokenizer.ggml.merges");
        if (merges == null) {
            throw new TokenizerException("GGUF metadata has no 'tokenizer.ggml.merges', which a gpt2 tokenizer needs");
        }
        Vocabulary vocab = Vocabulary.fromMetadata(md);
        // llama.cpp's defaults for BPE vocabularies: BOS and EOS both 11 when the file names neither.
        SpecialTokens specials = SpecialTokens.resolve(md, vocab, 11, 11, -1);
        boolean addBos = flag(md, "tokenizer.ggml.add_bos_token", pre.addBos());
        boolean addSpacePrefix = flag(md, "tokenizer.ggml.add_space_prefix", false);
        return new ByteLevelBpeTokenizer(vocab, specials, pre, new BpeMerger(merges), addBos, addSpacePrefix);
    }

    @Override
    public String model() {
        return "gpt2";
    }

    @Override
    byte[] normalPiece(String text) {
        return ByteLevelCodec.decode(text);
    }

    @Override
    void encodeText(String text, boolean afterSpecial, IntList out) {
        int[] cps = Codepoints.of(text);
        IntList lengths = pre.split(cps);
        int start = 0;
        for (int i = 0; i < lengths.size(); i++) {
            int end = start + lengths.get(i);
            String word = ByteLevelCodec.encode(cps, start, end);
            int[] ids = wordCache.get(word);
            if (ids == null) {
                ids = wordIds(word);
                if (wordCache.size() >= CACHE_LIMIT) {
                    wordCache.clear();
                }
                wordCache.put(word, ids);
            }
            out.addAll(ids);
            start = end;
        }
    }

    /** Ids of one word given in the byte alphabet. */
    int[] wordIds(String word) {
        if (pre.ignoreMerges()) {
            int whole = vocab.idOf(word);
            if (whole >= 0) {
                return new int[] {whole};
            }
        }
        List<String> symbols = merger.merge(word);
        IntList ids = new IntList(symbols.size());
        for (String s : symbols) {
            int id = vocab.idOf(s);
            if (id >= 0) {
                ids.add(id);
            } else {
                addSingleByteTokens(s, ids);
            }
        }
        return ids.toArray();
    }

    /**
     * A merged symbol missing from the vocabulary falls back, as in llama.cpp, to tokens whose text is a single byte
     * of it; in the byte alphabet only ASCII bytes can be such texts, and bytes without a token are dropped.
     */
    private void addSingleByteTokens(String symbol, IntList ids) {
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0) {
                int id = vocab.idOf(String.valueOf((char) b));
                if (id >= 0) {
                    ids.add(id);
                }
            }
        }
    }
}
