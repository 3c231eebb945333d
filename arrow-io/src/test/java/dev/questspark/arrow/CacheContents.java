package dev.questspark.arrow;

import dev.questspark.quest.HeadPages;
import dev.questspark.quest.PagedKvCache;
import java.util.ArrayList;
import java.util.List;

/** Page metadata read from a cache value by value (the slow twin of the bulk export) or recomputed from its keys. */
final class CacheContents {
    private CacheContents() {}

    /** The stored bounds, in export order (layer, KV head, page). */
    static List<PageMetadata> stored(PagedKvCache cache, String documentId) {
        return rows(cache, documentId, false);
    }

    /** Bounds recomputed from the stored keys of each page. */
    static List<PageMetadata> recomputed(PagedKvCache cache, String documentId) {
        return rows(cache, documentId, true);
    }

    private static List<PageMetadata> rows(PagedKvCache cache, String documentId, boolean fromKeys) {
        int p = cache.config().quest().pageSize();
        int d = cache.config().headDim();
        List<PageMetadata> out = new ArrayList<>();
        for (int layer = 0; layer < cache.config().layers(); layer++) {
            for (int h = 0; h < cache.config().kvHeads(); h++) {
                HeadPages hp = cache.pages(layer, h);
                int first = cache.firstPage(layer); // own row 0 is token first * p (a window layer's ring), else 0
                for (int page = first; page < cache.pageCount(); page++) {
                    int n = Math.min(p, cache.length() - page * p);
                    float[] min = new float[d];
                    float[] max = new float[d];
                    for (int c = 0; c < d; c++) {
                        if (fromKeys) {
                            min[c] = Float.POSITIVE_INFINITY;
                            max[c] = Float.NEGATIVE_INFINITY;
                            for (int t = page * p; t < page * p + n; t++) {
                                min[c] = Math.min(min[c], hp.key(t - first * p, c));
                                max[c] = Math.max(max[c], hp.key(t - first * p, c));
                            }
                        } else {
                            min[c] = hp.min(page - first, c);
                            max[c] = hp.max(page - first, c);
                        }
                    }
                    out.add(new PageMetadata(documentId, layer, h, page, page * p, n, min, max));
                }
            }
        }
        return out;
    }

    /** Equal rows, bounds compared as numbers (so -0 equals +0, as min/max do not order them). */
    static boolean sameValues(List<PageMetadata> a, List<PageMetadata> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            PageMetadata x = a.get(i);
            PageMetadata y = b.get(i);
            if (x.layer() != y.layer() || x.kvHead() != y.kvHead() || x.pageIndex() != y.pageIndex()
                    || x.firstToken() != y.firstToken() || x.tokenCount() != y.tokenCount() || !x.documentId().equals(y.documentId())
                    || !sameNumbers(x.keyMin(), y.keyMin()) || !sameNumbers(x.keyMax(), y.keyMax())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameNumbers(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
