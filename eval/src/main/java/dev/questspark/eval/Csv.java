package dev.questspark.eval;

/** RFC 4180 quoting for the free-text cells of result tables. */
final class Csv {
    private Csv() {}

    static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
