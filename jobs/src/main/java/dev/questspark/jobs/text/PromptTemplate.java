package dev.questspark.jobs.text;

import dev.questspark.jobs.model.DocumentModel;

import java.util.Arrays;

/**
 * A user message with a {text} placeholder (exactly once) and optionally {question}. Prompts are assembled from
 * separately tokenized parts: a document segment (frame prefix, the text before {text}, the document tokens) that
 * can stay in the KV cache across questions, and a tail (the rest with the question, frame suffix).
 */
public final class PromptTemplate {
    public static final String TEXT = "{text}";
    public static final String QUESTION = "{question}";

    private final String template;
    private final int textAt;
    private final int questionAt;

    public PromptTemplate(String template) {
        if (template == null) {
            throw new IllegalArgumentException("prompt template is null");
        }
        this.template = template;
        this.textAt = template.indexOf(TEXT);
        if (textAt < 0 || template.indexOf(TEXT, textAt + 1) >= 0) {
            throw new IllegalArgumentException("prompt template must contain {text} exactly once: " + template);
        }
        this.questionAt = template.indexOf(QUESTION);
    }

    public boolean hasQuestion() {
        return questionAt >= 0;
    }

    public String template() {
        return template;
    }

    /** Token segments of one prompt. */
    public record Segments(int[] document, int[] tail) {
        public int length() {
            return document.length + tail.length;
        }
    }

    public Segments build(DocumentModel model, PromptFrame frame, int[] document, String question) {
        String q = question == null ? "" : question;
        String before = template.substring(0, textAt);
        String after = template.substring(textAt + TEXT.length());
        if (questionAt >= 0 && questionAt < textAt) {
            // The question comes first: nothing before the document is shared between questions.
            int[] tail = concat(frame.prefix(), encode(model, before.replace(QUESTION, q)), document,
                    encode(model, after.replace(QUESTION, q)), frame.suffix());
            return new Segments(new int[0], tail);
        }
        int[] head = concat(frame.prefix(), encode(model, before), document);
        int[] tail = concat(encode(model, after.replace(QUESTION, q)), frame.suffix());
        if (tail.length == 0 && head.length > 0) {
            // Generation starts from the logits of the last prefilled token; a reused document alone has none.
            return new Segments(Arrays.copyOf(head, head.length - 1), new int[]{head[head.length - 1]});
        }
        return new Segments(head, tail);
    }

    /** Tokens of the prompt other than the document's. */
    public int overhead(DocumentModel model, PromptFrame frame, String question) {
        return build(model, frame, new int[0], question).length();
    }

    private static int[] encode(DocumentModel model, String s) {
        return s.isEmpty() ? new int[0] : model.encode(s);
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
