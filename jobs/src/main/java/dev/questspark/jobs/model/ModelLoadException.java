package dev.questspark.jobs.model;

/**
 * A model file that cannot be loaded. The message is the whole story in one line (the file and what is wrong);
 * the loader's exception is kept as a suppressed one, so logs have its stack trace while the command line reports
 * this message rather than the innermost one.
 */
public final class ModelLoadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String location, Throwable problem) {
        super("cannot load model " + location + ": " + reason(location, problem));
        addSuppressed(problem);
    }

    /** The deepest message of problem, without a leading "file: " that would repeat the location. */
    private static String reason(String location, Throwable problem) {
        Throwable best = problem;
        for (Throwable t = problem; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t;
            }
        }
        String m = best.getMessage() == null || best.getMessage().isBlank() ? best.getClass().getSimpleName()
                : best.getMessage().strip().lines().findFirst().orElse("").strip();
        for (String prefix : new String[]{location + ": ", java.nio.file.Path.of(location).toAbsolutePath() + ": "}) {
            if (m.startsWith(prefix)) {
                m = m.substring(prefix.length());
            }
        }
        return m;
    }
}
