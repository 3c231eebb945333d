package dev.questspark.sparktests;

import dev.questspark.jobs.generate.GeneratorSettings;
import dev.questspark.jobs.generate.RowGenerator;
import dev.questspark.jobs.generate.RowResult;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.text.PromptFrame;
import dev.questspark.jobs.text.PromptTemplate;
import dev.questspark.settings.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prompt assembly and per-row generation without Spark, on the fake model (which can echo its prompt). */
class RowGeneratorTest {
    private static final DocumentModel MODEL = new FakeModelLoader().load(Path.of("fake"), 1);

    private static RowGenerator generator(String task, int contextTokens) {
        return generator(task, Map.of("context-tokens", contextTokens));
    }

    private static RowGenerator generator(String task, Map<String, Object> overrides) {
        Map<String, Object> values = new java.util.HashMap<>(Map.of("chat", "off", "max-tokens", "16", "chunk-overlap", "16",
                "qa-chunk-tokens", "64"));
        values.putAll(overrides);
        Settings settings = Settings.of(values);
        GeneratorSettings s = new GeneratorSettings("fake", FakeModelLoader.class.getName(), task, settings, 1, null);
        return new RowGenerator(s, () -> MODEL);
    }

    @Test
    void frameIsWhatTheFormatPutsAroundTheMessage() {
        PromptFrame f = PromptFrame.discover(MODEL, false);
        assertArrayEquals(new int[]{1}, f.prefix(), "BOS");
        assertEquals(0, f.suffix().length);
    }

    @Test
    void promptSplitsIntoAReusableDocumentAndAQuestionTail() {
        PromptFrame f = PromptFrame.discover(MODEL, false);
        PromptTemplate t = new PromptTemplate("Text: {text}\nQ: {question}\nA:");
        PromptTemplate.Segments s = t.build(MODEL, f, MODEL.encode("the doc"), "why?");
        assertEquals("Text: the doc", MODEL.decode(s.document()));
        assertEquals("\nQ: why?\nA:", MODEL.decode(s.tail()));
        PromptTemplate.Segments last = new PromptTemplate("{text}").build(MODEL, f, MODEL.encode("abc"), null);
        assertEquals(1, last.tail().length, "never an empty tail to generate from");
        PromptTemplate.Segments questionFirst = new PromptTemplate("{question} in {text}").build(MODEL, f, MODEL.encode("x"), "q");
        assertEquals(0, questionFirst.document().length);
        assertEquals("q in x", MODEL.decode(questionFirst.tail()));
    }

    @Test
    void longDocumentQuestionsGetTheBm25BestChunksInOrder() {
        String doc = TestData.longText(40);
        RowResult r = generator("Context: {text}\n" + FakeModelLoader.ECHO + " {question}", 512)
                .process(doc, true, "What was the lighthouse keeper named?");
        assertEquals("ok", r.status(), r.error());
        assertTrue(r.text().contains("lighthouse keeper was named Ada"), r.text());
        assertTrue(r.chunks() < r.chunksTotal(), r.chunks() + " of " + r.chunksTotal());
        assertTrue(r.text().contains("[...]") || r.chunks() == 1, "gaps between chunks are marked");
        assertTrue(r.promptTokens() + 16 <= 512, "prompt within the context: " + r.promptTokens());
    }

    @Test
    void aTemplateWithoutQuestionRefusesTextLongerThanTheContext() {
        RowResult r = generator("Title for: {text}", 256).process(TestData.longText(20), true, null);
        assertEquals("error", r.status());
        assertTrue(r.error().contains("use task summarize for long documents"), r.error());
    }

    @Test
    void settingsThatLeaveNoRoomForTheTextAreAnErrorNotATruncation() {
        RowResult r = generator("summarize", 80).process(TestData.STORY_A, true, null);
        assertEquals("error", r.status());
        assertTrue(r.error().startsWith("the context of 80 tokens leaves"), r.error());
        assertFalse(r.error().isBlank());
    }

    @Test
    void aSummaryIsAtMostHalfItsTextAndAChunkedOneSaysSo() {
        String shortText = "A cat sat.";
        RowResult tiny = generator("summarize", Map.of("context-tokens", 512, "max-tokens", "64")).process(shortText, true, null);
        assertEquals("ok", tiny.status(), tiny.error());
        assertTrue(tiny.generatedTokens() <= shortText.length() / 2, tiny.generatedTokens() + " tokens for " + shortText);
        assertEquals(null, tiny.note(), "a document used whole has no note");

        String doc = TestData.longText(20);
        RowResult chunked = generator("summarize", Map.of("context-tokens", 512, "summary-chunk-tokens", 128)).process(doc, true, null);
        assertEquals("ok", chunked.status(), chunked.error());
        assertTrue(chunked.chunks() > 1, "chunks " + chunked.chunks());
        assertTrue(chunked.note().startsWith("summarized in " + chunked.chunks() + " chunks, then the chunk summaries combined in"),
                chunked.note());
    }

    @Test
    void aQuestionIsAnsweredFromAtMostQaContextTokensOfTheDocument() {
        String doc = TestData.longText(4);
        RowResult whole = generator("Context: {text}\n" + FakeModelLoader.ECHO + " {question}", Map.of("context-tokens", 512))
                .process(doc, true, "What was the lighthouse keeper named?");
        assertEquals(1, whole.chunks(), "the document fits: used whole");
        assertEquals(null, whole.note());
        RowResult limited = generator("Context: {text}\n" + FakeModelLoader.ECHO + " {question}",
                Map.of("context-tokens", 512, "qa-context-tokens", 128)).process(doc, true, "What was the lighthouse keeper named?");
        assertEquals("ok", limited.status(), limited.error());
        assertTrue(limited.text().contains("lighthouse keeper was named Ada"), limited.text());
        assertTrue(limited.chunks() < limited.chunksTotal(), limited.chunks() + " of " + limited.chunksTotal());
        assertTrue(limited.note().contains("ranked by BM25") && limited.note().contains("at most 128 document tokens"), limited.note());
    }
}
