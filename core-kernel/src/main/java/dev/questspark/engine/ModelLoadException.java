package dev.questspark.engine;

import java.nio.file.Path;

/**
 * A model file cannot be used: it is missing, unreadable, not a valid GGUF file, or holds a model this engine cannot
 * run (its tokenizer, hyper-parameters or tensors). The message is one line, {@code cannot load model <file>: <what is
 * wrong>}; the cause, when there is one, is the {@link dev.questspark.gguf.GgufFormatException},
 * {@link dev.questspark.tokenizer.TokenizerException} or I/O error that found the problem.
 */
public final class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ModelLoadException(Path file, String problem) {
        super("cannot load model " + file + ": " + problem);
        this.file = file;
    }

    public ModelLoadException(Path file, Throwable cause) {
        super("cannot load model " + file + ": " + problem(file, cause), cause);
        this.file = file;
    }

    /** The model file. */
    public Path file() {
        return file;
    }

    /** The cause's first line, without the file name when it starts with it (GGUF errors do). */
    private static String problem(Path file, Throwable cause) {
        String m = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
        String prefix = file + ": ";
        if (m.startsWith(prefix)) {
            m = m.substring(prefix.length());
        }
        return m.lines().findFirst().orElse(m);
    }
}
