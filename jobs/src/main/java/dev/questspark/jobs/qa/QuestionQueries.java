package dev.questspark.jobs.qa;

import java.io.Serializable;

/**
 * The query vectors of a question's tokens, after RoPE, as the model's attention sees them.
 *
 * @param q (tokens, layers, heads, headDim)
 */
public record QuestionQueries(int tokens, int layers, int heads, int kvHeads, int headDim, float[] q) implements Serializable {
    public QuestionQueries {
        if ((long) tokens * layers * heads * headDim != q.length) {
            throw new IllegalArgumentException("queries of " + tokens + " tokens, " + layers + " layers, " + heads + " heads of "
                    + headDim + " need " + (long) tokens * layers * heads * headDim + " values, got " + q.length);
        }
    }

    /** Where the query of token t, layer l, head h starts in q. */
    public int at(int t, int l, int h) {
        return ((t * layers + l) * heads + h) * headDim;
    }
}
