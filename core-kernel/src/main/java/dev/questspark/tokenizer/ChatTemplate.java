package dev.questspark.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chat prompt formatting for the common template families, detected from {@code tokenizer.chat_template} with
 * llama.cpp's rules (the Jinja template itself is not executed). The rendered text holds no BOS: encode it with
 * {@code tokenizer.encode(text, tokenizer.addBosByDefault(), true)} so that BOS is added once and the role markers
 * become their special tokens.
 *
 * <ul>
 *   <li>ChatML ({@code <|im_start|>}; SmolLM2, Qwen2): {@code <|im_start|>role\ncontent<|im_end|>\n} per message. A
 *       system prompt written literally in the template (SmolLM2's "You are a helpful AI assistant named SmolLM...",
 *       Qwen2.5's "You are Qwen...") is put first when the first message is not a system message, as the template
 *       does.</li>
 *   <li>Llama 3 ({@code <|start_header_id|>}): {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}
 *       with the content trimmed.</li>
 *   <li>Llama 2 ({@code [INST]} with {@code <<SYS>>}) and Mistral ({@code [INST]}, v1/v3/v3-tekken/v7), rendered as
 *       llama.cpp's built-in formats do; their prompt always ends ready for the assistant.</li>
 * </ul>
 */
public final class ChatTemplate {
    /** The supported template families. */
    public enum Family {
        CHATML, LLAMA3, LLAMA2, MISTRAL_V1, MISTRAL_V3, MISTRAL_V3_TEKKEN, MISTRAL_V7
    }

    private static final String RAW_HINT = "; use a raw prompt instead (generate without --chat)";
    // A system prompt the template writes literally: text between "<|im_start|>system\n" and "<|im_end|>" that is
    // not template code (no quotes or braces in it).
    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\n|\\\\n)([^'\"{}]*?)<\\|im_end\\|>");

    private final Family family;
    private final String defaultSystem; // ChatML only; null when the template has none
    private final boolean llama2System; // Llama 2: <<SYS>> block; without it the system text leads the first turn
    private final boolean llama2BosInHistory;
    private final boolean llama2Strip;

    private ChatTemplate(Family family, String defaultSystem, boolean llama2System, boolean llama2BosInHistory,
            boolean llama2Strip) {
        this.family = family;
        this.defaultSystem = defaultSystem;
        this.llama2System = llama2System;
        this.llama2BosInHistory = llama2BosInHistory;
        this.llama2Strip = llama2Strip;
    }

    /** The template of {@code tokenizer.chat_template}. */
    public static ChatTemplate fromMetadata(Map<String, Object> metadata) {
        Object t = metadata.get("tokenizer.chat_template");
        if (t == null) {
            throw new ChatTemplateException("the model has no chat template (no tokenizer.chat_template in its GGUF"
                    + " metadata)" + RAW_HINT);
        }
        if (!(t instanceof String)) {
            throw new ChatTemplateException("tokenizer.chat_template is not a string" + RAW_HINT);
        }
        return detect((String) t);
    }

    /** Detects the family of a Jinja chat template. */
    public static ChatTemplate detect(String template) {
        if (template == null || template.isBlank()) {
            throw new ChatTemplateException("the model's chat template is empty" + RAW_HINT);
        }
        if (template.contains("<|im_start|>")) {
            if (template.contains("<|im_sep|>") || template.contains("<end_of_utterance>")) {
                throw unknown(template, "a ChatML variant (Phi-4 or SmolVLM) that is not supported");
            }
            return chatml(defaultSystemOf(template));
        }
        if (template.startsWith("mistral") || template.contains("[INST]")) {
            return instFamily(template);
        }
        if (template.contains("<|start_header_id|>") && template.contains("<|end_header_id|>")) {
            return new ChatTemplate(Family.LLAMA3, null, false, false, false);
        }
        throw unknown(template, "an unrecognised template family");
    }

    /** ChatML with the given default system prompt (null for none). */
    public static ChatTemplate chatml(String defaultSystemPrompt) {
        return new ChatTemplate(Family.CHATML, defaultSystemPrompt, false, false, false);
    }

    /** A template of the given family with that family's usual options (Llama 2 with a system block). */
    public static ChatTemplate of(Family family) {
        return family == Family.LLAMA2 ? new ChatTemplate(family, null, true, false, false)
                : new ChatTemplate(family, null, false, false, false);
    }

    private static ChatTemplate instFamily(String t) {
        if (t.contains("[SYSTEM_PROMPT]")) {
            return of(Family.MISTRAL_V7);
        }
        if (t.contains("' [INST] ' + system_message") || t.contains("[AVAILABLE_TOOLS]")) {
            if (t.contains(" [INST]")) {
                return of(Family.MISTRAL_V1);
            }
            return of(t.contains("\"[INST]\"") ? Family.MISTRAL_V3_TEKKEN : Family.MISTRAL_V3);
        }
        return new ChatTemplate(Family.LLAMA2, null, t.contains("<<SYS>>"), t.contains("bos_token + '[INST]"),
                t.contains("content.strip()"));
    }

    private static String defaultSystemOf(String template) {
        Matcher m = CHATML_DEFAULT_SYSTEM.matcher(template);
        if (!m.find()) {
            return null;
        }
        return m.group(1).replace("\\n", "\n").replace("\\t", "\t");
    }

    private static ChatTemplateException unknown(String template, String what) {
        String head = template.length() > 80 ? template.substring(0, 80) + "..." : template;
        return new ChatTemplateException("the model's chat template is " + what + " (supported: ChatML"
                + " <|im_start|>, Llama 3 <|start_header_id|>, Llama 2 / Mistral [INST]); template starts: "
                + head.replace("\n", "\\n") + RAW_HINT);
    }

    public Family family() {
        return family;
    }

    /** The system prompt ChatML puts first when the conversation has none. */
    public Optional<String> defaultSystemPrompt() {
        return Optional.ofNullable(defaultSystem);
    }

    /**
     * The prompt text for {@code messages}.
     *
     * @param addGenerationPrompt end with the assistant's turn header (ChatML, Llama 3); the [INST] families always
     *                            end ready for the assistant
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        switch (family) {
            case CHATML:
                renderChatml(messages, addGenerationPrompt, sb);
                break;
            case LLAMA3:
                renderLlama3(messages, addGenerationPrompt, sb);
                break;
            case LLAMA2:
                renderLlama2(messages, sb);
                break;
            case MISTRAL_V7:
                renderMistralV7(messages, sb);
                break;
            default:
                renderMistral(messages, sb);
        }
        return sb.toString();
    }

    private void renderChatml(List<ChatMessage> messages, boolean addGenerationPrompt, StringBuilder sb) {
        if (defaultSystem != null && !messages.isEmpty() && !"system".equals(messages.get(0).role())) {
            chatmlTurn("system", defaultSystem, sb);
        }
        for (ChatMessage m : messages) {
            chatmlTurn(m.role(), m.content(), sb);
        }
        if (addGenerationPrompt) {
            sb.append("<|im_start|>assistant\n");
        }
    }

    private static void chatmlTurn(String role, String content, StringBuilder sb) {
        sb.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
    }

    private static void renderLlama3(List<ChatMessage> messages, boolean addGenerationPrompt, StringBuilder sb) {
        for (ChatMessage m : messages) {
            sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                    .append(m.content().strip()).append("<|eot_id|>");
        }
        if (addGenerationPrompt) {
            sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
    }

    private void renderLlama2(List<ChatMessage> messages, StringBuilder sb) {
        boolean insideTurn = true; // the first "[INST]" follows the BOS the tokenizer adds
        sb.append("[INST] ");
        for (ChatMessage m : messages) {
            String content = llama2Strip ? m.content().strip() : m.content();
            if (!insideTurn) {
                insideTurn = true;
                sb.append(llama2BosInHistory ? "<s>[INST] " : "[INST] ");
            }
            if ("system".equals(m.role())) {
                if (llama2System) {
                    sb.append("<<SYS>>\n").append(content).append("\n<</SYS>>\n\n");
                } else {
                    sb.append(content).append('\n');
                }
            } else if ("user".equals(m.role())) {
                sb.append(content).append(" [/INST]");
            } else {
                sb.append(content).append("</s>");
                insideTurn = false;
            }
        }
    }

    private void renderMistral(List<ChatMessage> messages, StringBuilder sb) {
        String lead = family == Family.MISTRAL_V1 ? " " : "";
        String trail = family == Family.MISTRAL_V3_TEKKEN ? "" : " ";
        boolean insideTurn = false;
        for (ChatMessage m : messages) {
            if (!insideTurn) {
                sb.append(lead).append("[INST]").append(trail);
                insideTurn = true;
            }
            if ("system".equals(m.role())) {
                sb.append(m.content()).append("\n\n");
            } else if ("user".equals(m.role())) {
                sb.append(m.content()).append(lead).append("[/INST]");
            } else {
                String content = family == Family.MISTRAL_V3 ? m.content().strip() : m.content();
                sb.append(trail).append(content).append("</s>");
                insideTurn = false;
            }
        }
    }

    private static void renderMistralV7(List<ChatMessage> messages, StringBuilder sb) {
        for (ChatMessage m : messages) {
            if ("system".equals(m.role())) {
                sb.append("[SYSTEM_PROMPT] ").append(m.content()).append("[/SYSTEM_PROMPT]");
            } else if ("user".equals(m.role())) {
                sb.append("[INST] ").append(m.content()).append("[/INST]");
            } else {
                sb.append(' ').append(m.content()).append("</s>");
            }
        }
    }
}
