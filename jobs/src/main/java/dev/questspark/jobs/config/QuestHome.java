package dev.questspark.jobs.config;

import java.nio.file.Path;

/**
 * The project folder that holds conf/ and models/: system property quest.home, else environment variable
 * QUEST_HOME (bin/quest sets both to its own parent folder), else the working directory.
 */
public final class QuestHome {
    public static final String PROPERTY = "quest.home";
    public static final String ENV = "QUEST_HOME";

    private QuestHome() {
    }

    public static Path get() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        return (p == null || p.isBlank() ? Path.of("") : Path.of(p)).toAbsolutePath().normalize();
    }
}
