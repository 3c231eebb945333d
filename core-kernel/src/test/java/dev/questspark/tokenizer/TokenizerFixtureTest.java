package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The golden tokenizer test: for every recorded string, our ids and decoded text equal llama.cpp's on the same GGUF
 * file (SmolLM2-135M-Instruct: gpt2/smollm; stories260K and Gemma 3 270M: llama/SentencePiece).
 */
class TokenizerFixtureTest {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFixtureTest.class);
    private static final Map<Path, String> SHA256 = new ConcurrentHashMap<>();
    private static final Map<String, Tokenizer> VARIANTS = new ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicTest> smollm2MatchesLlamaCpp() {
        return casesFor("smollm2-135m-instruct.jsonl");
    }

    @TestFactory
    Stream<DynamicTest> stories260kMatchesLlamaCpp() {
        return casesFor("stories260k.jsonl");
    }

    /** Gemma 3's 262,144-token SentencePiece vocabulary: no space prefix, user-defined runs of spaces and newlines. */
    @TestFactory
    Stream<DynamicTest> gemma3MatchesLlamaCpp() {
        return casesFor("gemma3-270m.jsonl");
    }

    /** SmolLM2's vocabulary under other pre-tokenizers (llama.cpp read copies of the file with another name). */
    @TestFactory
    Stream<DynamicTest> otherPreTokenizersMatchLlamaCpp() {
        return Stream.of("llama-bpe", "qwen2", "gpt-2", "default")
                .flatMap(pre -> casesFor("smollm2-pre-" + pre + ".jsonl"));
    }

    private static Stream<DynamicTest> casesFor(String resource) {
        TokenizerFixtures fx = TokenizerFixtures.load(resource);
        List<DynamicTest> tests = new ArrayList<>();
        String prefix = fx.meta.pre() == null ? "" : "[" + fx.meta.pre() + "] ";
        tests.add(DynamicTest.dynamicTest(prefix + "special token ids", () -> {
            Tokenizer tok = tokenizerFor(fx);
            assertEquals(fx.meta.addBos(), tok.addBosByDefault(), "add BOS by default");
            assertEquals(fx.meta.bos(), tok.bos(), "bos");
            assertEquals(fx.meta.eos(), tok.eos(), "eos");
            assertEquals(fx.meta.eot(), tok.eot(), "eot");
            assertArrayEquals(fx.meta.eog(), tok.endOfGenerationIds(), "end-of-generation ids");
        }));
        for (TokenizerFixtures.Case c : fx.cases) {
            String name = prefix + (c.special() ? "special " : "") + printable(c.text());
            tests.add(DynamicTest.dynamicTest(name, () -> check(tokenizerFor(fx), c)));
        }
        for (TokenizerFixtures.Document d : fx.documents) {
            tests.add(DynamicTest.dynamicTest(prefix + "document " + d.resource(), () -> checkDocument(tokenizerFor(fx), d)));
        }
        return tests.stream();
    }

    private static void check(Tokenizer tok, TokenizerFixtures.Case c) {
        int[] ids = tok.encode(c.text(), false, c.special());
        assertArrayEquals(c.ids(), ids, () -> "ids of " + printable(c.text()) + ": expected "
                + Arrays.toString(c.ids()) + " got " + Arrays.toString(ids));
        assertEquals(c.decoded(), tok.decode(c.ids()), "decode");
        assertEquals(c.decodedSpecial(), tok.decode(c.ids(), true), "decode rendering special tokens");
        if (c.decoded().equals(c.text())) {
            assertEquals(c.text(), tok.decode(ids), "round trip");
        }
        assertStreamReassembles(tok, c.ids());
    }

    /** A long mixed document; the encode time is logged (cold: empty word cache; warm: second run). */
    private static void checkDocument(Tokenizer tok, TokenizerFixtures.Document d) {
        String text = d.text();
        long t0 = System.nanoTime();
        int[] ids = tok.encode(text, false, false);
        long t1 = System.nanoTime();
        int[] again = tok.encode(text, false, false);
        long t2 = System.nanoTime();
        assertArrayEquals(d.ids(), ids, "ids of " + d.resource());
        assertArrayEquals(ids, again, "ids of a second encode (word cache warm)");
        assertEquals(text, tok.decode(ids), "round trip of " + d.resource());
        LOG.info("{} ({}): {} chars -> {} tokens, encode {} ms cold, {} ms warm", d.resource(), tok.model(),
                text.length(), ids.length, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    /** Streaming yields the bytes of all pieces, and never splits a character that the whole text has intact. */
    private static void assertStreamReassembles(Tokenizer tok, int[] ids) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        TokenStreamDecoder stream = tok.streamDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            all.writeBytes(tok.tokenBytes(id));
            streamed.append(stream.push(id));
        }
        streamed.append(stream.flush());
        String whole = all.toString(StandardCharsets.UTF_8);
        assertEquals(whole, streamed.toString(), "streamed text");
        if (whole.indexOf('\uFFFD') < 0) {
            assertFalse(streamed.toString().contains("\uFFFD"), "stream emitted half a character");
        }
    }

    private static Tokenizer tokenizerFor(TokenizerFixtures fx) {
        Path model = TokenizerTestModels.model(fx.meta.file());
        assumeTrue(fx.meta.sha256().equals(sha256(model)), model + " is not the file the fixtures were recorded"
                + " from (sha256 " + fx.meta.sha256() + ")");
        if (fx.meta.pre() == null) {
            return TokenizerTestModels.tokenizer(model);
        }
        return VARIANTS.computeIfAbsent(fx.meta.pre(), pre -> {
            Map<String, Object> md = new HashMap<>(TokenizerTestModels.metadata(model));
            fx.meta.dropped().forEach(md::remove);
            md.put("tokenizer.ggml.pre", pre);
            return Tokenizer.fromMetadata(md);
        });
    }

    private static String sha256(Path file) {
        return SHA256.computeIfAbsent(file, f -> {
            try (InputStream in = new DigestInputStream(Files.newInputStream(f),
                    MessageDigest.getInstance("SHA-256"))) {
                in.transferTo(OutputStreamSink.INSTANCE);
                return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                case '\r': sb.append("\\r"); break;
                default: sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    /** Discards what is written; the digest stream only needs reading through. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
