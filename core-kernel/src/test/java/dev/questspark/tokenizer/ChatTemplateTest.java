package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Template family detection and rendering against hand-checked prompts. */
class ChatTemplateTest {
    // The chat templates below are the ones the models ship in tokenizer_config.json (JSON escapes decoded).
    static final String SMOLLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system'"
            + " %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
            + "<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] +"
            + " '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
            + "{% endif %}";
    static final String QWEN2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system'"
            + " %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' +"
            + " message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
    static final String QWEN25 = "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0]['role']"
            + " == 'system' %}\n        {{- messages[0]['content'] }}\n    {%- else %}\n        {{- 'You are Qwen,"
            + " created by Alibaba Cloud. You are a helpful assistant.' }}\n    {%- endif %}\n{%- else %}\n    {%- if"
            + " messages[0]['role'] == 'system' %}\n        {{- '<|im_start|>system\\n' + messages[0]['content'] +"
            + " '<|im_end|>\\n' }}\n    {%- else %}\n        {{- '<|im_start|>system\\nYou are Qwen, created by"
            + " Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n    {%- endif %}\n{%- endif %}";
    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content"
            + " = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim +"
            + " '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
            + "{{ content }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
    static final String LLAMA2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
            + "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
            + "{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0"
            + " and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' +"
            + " message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
            + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}"
            + "{% endfor %}";
    static final String MISTRAL_V01 = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user'"
            + " %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
            + "{{ message['content'] + eos_token}}{% endif %}{% endfor %}";

    private static final List<ChatMessage> USER_ONLY = List.of(ChatMessage.user("Hi there"));
    private static final List<ChatMessage> WITH_SYSTEM = List.of(ChatMessage.system("Be brief."),
            ChatMessage.user("Hi there"));

    @Test
    void smollm2InjectsItsDefaultSystemPrompt() {
        ChatTemplate t = ChatTemplate.detect(SMOLLM2);
        assertEquals(ChatTemplate.Family.CHATML, t.family());
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
                + "<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
                t.render(USER_ONLY, true));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n",
                t.render(WITH_SYSTEM, false));
    }

    @Test
    void qwenDefaultSystemPrompts() {
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi there"
                + "<|im_end|>\n<|im_start|>assistant\n", ChatTemplate.detect(QWEN2).render(USER_ONLY, true));
        assertEquals("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
                ChatTemplate.detect(QWEN25).defaultSystemPrompt().orElseThrow());
    }

    @Test
    void plainChatmlHasNoSystemPrompt() {
        ChatTemplate t = ChatTemplate.detect("{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' +"
                + " m['content'] + '<|im_end|>\n'}}{% endfor %}");
        assertTrue(t.defaultSystemPrompt().isEmpty());
        assertEquals("<|im_start|>user\nHi there<|im_end|>\n", t.render(USER_ONLY, false));
    }

    @Test
    void llama3() {
        ChatTemplate t = ChatTemplate.detect(LLAMA3);
        assertEquals(ChatTemplate.Family.LLAMA3, t.family());
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                t.render(List.of(ChatMessage.system(" Be brief.\n"), ChatMessage.user("Hi there")), true));
    }

    @Test
    void llama2WithSystemBlock() {
        ChatTemplate t = ChatTemplate.detect(LLAMA2);
        assertEquals(ChatTemplate.Family.LLAMA2, t.family());
        assertEquals("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi there [/INST]", t.render(WITH_SYSTEM, true));
        assertEquals("[INST] Hi there [/INST]Hello!</s><s>[INST] Again [/INST]", t.render(List.of(
                ChatMessage.user("Hi there"), ChatMessage.assistant(" Hello! "), ChatMessage.user("Again")), true));
    }

    @Test
    void mistralInstWithoutSystemBlock() {
        ChatTemplate t = ChatTemplate.detect(MISTRAL_V01);
        assertEquals(ChatTemplate.Family.LLAMA2, t.family());
        assertEquals("[INST] Be brief.\nHi there [/INST]", t.render(WITH_SYSTEM, true));
        assertEquals("[INST] Hi there [/INST]", t.render(USER_ONLY, true));
    }

    @Test
    void mistralV7() {
        ChatTemplate t = ChatTemplate.detect("{%- if messages[0]['role'] == 'system' %}[SYSTEM_PROMPT]"
                + "{{ messages[0]['content'] }}[/SYSTEM_PROMPT]{%- endif %}[INST]");
        assertEquals(ChatTemplate.Family.MISTRAL_V7, t.family());
        assertEquals("[SYSTEM_PROMPT] Be brief.[/SYSTEM_PROMPT][INST] Hi there[/INST]", t.render(WITH_SYSTEM, true));
    }

    @Test
    void unknownOrMissingTemplateSaysToUseARawPrompt() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.detect("{% for m in messages %}<start_of_turn>{{ m['content'] }}{% endfor %}"));
        assertTrue(e.getMessage().contains("unrecognised") && e.getMessage().contains("raw prompt"), e.getMessage());
        e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.fromMetadata(Map.of()));
        assertTrue(e.getMessage().contains("tokenizer.chat_template") && e.getMessage().contains("raw prompt"),
                e.getMessage());
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.detect("  "));
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.detect("<|im_start|><|im_sep|>"));
    }

    /** The real SmolLM2 file: its template renders the prompt whose llama.cpp tokens are in the fixtures. */
    @Test
    void smollm2FileRendersTheFixturePrompt() {
        Path model = TokenizerTestModels.smollm2();
        ChatTemplate t = ChatTemplate.fromMetadata(TokenizerTestModels.metadata(model));
        String prompt = t.render(List.of(ChatMessage.user("What is 2+2?")), true);
        TokenizerFixtures fx = TokenizerFixtures.load("smollm2-135m-instruct.jsonl");
        TokenizerFixtures.Case c = fx.cases.stream().filter(k -> k.special() && k.text().equals(prompt))
                .findFirst().orElseThrow(() -> new AssertionError("no fixture for " + prompt));
        Tokenizer tok = TokenizerTestModels.tokenizer(model);
        assertArrayEquals(c.ids(), tok.encode(prompt, tok.addBosByDefault(), true));
    }
}
