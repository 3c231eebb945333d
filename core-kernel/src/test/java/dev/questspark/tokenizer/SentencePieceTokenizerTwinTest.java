package dev.questspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * SentencePiece merging against the textbook loop: join the adjacent pair whose union is a piece with the highest
 * score (leftmost on ties) until none is left; then characters that are not pieces become byte tokens.
 */
class SentencePieceTokenizerTwinTest {

    @Test
    void queueLoopEqualsTextbookLoop() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            SyntheticMetadata v = SyntheticMetadata.spm().put("tokenizer.ggml.add_space_prefix", false);
            List<String> pieces = new ArrayList<>(List.of("a", "b", "c", "▁"));
            for (String p : pieces) {
                v.normal(p, 0);
            }
            for (int i = 0; i < 40; i++) {
                String p = pieces.get(rnd.nextInt(pieces.size())) + pieces.get(rnd.nextInt(pieces.size()));
                if (!pieces.contains(p)) {
                    pieces.add(p);
                    // Few distinct scores, so that ties are common.
                    v.normal(p, -rnd.nextInt(5));
                }
            }
            Tokenizer tok = v.tokenizer();
            Vocabulary vocab = Vocabulary.fromMetadata(v.build());
            for (int w = 0; w < 100; w++) {
                StringBuilder sb = new StringBuilder();
                int len = 1 + rnd.nextInt(14);
                for (int i = 0; i < len; i++) {
                    sb.append("abc dé".charAt(rnd.nextInt(6)));
                }
                String text = sb.toString();
                assertArrayEquals(textbook(vocab, text), tok.encode(text, false, false), () -> "encode of " + text);
            }
        }
    }

    private static int[] textbook(Vocabulary vocab, String text) {
        List<String> s = new ArrayList<>();
        text.replace(' ', '▁').codePoints().forEach(cp -> s.add(new String(Character.toChars(cp))));
        while (true) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i + 1 < s.size(); i++) {
                int id = vocab.idOf(s.get(i) + s.get(i + 1));
                if (id >= 0 && (best < 0 || vocab.score(id) > bestScore)) {
                    bestScore = vocab.score(id);
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            s.set(best, s.get(best) + s.remove(best + 1));
        }
        IntList ids = new IntList();
        for (String sym : s) {
            int id = vocab.idOf(sym);
            if (id >= 0) {
                ids.add(id);
            } else {
                for (byte b : sym.getBytes(StandardCharsets.UTF_8)) {
                    ids.add(vocab.idOf(String.format("<0x%02X>", b & 0xFF)));
                }
            }
        }
        return ids.toArray();
    }
}
