package dev.questspark.jobs.bench;

import dev.questspark.jobs.model.DocumentModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Documents of exact token lengths for the bench: seeded pseudo-English sentences, tokenized with the model's own
 * tokenizer and cut at the wanted length. The same seed gives the same corpus.
 */
public final class SyntheticCorpus {
    /** One document: its id, target length in tokens and text. */
    public record Document(String id, int length, String text) {
    }

    private static final String[] SUBJECTS = {"The river", "A small town", "The old engineer", "Every morning the market",
            "The library", "A quiet student", "The northern road", "Our neighbour", "The harbour", "The committee"};
    private static final String[] VERBS = {"watched", "built", "carried", "described", "remembered", "measured",
            "followed", "repaired", "painted", "questioned"};
    private static final String[] OBJECTS = {"the bridge over the valley", "a letter from the coast", "the winter harvest",
            "the lights of the station", "an unfinished map", "the bells of the church", "the price of bread",
            "a box of old photographs", "the path through the forest", "the plans for a new school"};
    private static final String[] ENDINGS = {"before the rain came", "while the others slept", "for the third time that year",
            "with great patience", "as the sun went down", "without saying a word", "in the middle of the week",
            "because nobody else would", "long after midnight", "on the first day of spring"};

    private SyntheticCorpus() {
    }

    /** n questions about the corpus's subjects (the bench's qa run asks every document the same ones). */
    public static List<String> questions(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String subject = SUBJECTS[i % SUBJECTS.length];
            out.add("What did " + Character.toLowerCase(subject.charAt(0)) + subject.substring(1) + " do"
                    + (i < SUBJECTS.length ? "?" : " (" + (i / SUBJECTS.length + 1) + ")?"));
        }
        return out;
    }

    public static List<Document> generate(DocumentModel model, List<Integer> lengths, int perLength, long seed) {
        List<Document> docs = new ArrayList<>();
        for (int length : lengths) {
            for (int i = 0; i < perLength; i++) {
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + length * 131L + i);
                docs.add(new Document(String.format("synthetic-%05d-%02d", length, i), length, text(model, length, random)));
            }
        }
        return docs;
    }

    /**
     * A skewed corpus: one document of longTokens tokens among shortDocs documents of shortTokens, the shape on
     * which a job lasts as long as its largest document unless that document's chunks spread over the cluster.
     */
    public static List<Document> skewed(DocumentModel model, int longTokens, int shortTokens, int shortDocs, long seed) {
        List<Document> docs = new ArrayList<>(generate(model, List.of(shortTokens), shortDocs, seed));
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + longTokens * 131L);
        docs.add(new Document(String.format("skewed-long-%06d", longTokens), longTokens, text(model, longTokens, random)));
        return docs;
    }

    private static String text(DocumentModel model, int length, SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        int[] tokens = new int[0];
        while (tokens.length < length) {
            // Grow by about the missing amount (a sentence is ~12 tokens), then re-tokenize the whole.
            int sentences = Math.max(1, (length - tokens.length) / 10);
            for (int s = 0; s < sentences; s++) {
                sb.append(pick(SUBJECTS, random)).append(' ').append(pick(VERBS, random)).append(' ')
                        .append(pick(OBJECTS, random)).append(' ').append(pick(ENDINGS, random)).append(". ");
            }
            tokens = model.encode(sb.toString());
        }
        return model.decode(Arrays.copyOf(tokens, length));
    }

    private static String pick(String[] words, SplittableRandom random) {
        return words[random.nextInt(words.length)];
    }
}
