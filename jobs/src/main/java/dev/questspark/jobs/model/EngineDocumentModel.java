package dev.questspark.jobs.model;

import dev.questspark.engine.Engine;
import dev.questspark.jobs.qa.QueryCapture;
import dev.questspark.jobs.qa.QuestionQueries;
import dev.questspark.kernel.Parallel;
import dev.questspark.model.ForwardState;
import dev.questspark.model.LlamaModel;
import dev.questspark.quest.QuestConfig;

import java.nio.file.Path;

/** {@link DocumentModel} over the engine: its tokenizer, chat template and decoder sessions. */
final class EngineDocumentModel implements DocumentModel {
    private final Engine engine;
    private final boolean chatTemplate;

    EngineDocumentModel(Engine engine) {
        this.engine = engine;
        this.chatTemplate = probeChatTemplate(engine);
    }

    /** The engine refuses chat prompts (with an exception) when the model has no chat template it can render. */
    private static boolean probeChatTemplate(Engine engine) {
        try {
            engine.encodePrompt("a", true);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return engine.info().name();
    }

    @Override
    public int contextLength() {
        return engine.info().contextLength();
    }

    @Override
    public String fingerprint() {
        return engine.info().fingerprint();
    }

    @Override
    public int[] encode(String text) {
        return engine.tokenizer().encode(text, false, false);
    }

    @Override
    public String decode(int[] tokens) {
        return engine.tokenizer().decode(tokens);
    }

    @Override
    public int[] encodePrompt(String text, boolean chat) {
        return engine.encodePrompt(text, chat);
    }

    @Override
    public boolean hasChatTemplate() {
        return chatTemplate;
    }

    @Override
    public Decoder newDecoder(QuestConfig attention, int maxContextTokens) {
        return new EngineDecoder(engine.newSession(attention, maxContextTokens));
    }

    @Override
    public BatchGenerator newBatchGenerator(QuestConfig attention, int maxContextTokens, int batchSize,
                                            DecoderSnapshots snapshots) {
        return new EngineBatchGenerator(engine.newBatchDecoder(attention, maxContextTokens, batchSize),
                snapshots instanceof EngineSnapshots store ? store : null);
    }

    @Override
    public DecoderSnapshots snapshots(Path directory) {
        return new EngineSnapshots(engine, directory);
    }

    @Override
    public QuestionQueries questionQueries(int[] tokens, int position) {
        LlamaModel m = engine.model();
        ForwardState state = new ForwardState(m.config(), Math.max(1, tokens.length));
        QueryCapture capture = new QueryCapture(m.config(), position, tokens.length);
        try (Parallel pool = new Parallel(engine.threads())) {
            m.forward(capture, state, pool, tokens, 0, tokens.length, false);
        }
        return capture.queries();
    }
}
