package dev.questspark.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reference tokenizations recorded with llama.cpp, one JSON object a line; see resources/tokenizer/README.md. */
final class TokenizerFixtures {
    /** One recorded string: its ids without BOS, and llama.cpp's decode of them without and with special tokens. */
    record Case(String text, boolean special, int[] ids, String decoded, String decodedSpecial) {
    }

    /**
     * The file the fixtures came from, and what llama.cpp said about BOS and its special tokens. When {@code pre} is
     * set, llama.cpp read a vocabulary-only copy of the file with {@code tokenizer.ggml.pre} replaced by it and the
     * {@code dropped} keys removed.
     */
    record Meta(String file, String sha256, String pre, List<String> dropped, boolean addBos, int bos, int eos,
            int eot, int[] eog, String generator) {
    }

    /** A long document (a resource file) and its ids without BOS. */
    record Document(String resource, int[] ids) {
        String text() {
            return read(resource);
        }
    }

    final Meta meta;
    final List<Case> cases;
    final List<Document> documents;

    private TokenizerFixtures(Meta meta, List<Case> cases, List<Document> documents) {
        this.meta = meta;
        this.cases = cases;
        this.documents = documents;
    }

    @SuppressWarnings("unchecked")
    static TokenizerFixtures load(String resource) {
        String text = read(resource);
        Meta meta = null;
        List<Case> cases = new ArrayList<>();
        List<Document> documents = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> o = (Map<String, Object>) FixtureJson.parse(line);
            if (o.containsKey("meta")) {
                Map<String, Object> m = (Map<String, Object>) o.get("meta");
                List<String> dropped = new ArrayList<>();
                if (m.get("dropped") != null) {
                    ((List<Object>) m.get("dropped")).forEach(k -> dropped.add((String) k));
                }
                meta = new Meta((String) m.get("file"), (String) m.get("sha256"), (String) m.get("pre"), dropped,
                        (Boolean) m.get("addBos"), id(m.get("bos")), id(m.get("eos")), id(m.get("eot")),
                        ints((List<Object>) m.get("eog")), (String) m.get("generator"));
            } else if (o.containsKey("document")) {
                documents.add(new Document((String) o.get("document"), ints((List<Object>) o.get("ids"))));
            } else {
                cases.add(new Case((String) o.get("text"), (Boolean) o.get("special"),
                        ints((List<Object>) o.get("ids")), (String) o.get("decoded"),
                        (String) o.get("decodedSpecial")));
            }
        }
        if (meta == null) {
            throw new IllegalStateException("fixture " + resource + " has no meta line");
        }
        return new TokenizerFixtures(meta, cases, documents);
    }

    static String read(String resource) {
        try (InputStream in = TokenizerFixtures.class.getResourceAsStream("/tokenizer/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource tokenizer/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int id(Object v) {
        return v == null ? -1 : ((Long) v).intValue();
    }

    private static int[] ints(List<Object> l) {
        return l.stream().mapToInt(v -> ((Long) v).intValue()).toArray();
    }
}
