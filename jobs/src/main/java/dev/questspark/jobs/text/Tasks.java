package dev.questspark.jobs.text;

/**
 * The built-in tasks and their prompts. A chat model gets a plain instruction; a model without a chat template
 * gets a cue ("Summary:", "Answer:") to continue from.
 */
public final class Tasks {
    public static final String SUMMARIZE = "summarize";
    public static final String ANSWER = "answer";

    private Tasks() {
    }

    /**
     * The instruction follows the text: a small model keeps to an instruction it has just read. Asking what the text
     * is about gets a description of its content from SmolLM2-135M; asking it to "summarize" got the text's first
     * lines copied or meta-text about summaries on the sample corpus (docs/RESULTS.md, "Output quality").
     */
    public static PromptTemplate summarize(boolean chat) {
        return new PromptTemplate("{text}\n\nWhat is this text about? Answer in two or three sentences, in your own words."
                + (chat ? "" : "\n\nSummary:"));
    }

    /** The reduce step of map-reduce summarization: a summary of the chunk summaries, asked the same way. */
    public static PromptTemplate combine(boolean chat) {
        return new PromptTemplate("Summaries of consecutive parts of one document:\n\n{text}\n\nWhat is the whole document"
                + " about? Answer in two or three sentences, in your own words." + (chat ? "" : "\n\nSummary:"));
    }

    /**
     * Factual questions get a short answer copied from the text. The question comes after the text, so the prompt
     * starts with the same document tokens for every question about it (one prefill, or one KV snapshot, serves them
     * all); asking it before the text as well did not answer better in docs/RESULTS.md.
     */
    public static PromptTemplate answer(boolean chat) {
        return new PromptTemplate("Text:\n{text}\n\nQuestion: {question}\nAnswer the question with a short phrase copied from"
                + " the text above." + (chat ? "" : "\nAnswer:"));
    }

    /** Whether task names a built-in task rather than a template. */
    public static boolean isBuiltIn(String task) {
        return SUMMARIZE.equals(task) || ANSWER.equals(task);
    }

    /** Whether rows of this task need a question. */
    public static boolean needsQuestion(String task) {
        return ANSWER.equals(task) || (!isBuiltIn(task) && task.contains(PromptTemplate.QUESTION));
    }
}
