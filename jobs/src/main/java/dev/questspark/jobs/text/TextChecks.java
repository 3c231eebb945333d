package dev.questspark.jobs.text;

/**
 * Tells why a document or question cannot be given to the model, so that a bad row becomes an error row
 * instead of garbage output or a failed job.
 */
public final class TextChecks {
    /** More control characters than this fraction means the "text" is binary data read as text. */
    private static final double MAX_CONTROL_FRACTION = 0.02;
    /** U+FFFD is what a lenient reader left where bytes were not UTF-8; a few are tolerated in real text. */
    private static final double MAX_REPLACEMENT_FRACTION = 0.01;

    private TextChecks() {
    }

    /**
     * Null when text is usable, else what is wrong with it. validUtf8 is Spark's is_valid_utf8 of the raw value
     * (null when unknown).
     */
    public static String problem(String what, String text, Boolean validUtf8) {
        if (text == null) {
            return what + " is null";
        }
        if (Boolean.FALSE.equals(validUtf8)) {
            return what + " is not valid UTF-8";
        }
        if (text.isBlank()) {
            return text.isEmpty() ? what + " is empty" : what + " is empty (whitespace only)";
        }
        int control = 0;
        int replacement = 0;
        int nul = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                nul++;
            }
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                control++;
            } else if (c == 0x7f) {
                control++;
            } else if (c == '\uFFFD') {
                replacement++;
            }
        }
        int n = text.length();
        if (nul > 0 || control > MAX_CONTROL_FRACTION * n) {
            return what + " looks like binary data (" + control + " control characters in " + n + ")";
        }
        if (replacement > 2 && replacement > MAX_REPLACEMENT_FRACTION * n) {
            return what + " was not valid UTF-8 when read (" + replacement + " replacement characters in " + n + ")";
        }
        return null;
    }
}
