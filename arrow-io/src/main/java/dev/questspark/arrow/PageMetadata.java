package dev.questspark.arrow;

import java.util.Arrays;

/**
 * One row of {@link PageMetadataSchema}: the key bounds of one page of one (layer, KV head) of a document.
 *
 * @param keyMin (headDim) channel-wise minimum of the page's keys
 * @param keyMax (headDim) channel-wise maximum of the page's keys
 */
public record PageMetadata(String documentId, int layer, int kvHead, int pageIndex, int firstToken, int tokenCount,
                           float[] keyMin, float[] keyMax) {
    /** Equal when every field is, the bounds compared bit for bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PageMetadata m && documentId.equals(m.documentId) && layer == m.layer && kvHead == m.kvHead
                && pageIndex == m.pageIndex && firstToken == m.firstToken && tokenCount == m.tokenCount
                && Arrays.equals(keyMin, m.keyMin) && Arrays.equals(keyMax, m.keyMax);
    }

    @Override
    public int hashCode() {
        int h = java.util.Objects.hash(documentId, layer, kvHead, pageIndex, firstToken, tokenCount);
        return 31 * (31 * h + Arrays.hashCode(keyMin)) + Arrays.hashCode(keyMax);
    }

    @Override
    public String toString() {
        return "PageMetadata[" + documentId + " layer " + layer + " kvHead " + kvHead + " page " + pageIndex + " tokens ["
                + firstToken + ", " + (firstToken + tokenCount) + ") min " + Arrays.toString(keyMin) + " max "
                + Arrays.toString(keyMax) + "]";
    }
}
