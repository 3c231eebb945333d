package dev.questspark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.questspark.quest.KvMemoryBudget;
import dev.questspark.quest.PagedKvCacheConfig;
import dev.questspark.quest.QuestConfig;
import dev.questspark.testing.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shared document with a {@link DocumentStore} (the jobs' KV snapshots) on stories260K with Quest: a miss prefills
 * the document and saves it once, a hit uses the restored cache without a prefill or a save, a store that throws or
 * refuses costs only a prefill; in every case each question decodes as a lone session that prefilled the document,
 * and all memory returns to the batch's budget.
 */
class BatchDecoderDocumentStoreTest {
    private static final int CONTEXT = 256;
    private static final QuestConfig QUEST = QuestConfig.quest().withPageSize(8).withTokenBudget(32);
    private static final Engine engine = TestModels.storiesEngine(2);

    /** Records the calls; restores (when told to) by prefilling the empty session, as a snapshot would fill it. */
    private static final class Recording implements DocumentStore {
        final String mode; // "miss", "hit" or "throw"
        int restores;
        final List<int[]> saved = new ArrayList<>();
        final List<Integer> savedLengths = new ArrayList<>();

        Recording(String mode) {
            this.mode = mode;
        }

        @Override
        public boolean restore(int[] tokens, DecoderSession empty) {
            restores++;
            switch (mode) {
                case "hit" -> {
                    empty.prefill(tokens);
                    return true;
                }
                case "throw" -> {
                    empty.prefill(new int[] {tokens[0]}); // a partial load the decoder must discard
                    throw new IllegalStateException("damaged");
                }
                default -> {
                    return false;
                }
            }
        }

        @Override
        public void save(int[] tokens, DecoderSession prefilled) {
            saved.add(tokens.clone());
            savedLengths.add(prefilled.kvCache().length());
        }
    }

    @Test
    void missesPrefillAndSaveOnceHitsSkipBothAndEveryAnswerIsTheLoneOne() {
        int[] doc = engine.encodePrompt("Once upon a time there was a little cat who liked to sit in the sun and watch the birds.", false);
        List<int[]> questions = List.of(
                engine.encodePrompt(" Who sat in the sun?", false),
                engine.encodePrompt(" What did the cat watch?", false),
                engine.encodePrompt(" Where?", false),
                new int[0]);
        List<GenerationResult> want = new ArrayList<>();
        for (int[] q : questions) {
            try (DecoderSession s = engine.newSession(QUEST, CONTEXT)) {
                s.prefill(doc);
                s.prefill(q);
                want.add(s.generate(GenerationConfig.greedy(12), null));
            }
        }
        for (String mode : new String[] {"miss", "hit", "throw"}) {
            Recording store = new Recording(mode);
            KvMemoryBudget budget = new KvMemoryBudget(PagedKvCacheConfig.DEFAULT_MEMORY_BUDGET);
            try (BatchDecoder d = engine.newBatchDecoder(QUEST, CONTEXT, 3, budget)) {
                SharedDocument shared = d.document(doc, store);
                List<BatchRequest> reqs = new ArrayList<>();
                for (int[] q : questions) {
                    reqs.add(new BatchRequest(shared, q, GenerationConfig.greedy(12)));
                }
                List<BatchOutcome> got = d.generateAll(reqs);
                shared.close();
                for (int i = 0; i < got.size(); i++) {
                    BatchOutcome o = got.get(i);
                    assertNull(o.error(), () -> mode + ": request failed: " + o.error());
                    assertArrayEquals(want.get(i).tokens(), o.result().tokens(), mode + " question " + i);
                }
            }
            assertEquals(1, store.restores, mode + ": one lookup for the document");
            if (mode.equals("hit")) {
                assertEquals(0, store.saved.size(), "a restored document is not saved again");
            } else {
                assertEquals(1, store.saved.size(), mode + ": the prefilled document is saved once");
                assertArrayEquals(doc, store.saved.get(0));
                assertEquals(doc.length, store.savedLengths.get(0), "saved before any question was added");
            }
            assertEquals(0, budget.used(), mode + ": the document's memory went back to the budget");
        }
    }
}
