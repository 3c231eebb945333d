package dev.questspark.tokenizer;

/** The model's chat template is missing or of a family this engine does not render. */
public class ChatTemplateException extends TokenizerException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
