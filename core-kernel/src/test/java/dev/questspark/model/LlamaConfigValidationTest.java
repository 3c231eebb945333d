package dev.questspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.Engine;
import dev.questspark.engine.ModelInfo;
import dev.questspark.engine.ModelLoadException;
import dev.questspark.gguf.GgmlType;
import dev.questspark.gguf.GgufEdit;
import dev.questspark.gguf.GgufFormatException;
import dev.questspark.testing.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Absurd hyper-parameters in stories260K's metadata are rejected by {@link Engine#validate} with a
 * {@link GgufFormatException} naming the key and what it accepts, before any buffer is sized from them or any
 * native code runs.
 */
class LlamaConfigValidationTest {
    private static byte[] stories;

    @TempDir
    Path dir;

    @BeforeAll
    static void read() throws IOException {
        stories = Files.readAllBytes(TestModels.stories());
    }

    /** Validates the edited file; returns the GGUF error behind the load failure, after checking the one-line message. */
    private GgufFormatException rejected(byte[] file, String... parts) throws IOException {
        Path p = Files.write(dir.resolve("edited.gguf"), file);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Engine.validate(p));
        assertTrue(e.getMessage().startsWith("cannot load model " + p + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' missing from: " + e.getMessage());
        }
        return assertInstanceOf(GgufFormatException.class, e.getCause());
    }

    private static byte[] u32(String key, long value) {
        return GgufEdit.withKv(stories, key, GgufEdit.UINT32, value);
    }

    private static byte[] f32(String key, float value) {
        return GgufEdit.withKv(stories, key, GgufEdit.FLOAT32, value);
    }

    @Test
    void theUneditedModelValidates() throws IOException {
        Path p = Files.write(dir.resolve("same.gguf"), GgufEdit.withKv(stories, "llama.block_count", GgufEdit.UINT32, 5));
        ModelInfo info = Engine.validate(p);
        assertEquals(5, info.layers());
        assertEquals(8, info.heads());
        assertEquals(512, info.vocabSize());
    }

    @Test
    void headCountZeroIsNamedNotADivisionByZero() throws IOException {
        rejected(u32("llama.attention.head_count", 0), "metadata key 'llama.attention.head_count'", "0 is out of range",
                "expected 1 to 1024");
    }

    @Test
    void kvHeadsMustDivideHeads() throws IOException {
        rejected(u32("llama.attention.head_count_kv", 3), "'llama.attention.head_count_kv'", "3 does not divide head_count 8");
        rejected(u32("llama.attention.head_count_kv", 16), "'llama.attention.head_count_kv'", "expected 1 to 8");
        rejected(u32("llama.attention.head_count_kv", 0), "'llama.attention.head_count_kv'", "0 is out of range");
    }

    @Test
    void contextLengthNearTwoToThe31IsRejected() throws IOException {
        for (long n : new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 7, 1L << 31, 0xFFFFFFFFL, LlamaConfig.MAX_CONTEXT + 1L, 0}) {
            rejected(u32("llama.context_length", n), "'llama.context_length'", n + " is out of range",
                    "expected 1 to " + LlamaConfig.MAX_CONTEXT);
        }
        rejected(GgufEdit.withKv(stories, "llama.context_length", GgufEdit.UINT64, 1L << 40), "'llama.context_length'",
                "1099511627776 is out of range");
    }

    @Test
    void nonFiniteOrNonPositiveRmsEpsilonIsRejected() throws IOException {
        for (float eps : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -1e-5f, 2f}) {
            rejected(f32("llama.attention.layer_norm_rms_epsilon", eps), "'llama.attention.layer_norm_rms_epsilon'",
                    eps + " is not a finite positive number up to 1.0", "1e-5");
        }
        rejected(GgufEdit.withKv(stories, "llama.attention.layer_norm_rms_epsilon", GgufEdit.FLOAT64, 1e300),
                "'llama.attention.layer_norm_rms_epsilon'", "out of float range");
    }

    @Test
    void nonFiniteOrNonPositiveRopeBaseIsRejected() throws IOException {
        for (float base : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0f, -10000f}) {
            rejected(f32("llama.rope.freq_base", base), "'llama.rope.freq_base'", base + " is not a finite positive number",
                    "such as 10000");
        }
    }

    @Test
    void headAndRopeDimsMustBeEvenAndFitTheHead() throws IOException {
        rejected(u32("llama.rope.dimension_count", 16), "'llama.rope.dimension_count'", "16 is out of range; expected 2 to 8");
        rejected(u32("llama.rope.dimension_count", 5), "'llama.rope.dimension_count'", "5 is odd");
        rejected(u32("llama.rope.dimension_count", 0), "'llama.rope.dimension_count'", "0 is out of range");
        rejected(u32("llama.attention.key_length", 2048), "'llama.attention.key_length'", "expected 2 to 1024");
        rejected(u32("llama.attention.key_length", 7), "'llama.attention.key_length'", "7 is odd");
        rejected(u32("llama.attention.value_length", 16), "'llama.attention.value_length'", "16 differs from key_length 8");
        rejected(u32("llama.attention.head_count", 12), "'llama.attention.key_length'",
                "is absent and its default, embedding_length 64 / head_count 12, is not an even whole number");
    }

    @Test
    void sizesBeyondTheirLimitsAreRejected() throws IOException {
        rejected(u32("llama.block_count", 0), "'llama.block_count'", "0 is out of range; expected 1 to 1024");
        rejected(u32("llama.block_count", 0xFFFFFFFFL), "'llama.block_count'", "4294967295 is out of range");
        rejected(u32("llama.embedding_length", 1L << 31), "'llama.embedding_length'", "expected 1 to 65536");
        rejected(u32("llama.feed_forward_length", 0), "'llama.feed_forward_length'", "expected 1 to 1048576");
        rejected(u32("llama.attention.head_count", 4096), "'llama.attention.head_count'", "expected 1 to 1024");
    }

    @Test
    void hyperParametersDisagreeingWithTheTensorsAreNamed() throws IOException {
        rejected(u32("llama.embedding_length", 128), "tensor 'token_embd.weight' dims", "[64, 512]", "need [128, 512]");
        rejected(u32("llama.feed_forward_length", 171), "tensor 'blk.0.ffn_gate.weight' dims", "need [64, 171]");
        rejected(u32("llama.block_count", 6), "tensor 'blk.5.attn_norm.weight'", "is missing");
        rejected(u32("llama.attention.head_count_kv", 8), "tensor 'blk.0.attn_k.weight' dims", "need [64, 64]");
    }

    /** Llama 3.1's rope_freqs divide each channel pair's angle: a zero or non-finite factor would rotate by NaN. */
    @Test
    void ropeFrequencyFactorsMustBeFinitePositive() throws IOException {
        assertEquals(8, Engine.validate(Files.write(dir.resolve("good.gguf"), ropeFreqs(1f, 1f, 2f, 8f))).heads());
        rejected(ropeFreqs(1f, 0f, 1f, 1f), "tensor 'rope_freqs.weight' element 1", "0.0 is not a finite positive number");
        rejected(ropeFreqs(1f, 1f, Float.NaN, 1f), "tensor 'rope_freqs.weight' element 2", "NaN");
        rejected(ropeFreqs(1f, 1f, 1f, Float.POSITIVE_INFINITY), "tensor 'rope_freqs.weight' element 3", "Infinity");
        rejected(ropeFreqs(-1f, 1f, 1f, 1f), "tensor 'rope_freqs.weight' element 0", "-1.0");
    }

    /** stories260K with a rope_freqs tensor of these factors (rope dim 8: 4 pairs). */
    private static byte[] ropeFreqs(float... factors) {
        ByteBuffer b = ByteBuffer.allocate(4 * factors.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : factors) {
            b.putFloat(f);
        }
        return GgufEdit.withTensor(stories, "rope_freqs.weight", GgmlType.F32, new long[] {factors.length}, b.array());
    }

    @Test
    void missingRequiredKeysAreNamed() throws IOException {
        rejected(GgufEdit.withoutKv(stories, "llama.attention.head_count"), "metadata key 'llama.attention.head_count'",
                "missing");
        rejected(GgufEdit.withKv(stories, "llama.block_count", GgufEdit.STRING, "five"), "metadata key 'llama.block_count'");
    }
}
