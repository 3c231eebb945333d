package dev.questspark.gguf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GGUF file is malformed, truncated, lies about its own layout, or uses a feature this reader does not
 * support. The message always reads {@code <file>: <field>: <problem>}, where the problem states the bad value
 * and what was expected, so a user can tell which file is broken and where.
 */
public class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;

    /**
     * @param file    the GGUF file being read
     * @param field   the field at fault, for example {@code tensor 'blk.3.attn_q.weight' offset}
     * @param problem the bad value and what was expected
     */
    public GgufFormatException(Path file, String field, String problem) {
        super(file + ": " + field + ": " + problem);
        this.file = file;
        this.field = field;
    }

    /** The file the error is about. */
    public Path file() {
        return file;
    }

    /** The field at fault, as named in the message. */
    public String field() {
        return field;
    }
}
