package dev.questspark.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** What both vocabularies share: special token splitting, BOS, token pieces and llama.cpp's detokenizer. */
abstract class BaseTokenizer implements Tokenizer {
    private static final byte[] EMPTY = new byte[0];

    final Vocabulary vocab;
    final SpecialTokens specials;
    private final SpecialTokenSplitter splitter;
    private final boolean addBos;
    private final boolean addSpacePrefix;
    private final boolean cleanSpaces;
    private final byte[][] pieces; // (vocab) bytes each token adds to decoded text

    BaseTokenizer(Vocabulary vocab, SpecialTokens specials, boolean addBos, boolean addSpacePrefix,
            boolean cleanSpaces) {
        this.vocab = vocab;
        this.specials = specials;
        this.splitter = new SpecialTokenSplitter(vocab);
        this.addBos = addBos;
        this.addSpacePrefix = addSpacePrefix;
        this.cleanSpaces = cleanSpaces;
        this.pieces = new byte[vocab.size()][];
    }

    /** Bytes of a normal token's text: U+2581 as space for SentencePiece, the byte alphabet for byte-level BPE. */
    abstract byte[] normalPiece(String text);

    /** Appends the ids of raw text (no special tokens in it); {@code afterSpecial} is true at the start too. */
    abstract void encodeText(String text, boolean afterSpecial, IntList out);

    /** Fills the piece table; subclasses call this once their own fields are set. */
    final void computePieces() {
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = piece(id);
        }
    }

    private byte[] piece(int id) {
        int attrs = vocab.attrs(id);
        if ((attrs & (Vocabulary.ATTR_UNKNOWN | Vocabulary.ATTR_CONTROL)) != 0) {
            return EMPTY;
        }
        if ((attrs & Vocabulary.ATTR_USER_DEFINED) != 0) {
            return vocab.text(id).getBytes(StandardCharsets.UTF_8);
        }
        if ((attrs & Vocabulary.ATTR_NORMAL) != 0) {
            return normalPiece(vocab.text(id));
        }
        if ((attrs & Vocabulary.ATTR_BYTE) != 0) {
            int b = vocab.byteValue(id);
            return b < 0 ? EMPTY : new byte[] {(byte) b};
        }
        // Unused and undefined tokens are silent, like control tokens.
        return EMPTY;
    }

    byte[] piece(int id, boolean renderSpecial) {
        checkId(id);
        if (renderSpecial && (vocab.attrs(id) & (Vocabulary.ATTR_UNKNOWN | Vocabulary.ATTR_CONTROL)) != 0) {
            return vocab.text(id).getBytes(StandardCharsets.UTF_8);
        }
        return pieces[id];
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        if (addBos) {
            if (specials.bos() < 0) {
                throw new TokenizerException("this model has no BOS token; encode with addBos = false");
            }
            out.add(specials.bos());
        }
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            if (f.isToken()) {
                out.add(f.token());
                afterSpecial = true;
            } else {
                encodeText(text.substring(f.start(), f.end()), afterSpecial, out);
                afterSpecial = false;
            }
        }
        return out.toArray();
    }

    @Override
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        // llama.cpp removes the space a SentencePiece model put before the first word.
        boolean stripSpace = addSpacePrefix;
        for (int id : ids) {
            byte[] p = piece(id, renderSpecial);
            int skip = stripSpace && p.length > 0 && p[0] == ' ' ? 1 : 0;
            out.write(p, skip, p.length - skip);
            stripSpace = false;
        }
        byte[] bytes = out.toByteArray();
        if (cleanSpaces) {
            bytes = SpaceCleanup.apply(bytes);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public TokenStreamDecoder streamDecoder(boolean renderSpecial) {
        return new TokenStreamDecoder(id -> piece(id, renderSpecial));
    }

    @Override
    public byte[] tokenBytes(int id) {
        return piece(id, false).clone();
    }

    @Override
    public String tokenText(int id) {
        checkId(id);
        return vocab.text(id);
    }

    @Override
    public TokenType tokenType(int id) {
        checkId(id);
        return vocab.type(id);
    }

    @Override
    public boolean isSpecial(int id) {
        checkId(id);
        int mask = Vocabulary.ATTR_CONTROL | Vocabulary.ATTR_USER_DEFINED | Vocabulary.ATTR_UNKNOWN;
        return (vocab.attrs(id) & mask) != 0;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bos() {
        return specials.bos();
    }

    @Override
    public int eos() {
        return specials.eos();
    }

    @Override
    public int eot() {
        return specials.eot();
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        return specials.isEndOfGeneration(id);
    }

    @Override
    public int[] endOfGenerationIds() {
        return specials.endOfGenerationIds();
    }

    @Override
    public boolean addBosByDefault() {
        return addBos;
    }

    void checkId(int id) {
        if (!vocab.contains(id)) {
            throw new TokenizerException("token id " + id + " is outside the vocabulary of " + vocab.size()
                    + " tokens");
        }
    }

    static boolean flag(java.util.Map<String, Object> md, String key, boolean fallback) {
        Boolean b = MetadataValues.bool(md, key);
        return b == null ? fallback : b;
    }
}
