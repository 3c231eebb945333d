package dev.questspark.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.questspark.engine.GenerationConfig;
import dev.questspark.engine.Penalties;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every row of the settings table, and the records the engine gets from it. */
class SettingsTest {
    @Test
    void everyRowHasAUniqueNameAndParamAValidDefaultAndHelp() {
        Set<String> names = new HashSet<>();
        Set<String> params = new HashSet<>();
        for (Setting<?> s : Settings.table()) {
            assertTrue(names.add(s.name()), s.name());
            assertTrue(params.add(s.paramName()), s.paramName());
            assertTrue(s.name().matches("[a-z][a-z0-9-]*"), s.name());
            assertTrue(!s.help().isBlank() && !s.placeholder().isBlank(), s.name());
            assertEquals(null, check(s, s.defaultValue()), s.name());
            assertEquals(s, Settings.named(s.name()));
        }
        assertEquals(null, Settings.named("no-such-setting"));
    }

    @SuppressWarnings("unchecked")
    private static <T> String check(Setting<T> s, Object v) {
        return s.problem((T) v);
    }

    @Test
    void everyValueRoundTripsThroughText() {
        Settings s = Settings.of(Map.of("attention", "quest", "page-size", "8", "token-budget", "256", "temperature", "0.7",
                "seed", "7", "kv-memory-budget", "512m", "chat", "yes", "token-budget-fraction", "0.125", "gqa-policy", "PER-HEAD"));
        assertEquals(s, Settings.of(s.toStrings()));
        assertEquals(Settings.defaults(), Settings.of(Settings.defaults().toStrings()));
        assertEquals("on", s.get(Settings.CHAT));
        assertEquals("per-head", s.get(Settings.GQA_POLICY));
        assertEquals(512L << 20, s.get(Settings.KV_MEMORY_BUDGET));
        assertEquals("512m", s.toStrings().get("kv-memory-budget"));
        assertEquals(List.copyOf(Settings.defaults().toStrings().keySet()),
                Settings.table().stream().map(Setting::name).toList(), "table order");
    }

    @Test
    void unknownNamesAreIgnoredAndTypedValuesAccepted() {
        Settings s = Settings.of(Map.of("page-size", 32, "top-p", 0.5, "master", "local[2]"));
        assertEquals(32, s.get(Settings.PAGE_SIZE));
        assertEquals(0.5f, s.get(Settings.TOP_P));
        assertEquals(s, Settings.defaults().with(Map.of("page-size", "32", "top-p", "0.5", "input", "x")));
        assertEquals(s, Settings.defaults().with(Settings.PAGE_SIZE, 32).with(Settings.TOP_P, 0.5f));
    }

    @Test
    void theStrictestRulesHold() {
        assertEquals("setting page-size must be 8, 16, 32 or 64, got '12'",
                assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("page-size", "12"))).getMessage());
        assertEquals("setting page-size must be an integer, got 'big'",
                assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("page-size", "big"))).getMessage());
        assertEquals("setting attention must be dense or quest, got 'sparse'",
                assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("attention", "sparse"))).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of("token-budget", "16", "page-size", "16")));
        assertTrue(e.getMessage().contains("token-budget must be at least two pages"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.defaults().with(Settings.SINK_PAGES, -1));
        assertTrue(e.getMessage().contains("sink-pages") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("top-p", "0")));
        assertTrue(e.getMessage().contains("top-p must be in (0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("max-tokens", "0")));
        assertTrue(e.getMessage().contains("max-tokens must be at least 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("qa-chunk-tokens", "8")));
        assertTrue(e.getMessage().contains("qa-chunk-tokens must be at least 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("chat", "maybe")));
        assertTrue(e.getMessage().contains("chat must be auto, on or off"), e.getMessage());
    }

    @Test
    void kvMemoryBudgetReadsSuffixesAndReachesTheCacheConfig() {
        assertEquals(PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET, Settings.defaults().get(Settings.KV_MEMORY_BUDGET));
        assertEquals("4g", Settings.defaults().toStrings().get("kv-memory-budget"));
        for (Map.Entry<String, Long> c : Map.of("1000", 1000L, "64k", 64L << 10, "512M", 512L << 20, "2g", 2L << 30,
                "2GiB", 2L << 30, "3gb", 3L << 30, "1t", 1L << 40).entrySet()) {
            Settings s = Settings.of(Map.of("kv-memory-budget", c.getKey()));
            assertEquals(c.getValue(), s.get(Settings.KV_MEMORY_BUDGET), c.getKey());
            assertEquals(c.getValue(), s.quest().kvMemoryBudget(), c.getKey());
        }
        for (String bad : new String[] {"0", "-5", "lots", "4x", "9999999t", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Settings.of(Map.of("kv-memory-budget", bad)), bad);
            assertTrue(e.getMessage().startsWith("setting kv-memory-budget must be"), e.getMessage());
        }
    }

    @Test
    void theEngineRecordsFollowTheSettings() {
        Settings s = Settings.of(Map.of("attention", "quest", "token-budget", "2048", "page-size", "32", "dense-layers", "0",
                "gqa-policy", "per-head", "sink-pages", "3", "token-budget-fraction", "0.25", "kv-memory-budget", "1g"));
        QuestConfig q = new QuestConfig(QuestConfig.Attention.QUEST, 2048, 32, 0, QuestConfig.GqaPolicy.PER_HEAD, 3, 0.25, 1L << 30)
                .withRerankFactor(QuestConfig.RERANK_BY_MODEL);
        assertEquals(q, s.quest());
        assertEquals(s, Settings.defaults().withQuest(q));
        assertTrue(s.questAttention());
        assertEquals(QuestConfig.quest().withPageSize(Settings.JOB_PAGE_SIZE).withRerankFactor(QuestConfig.RERANK_BY_MODEL),
                Settings.defaults().quest(), "the job defaults: the engine's Quest with pages of 8, the model's rerank factor");
        GenerationConfig g = Settings.of(Map.of("max-tokens", "12", "temperature", "0.5", "top-k", "3", "top-p", "0.9",
                "seed", "9")).generation();
        assertEquals(new GenerationConfig(12, 0.5f, 3, 0.9f, 9L, List.of(), new Penalties(1f, 64, 0f, 0f, 4)), g);
        assertTrue(Settings.defaults().generation().isGreedy());
    }

    @Test
    void settingsSerializeForTheExecutors() throws Exception {
        Settings s = Settings.of(Map.of("attention", "quest", "kv-memory-budget", "256m", "token-budget-fraction", "0.5"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            Settings back = (Settings) in.readObject();
            assertEquals(s, back);
            assertNotNull(back.quest());
            assertEquals(256L << 20, back.quest().kvMemoryBudget());
        }
    }

    @Test
    void camelCaseNamesTheParams() {
        assertEquals("tokenBudgetFraction", Setting.camelCase("token-budget-fraction"));
        assertEquals("maxNewTokens", Settings.MAX_TOKENS.paramName(), "the transformer's older param name");
        assertEquals("kvMemoryBudget", Settings.KV_MEMORY_BUDGET.paramName());
    }
}
