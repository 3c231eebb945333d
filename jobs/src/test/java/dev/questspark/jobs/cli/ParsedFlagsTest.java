package dev.questspark.jobs.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsedFlagsTest {
    private static final List<Flag> FLAGS = List.of(Flag.value("input", "PATH", "required", "in"),
            Flag.setting("token-budget", "N", "budget"), Flag.toggle("json", "json"), Flags.CONF);

    @Test
    void readsValuesSwitchesAndRepeatedConf() {
        ParsedFlags f = ParsedFlags.parse("x", FLAGS, new String[]{"--input", "a b", "--token-budget=256", "--json",
                "--conf", "spark.quest.seed=7", "--conf=spark.executor.cores=2"});
        assertEquals(Map.of("input", "a b", "token-budget", "256"), f.settings());
        assertTrue(f.on("json"));
        assertEquals(List.of("spark.quest.seed=7", "spark.executor.cores=2"), f.conf());
    }

    @Test
    void rejectsUnknownFlagsMissingValuesAndStrayWordsInOneLine() {
        UsageException e = assertThrows(UsageException.class, () -> ParsedFlags.parse("x", FLAGS, new String[]{"--budget", "1"}));
        assertEquals("unknown flag --budget for x (see bin/quest x --help)", e.getMessage());
        e = assertThrows(UsageException.class, () -> ParsedFlags.parse("x", FLAGS, new String[]{"--input"}));
        assertEquals("flag --input needs a value (PATH)", e.getMessage());
        assertThrows(UsageException.class, () -> ParsedFlags.parse("x", FLAGS, new String[]{"input.txt"}));
        assertThrows(UsageException.class, () -> ParsedFlags.parse("x", FLAGS, new String[]{"--conf", "novalue"}));
    }
}
