package dev.questspark.sparktests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small corpora for the job tests, good and bad rows together. */
final class TestData {
    static final String STORY_A = "Tom had a red kite. He ran to the hill with his dog. The wind was strong and the kite flew"
            + " high over the trees. Tom laughed and the dog barked at the kite.";
    static final String STORY_B = "Mia found a small box in the garden. Inside the box was an old key. She tried the key on"
            + " every door of the house until the attic door opened.";
    static final String NEEDLE = "The lighthouse keeper was named Ada and she painted the lamp green.";

    private TestData() {
    }

    /** A long text: many plain sentences, with the needle sentence in the middle. */
    static String longText(int sentences) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            if (i == sentences / 2) {
                sb.append(NEEDLE).append(' ');
            }
            sb.append("Day ").append(i).append(" was quiet in the village and the baker sold bread to everyone. ");
        }
        return sb.toString();
    }

    /**
     * A folder of text files: two stories, a long document, an empty file, binary junk (invalid UTF-8), control
     * characters that are valid UTF-8, and Latin-1 text (invalid UTF-8).
     */
    static Path textFolder(Path dir, int longSentences) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("a.txt"), STORY_A);
            Files.writeString(dir.resolve("b.txt"), STORY_B);
            Files.writeString(dir.resolve("long.txt"), longText(longSentences));
            Files.write(dir.resolve("empty.txt"), new byte[0]);
            byte[] junk = new byte[300];
            for (int i = 0; i < junk.length; i++) {
                junk[i] = (byte) (i * 37);
            }
            junk[0] = (byte) 0x89;
            junk[1] = 'P';
            junk[2] = 'N';
            junk[3] = 'G';
            Files.write(dir.resolve("junk.bin"), junk);
            Files.writeString(dir.resolve("control.txt"), "\u0000\u0001\u0002\u0003 header \u0004\u0005\u0006\u0007");
            Files.write(dir.resolve("latin1.txt"), "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, \u00e0 la fran\u00e7aise."
                    .getBytes(StandardCharsets.ISO_8859_1));
            Files.writeString(dir.resolve(".hidden"), "ignored");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path lines(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(String... keyValues) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(keyValues[i]).append("\":");
            String v = keyValues[i + 1];
            sb.append(v == null ? "null" : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return sb.append('}').toString();
    }
}
