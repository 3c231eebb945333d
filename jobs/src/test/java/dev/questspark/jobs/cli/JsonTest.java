package dev.questspark.jobs.cli;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {
    @Test
    void writesOneLineWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", 3);
        m.put("rate", 12.34567);
        m.put("text", "a \"quote\"\nnew line\\ \u0001");
        m.put("none", null);
        m.put("nan", Double.NaN);
        assertEquals("{\"n\":3,\"rate\":12.346,\"text\":\"a \\\"quote\\\"\\nnew line\\\\ \\u0001\",\"none\":null,\"nan\":null}",
                Json.object(m));
    }
}
