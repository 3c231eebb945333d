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

    public static PromptTemplate summarize(boolean chat) {
        return new PromptTemplate("Summarize the following text in a few sentences.\n\n{text}" + (chat ? "" : "\n\nSummary:"));
    }

    /** The reduce step of map-reduce summarization: a summary of the chunk summaries. */
    public static PromptTemplate combine(boolean chat) {
        return new PromptTemplate("The following are summaries of consecutive parts of one text. Combine them into"
                + " one summary of the whole text in a few sentences.\n\n{text}" + (chat ? "" : "\n\nSummary:"));
    }

    public static PromptTemplate answer(boolean chat) {
        return new PromptTemplate("Answer the question using only the text below.\n\nText:\n{text}\n\nQuestion: {question}"
                + (chat ? "" : "\nAnswer:"));
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
