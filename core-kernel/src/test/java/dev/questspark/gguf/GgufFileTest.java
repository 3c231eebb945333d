package dev.questspark.gguf;

import dev.questspark.testing.TestModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Reads the real models and checks facts known from their READMEs and from the gguf Python package's reader. */
class GgufFileTest {

    @Test
    void storiesHeaderMatchesItsReadme() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.stories())) {
            assertEquals(3, f.version());
            assertEquals(32, f.alignment());
            assertEquals("llama", f.getString("general.architecture"));
            assertEquals("llama", f.getString("tokenizer.ggml.model"));
            assertEquals(5, f.getInt("llama.block_count"));
            assertEquals(64, f.getInt("llama.embedding_length"));
            assertEquals(172, f.getInt("llama.feed_forward_length"));
            assertEquals(8, f.getInt("llama.attention.head_count"));
            assertEquals(4, f.getInt("llama.attention.head_count_kv"));
            assertEquals(2048, f.getInt("llama.context_length"));
            assertEquals(1e-5f, f.getFloat("llama.attention.layer_norm_rms_epsilon", 0f), 1e-9f);
            assertEquals(512, f.getStringList("tokenizer.ggml.tokens").size());
            assertEquals(512, f.getFloatArray("tokenizer.ggml.scores").length);
            assertEquals(512, f.getIntArray("tokenizer.ggml.token_type").length);
            assertEquals(1, f.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(19, f.metadata().size());
            assertEquals("tokenizer.ggml.tokens", f.metadata().keySet().iterator().next(), "file order is kept");
        }
    }

    @Test
    void storiesTensorsAreAllF32WithTheReadmeShapes() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.stories())) {
            assertEquals(48, f.tensors().size()); // token_embd, output_norm, output + 9 per layer * 5
            assertTrue(f.tensors().stream().allMatch(t -> t.type() == GgmlType.F32));
            assertDims(f, "token_embd.weight", 64, 512);
            assertDims(f, "blk.0.attn_q.weight", 64, 64);
            assertDims(f, "blk.0.attn_k.weight", 64, 32);  // 4 KV heads * head_dim 8
            assertDims(f, "blk.4.ffn_gate.weight", 64, 172);
            assertDims(f, "blk.4.ffn_down.weight", 172, 64);
            assertDims(f, "output_norm.weight", 64);
            assertEquals(512, f.tensor("token_embd.weight").rows());
            assertEquals(64, f.tensor("token_embd.weight").cols());
            assertEquals(14176, f.tensor("token_embd.weight").offset()); // data section start, per gguf-py
            assertNull(f.tensor("blk.5.attn_q.weight"));
            long last = f.tensors().stream().mapToLong(t -> t.offset() + t.byteSize()).max().orElseThrow();
            assertEquals(Files.size(f.path()), last, "the last tensor ends at the end of the file");
        }
    }

    @Test
    void storiesTensorDataIsTheFileBytes() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.stories())) {
            for (GgufTensorInfo t : f.tensors()) {
                ByteBuffer data = f.tensorData(t);
                assertTrue(data.isDirect() && data.isReadOnly());
                assertEquals(ByteOrder.LITTLE_ENDIAN, data.order());
                assertEquals(t.byteSize(), data.capacity());
                assertEquals(t.byteSize(), data.remaining());
                assertEquals(fileBytes(f.path(), t.offset(), (int) t.byteSize()), data, t.name());
            }
            GgufTensorInfo norm = f.tensor("output_norm.weight");
            ByteBuffer a = f.tensorData(norm);
            a.position(8);
            assertEquals(0, f.tensorData(norm).position(), "every call returns an independent view");
            assertTrue(Float.isFinite(a.getFloat(0)));
        }
    }

    @Test
    void storiesGettersNameTheKeyAndFileOnMisuse() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.stories())) {
            GgufFormatException missing = assertThrows(GgufFormatException.class, () -> f.getInt("llama.nope"));
            assertTrue(missing.getMessage().contains("'llama.nope'") && missing.getMessage().contains("missing"));
            assertTrue(missing.getMessage().startsWith(f.path().toString()));
            assertEquals(7, f.getInt("llama.nope", 7));
            assertFalse(f.has("llama.nope"));
            // uint32 0xFFFFFFFF ("no token") does not fit an int: the error says so, getLong reads it
            GgufFormatException range = assertThrows(GgufFormatException.class,
                    () -> f.getInt("tokenizer.ggml.padding_token_id"));
            assertTrue(range.getMessage().contains("4294967295 is out of int range"), range.getMessage());
            assertEquals(4294967295L, f.getLong("tokenizer.ggml.padding_token_id"));
            GgufFormatException type = assertThrows(GgufFormatException.class,
                    () -> f.getInt("general.architecture"));
            assertTrue(type.getMessage().contains("found string \"llama\"; expected an integer"), type.getMessage());
            assertThrows(GgufFormatException.class, () -> f.getStringList("tokenizer.ggml.scores"));
            assertThrows(GgufFormatException.class, () -> f.getIntArray("tokenizer.ggml.scores"));
        }
    }

    @Test
    void smolLm2TensorsAndTokenizerMetadata() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.smolLm2())) {
            assertEquals(272, f.tensors().size());
            Map<GgmlType, Long> byType = f.tensors().stream()
                    .collect(Collectors.groupingBy(GgufTensorInfo::type, Collectors.counting()));
            assertEquals(Map.of(GgmlType.Q4_1, 210L, GgmlType.F32, 61L, GgmlType.Q8_0, 1L), byType);
            GgufTensorInfo embd = f.tensor("token_embd.weight");
            assertEquals(GgmlType.Q8_0, embd.type());
            assertArrayEquals(new long[] {576, 49152}, embd.dims());
            assertEquals(49152, embd.rows());
            assertEquals(576, embd.cols());
            assertEquals(1785664, embd.offset()); // data section start, per gguf-py
            assertEquals(30081024, embd.byteSize());
            assertEquals(30, f.getInt("llama.block_count"));
            assertEquals(100000f, f.getFloat("llama.rope.freq_base", 0f));
            assertEquals("gpt2", f.getString("tokenizer.ggml.model"));
            assertEquals("smollm", f.getString("tokenizer.ggml.pre"));
            assertFalse(f.getBoolean("tokenizer.ggml.add_bos_token", true));
            assertEquals(49152, f.getStringList("tokenizer.ggml.tokens").size());
            assertEquals(48900, f.getStringList("tokenizer.ggml.merges").size());
            assertEquals(List.of("en"), f.getStringList("general.languages"));
            assertTrue(f.getString("tokenizer.chat_template").contains("<|im_start|>"));
            Map<String, GgufTensorInfo> byName = f.tensors().stream()
                    .collect(Collectors.toMap(GgufTensorInfo::name, Function.identity()));
            GgufTensorInfo q = byName.get("blk.29.attn_q.weight");
            assertEquals(GgmlType.Q4_1, q.type());
            assertEquals(576L / 32 * 20 * 576, q.byteSize());
            assertEquals(fileBytes(f.path(), q.offset(), (int) q.byteSize()), f.tensorData(q));
            assertEquals(fileBytes(f.path(), embd.offset(), 4096), f.tensorData(embd).limit(4096));
        }
    }

    private static void assertDims(GgufFile f, String name, long... dims) {
        assertArrayEquals(dims, f.tensor(name).dims(), name);
    }

    private static ByteBuffer fileBytes(Path file, long offset, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining() && ch.read(b, offset + b.position()) >= 0) {
                continue;
            }
            return b.flip();
        }
    }
}
