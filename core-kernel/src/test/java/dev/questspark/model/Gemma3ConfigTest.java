package dev.questspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.gguf.GgufFile;
import dev.questspark.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * Gemma 3 270M's hyper-parameters as llama.cpp reads them: from gemma3.* metadata, plus what llama.cpp fixes in code
 * (every sixth layer global, RoPE base 10000 on the sliding-window layers, attention scale 1/sqrt(head dim)).
 */
class Gemma3ConfigTest {
    @Test
    void gemma3MetadataAndLlamaCppDefaults() throws Exception {
        try (GgufFile gguf = GgufFile.open(TestModels.gemma3())) {
            LlamaConfig c = LlamaConfig.from(gguf, 262144);
            assertEquals("gemma3", c.architecture());
            assertEquals(640, c.dim());
            assertEquals(18, c.layers());
            assertEquals(4, c.heads());
            assertEquals(1, c.kvHeads());
            assertEquals(256, c.headDim());
            assertEquals(1024, c.qDim());
            assertEquals(2048, c.ffnDim());
            assertEquals(32768, c.contextLength());
            assertEquals(1_000_000f, c.ropeBase());
            assertTrue(c.ropeNeox(), "gemma3 rotates NEOX-style pairs");
            BlockVariant v = BlockVariant.of(gguf, c);
            assertEquals(512, v.slidingWindow());
            for (int l = 0; l < 18; l++) {
                assertEquals(l % 6 != 5, v.slides(l), "layer " + l + " slides");
            }
            assertEquals(10000f, v.ropeBaseSliding());
            assertEquals(1f, v.queryScale(), "1/sqrt(256) is already the attention's scale");
            assertEquals((float) Math.sqrt(640), v.embeddingScale());
            assertEquals(0f, v.logitSoftcap(), "the file has no final_logit_softcapping");
            assertTrue(v.qkNorm() && v.postNorms() && v.geluGate());
            LlamaWeights w = new LlamaWeights(gguf, c, v);
            assertEquals(w.tokenEmbedding, w.output, "the classifier is the tied embedding");
        }
    }
}
