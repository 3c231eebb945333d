package dev.questspark.sparktests;

import dev.questspark.jobs.JobRunner;
import dev.questspark.jobs.config.QuestSettings;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** conf/ defaults < spark.quest.* Spark conf keys < command-line flags, on a running session. */
@ExtendWith(SharedSpark.class)
class ConfigLayersTest {
    @Test
    void sparkConfOverridesDefaultsAndFlagsOverrideSparkConf(SparkSession spark) {
        QuestSettings defaults = QuestSettings.defaults();
        spark.conf().set("spark.quest.token-budget", "512");
        spark.conf().set("spark.quest.attention", "quest");
        try {
            QuestSettings s = JobRunner.settings(spark, defaults, Map.of("token-budget", "256"));
            assertEquals(256, s.getInt("token-budget"), "flag wins");
            assertEquals("quest", s.get("attention"), "Spark conf wins over the defaults file");
            assertEquals(defaults.getInt("page-size"), s.getInt("page-size"), "defaults file when nothing else says");
        } finally {
            spark.conf().unset("spark.quest.token-budget");
            spark.conf().unset("spark.quest.attention");
        }
    }
}
