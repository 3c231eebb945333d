package dev.questspark.jobs;

import dev.questspark.jobs.config.QuestSettings;
import org.apache.spark.sql.SparkSession;

/** A batch job: reads, transforms and writes with a session it is given (the runner makes and stops it). */
public interface SparkJob {
    String name();

    JobReport run(SparkSession spark, QuestSettings settings);
}
