package dev.questspark.jobs;

import dev.questspark.jobs.generate.QaRouting;
import dev.questspark.jobs.model.DecoderSnapshots;
import dev.questspark.jobs.model.DocumentModel;
import dev.questspark.jobs.qa.ChunkPages;
import dev.questspark.jobs.qa.ChunkPrefill;
import dev.questspark.jobs.qa.QuestRouter;
import dev.questspark.jobs.qa.QuestionQueries;
import dev.questspark.jobs.bench.BalancedPartitions;
import dev.questspark.jobs.text.TokenChunks.Span;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.size;

/**
 * The quest router across the cluster: a long document's chunks are prefilled where they land and only their KV
 * page metadata (Arrow IPC, {@link dev.questspark.arrow.PageMetadataSchema}) travels to the questions.
 * <ol>
 * <li>plan: each document longer than the room of a prompt becomes its chunk rows (the chunks the answer cuts);</li>
 * <li>prefill: the chunk rows, spread over the partitions by token count, are each prefilled as their prompt head
 * (from the chunk's (document, chunk) KV snapshot when kv-cache has it, else saved there) and give their page
 * metadata as an Arrow column;</li>
 * <li>queries: each question of a chunked document gets its query vectors at the positions after a chunk;</li>
 * <li>score: every (question, chunk) pair of a document, joined by document, scores the chunk's pages;</li>
 * <li>rank: a question's chunk scores, grouped, become its {@link dev.questspark.jobs.generate.ChunkOrder}, a column the
 * answer task reads instead of prefilling the chunks again.</li>
 * </ol>
 * A question whose ranking is missing (a chunk that failed, a document that could not be planned) gets none and is
 * ranked inside its answer task as before: rows in = rows out, and the answers are those of one task.
 */
final class SplitQa extends PersistedStages {
    private static final Logger LOG = LoggerFactory.getLogger(SplitQa.class);
    /** The struct column (chunk_tokens, order) added to the question rows. */
    static final String ORDER = "__quest_chunk_order";
    private static final String QKEY = "__quest_question_key";
    private static final String INDEX = "chunk_index";
    private static final String CHUNKS = "chunk_count";
    private static final String SIZE = "chunk_tokens";
    private static final String POSITION = "query_position";

    private static final StructType CHUNK = new StructType()
            .add("doc", DataTypes.StringType, false).add("doc_hash", DataTypes.StringType, false)
            .add(INDEX, DataTypes.IntegerType, false).add(CHUNKS, DataTypes.IntegerType, false)
            .add("start", DataTypes.IntegerType, false).add("end", DataTypes.IntegerType, false)
            .add(SIZE, DataTypes.IntegerType, false).add(POSITION, DataTypes.IntegerType, false)
            .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false), false);
    /** A chunk's page metadata: an Arrow IPC stream of PageMetadataSchema, null when its prefill failed. */
    private static final StructType PAGES = new StructType()
            .add("doc", DataTypes.StringType, false).add(INDEX, DataTypes.IntegerType, false)
            .add("pages", DataTypes.BinaryType, true);
    private static final StructType QUERIES = new StructType()
            .add(QKEY, DataTypes.LongType, false).add("doc", DataTypes.StringType, false)
            .add(CHUNKS, DataTypes.IntegerType, false).add(SIZE, DataTypes.IntegerType, false)
            .add("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("q", DataTypes.BinaryType, false);
    private static final StructType SCORES = new StructType()
            .add(QKEY, DataTypes.LongType, false).add(INDEX, DataTypes.IntegerType, false)
            .add(CHUNKS, DataTypes.IntegerType, false).add(SIZE, DataTypes.IntegerType, false)
            .add("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("maxima", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    private static final StructType ORDERS = new StructType()
            .add(QKEY, DataTypes.LongType, false)
            .add(ORDER, new StructType().add(SIZE, DataTypes.IntegerType, false)
                    .add("order", DataTypes.createArrayType(DataTypes.IntegerType, false), false), false);

    private final Dataset<Row> rows;

    /**
     * questions: one row per question with the document's key and text (null when it has none) and the question;
     * the rows come back with {@link #ORDER}.
     */
    private SplitQa(QuestGenerator answerer, Dataset<Row> questions, String docKeyCol, String docTextCol, int partitions) {
        SparkSession spark = questions.sparkSession();
        ChunkStages.Model model = SplitSummaries.model(answerer, spark.sparkContext());
        Dataset<Row> keyed = persist(questions.withColumn(QKEY, monotonically_increasing_id()));
        Dataset<Row> docs = keyed.filter(col(docTextCol).isNotNull()).select(col(docKeyCol), col(docTextCol))
                .dropDuplicates(docKeyCol);
        Dataset<Row> chunks = persist(docs.mapPartitions(new Plan(model), Encoders.row(CHUNK)));
        Dataset<Row> pages = persist(BalancedPartitions.byWeight(spark, chunks, concat_ws("/", col("doc"), col(INDEX)),
                        size(col("tokens")), partitions)
                .mapPartitions(new Prefill(model), Encoders.row(PAGES)));
        Dataset<Row> perDocument = chunks.select(col("doc"), col(CHUNKS), col(SIZE), col(POSITION)).distinct();
        Dataset<Row> queries = keyed.join(perDocument, keyed.col(docKeyCol).cast("string").equalTo(perDocument.col("doc")))
                .select(col(QKEY), col("doc"), col(CHUNKS), col(SIZE), col(POSITION), col(answerer.getQuestionCol()))
                .mapPartitions(new Queries(model), Encoders.row(QUERIES));
        Dataset<Row> scores = queries.join(pages, "doc").select(col(QKEY), col(INDEX), col(CHUNKS), col(SIZE), col("shape"),
                col("q"), col("pages")).mapPartitions(new Score(model), Encoders.row(SCORES));
        Dataset<Row> orders = persist(scores.repartition(partitions, col(QKEY)).sortWithinPartitions(col(QKEY), col(INDEX))
                .mapPartitions(new Rank(model.settings().attention().denseLayers()), Encoders.row(ORDERS)));
        LOG.info("qa router quest: {} chunks of long documents prefilled, {} questions ranked across tasks",
                pages.count(), orders.count());
        rows = keyed.join(orders, keyed.col(QKEY).equalTo(orders.col(QKEY)), "left").drop(QKEY);
    }

    static SplitQa run(QuestGenerator answerer, Dataset<Row> questions, String docKeyCol, String docTextCol, int partitions) {
        return new SplitQa(answerer, questions, docKeyCol, docTextCol, partitions);
    }

    /** The question rows with {@link #ORDER} (null where no ranking was made). */
    Dataset<Row> rows() {
        return rows;
    }

    /** (document key, text) to the chunk rows of each document longer than a prompt's room. */
    record Plan(ChunkStages.Model model) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            List<Row> out = new ArrayList<>();
            try (QaRouting routing = new QaRouting(model.settings(), model.get())) {
                int head = routing.head().length;
                while (input.hasNext()) {
                    Row r = input.next();
                    String doc = String.valueOf(r.get(0));
                    try {
                        int[] tokens = routing.model().encode(r.getString(1));
                        List<Span> spans = routing.spans(tokens);
                        int longest = spans.stream().mapToInt(Span::length).max().orElse(0);
                        String hash = ChunkPrefill.documentHash(tokens);
                        for (int i = 0; i < spans.size(); i++) {
                            Span s = spans.get(i);
                            out.add(RowFactory.create(doc, hash, i, spans.size(), s.start(), s.end(), routing.chunkTokens(),
                                    head + longest, java.util.Arrays.copyOfRange(tokens, s.start(), s.end())));
                        }
                    } catch (RuntimeException e) {
                        // Its questions are ranked in their answer task, which reports what is wrong with the text.
                        LOG.warn("qa router: document {} not planned across tasks: {}", doc, e.getMessage());
                    }
                }
            }
            return out.iterator();
        }
    }

    /** Chunk rows to their page metadata: each chunk prefilled as its prompt head (or restored from its snapshot). */
    record Prefill(ChunkStages.Model model) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            List<Row> out = new ArrayList<>();
            DocumentModel m = model.get();
            DecoderSnapshots snapshots = model.settings().kvCache() == null ? DecoderSnapshots.NONE
                    : m.snapshots(Path.of(model.settings().kvCache()));
            ChunkPrefill prefill = new ChunkPrefill(m, model.settings().attention(), snapshots);
            try (QaRouting routing = new QaRouting(model.settings(), m)) {
                int[] head = routing.head();
                while (input.hasNext()) {
                    Row r = input.next();
                    byte[] pages = null;
                    try {
                        int[] tokens = r.<Integer>getList(8).stream().mapToInt(Integer::intValue).toArray();
                        pages = prefill.pages(head, tokens, r.getString(1), new Span(r.getInt(4), r.getInt(5)));
                    } catch (RuntimeException e) {
                        LOG.warn("qa router: chunk {} of document {} not prefilled: {}", r.getInt(2), r.getString(0), e.getMessage());
                    }
                    out.add(RowFactory.create(r.getString(0), r.getInt(2), pages));
                }
            }
            return out.iterator();
        }
    }

    /** Questions of chunked documents to their query vectors at the positions after a chunk. */
    record Queries(ChunkStages.Model model) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            List<Row> out = new ArrayList<>();
            try (QaRouting routing = new QaRouting(model.settings(), model.get())) {
                while (input.hasNext()) {
                    Row r = input.next();
                    if (r.isNullAt(5)) {
                        continue;
                    }
                    try {
                        QuestionQueries q = routing.queries(r.getString(5), r.getInt(4));
                        out.add(RowFactory.create(r.getLong(0), r.getString(1), r.getInt(2), r.getInt(3),
                                new Integer[]{q.tokens(), q.layers(), q.heads(), q.kvHeads(), q.headDim()}, floats(q.q())));
                    } catch (RuntimeException e) {
                        LOG.warn("qa router: question {} has no query vectors: {}", r.getLong(0), e.getMessage());
                    }
                }
            }
            return out.iterator();
        }
    }

    /** (question, chunk) pairs to the chunk's per-head page maxima ({@link QuestRouter#chunkMaxima}). */
    record Score(ChunkStages.Model model) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            List<Row> out = new ArrayList<>();
            int head = -1;
            while (input.hasNext()) {
                Row r = input.next();
                List<Integer> shape = r.getList(4);
                float[] maxima = null;
                if (!r.isNullAt(6)) {
                    if (head < 0) {
                        try (QaRouting routing = new QaRouting(model.settings(), model.get())) {
                            head = routing.head().length;
                        }
                    }
                    QuestionQueries q = new QuestionQueries(shape.get(0), shape.get(1), shape.get(2), shape.get(3), shape.get(4),
                            floats((byte[]) r.get(5)));
                    maxima = QuestRouter.chunkMaxima(ChunkPages.read((byte[]) r.get(6)), q, head);
                }
                out.add(RowFactory.create(r.getLong(0), r.getInt(1), r.getInt(2), r.getInt(3), shape.toArray(new Integer[0]),
                        maxima == null ? null : boxed(maxima)));
            }
            return out.iterator();
        }
    }

    /** One question's chunk maxima (consecutive, in chunk order) to its ranking; none unless every chunk scored. */
    record Rank(int denseLayers) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            List<Row> out = new ArrayList<>();
            List<Row> question = new ArrayList<>();
            while (input.hasNext()) {
                Row r = input.next();
                if (!question.isEmpty() && question.get(0).getLong(0) != r.getLong(0)) {
                    rank(question, out);
                    question.clear();
                }
                question.add(r);
            }
            if (!question.isEmpty()) {
                rank(question, out);
            }
            return out.iterator();
        }

        private void rank(List<Row> chunks, List<Row> out) {
            Row first = chunks.get(0);
            if (chunks.size() != first.getInt(2) || chunks.stream().anyMatch(r -> r.isNullAt(5))) {
                return;
            }
            List<float[]> maxima = new ArrayList<>();
            for (Row r : chunks) {
                List<Float> m = r.getList(5);
                float[] a = new float[m.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = m.get(i);
                }
                maxima.add(a);
            }
            List<Integer> shape = first.getList(4);
            int[] order = QuestRouter.rank(QuestRouter.scores(maxima, shape.get(1), shape.get(2), shape.get(4), denseLayers));
            Integer[] boxed = java.util.Arrays.stream(order).boxed().toArray(Integer[]::new);
            out.add(RowFactory.create(first.getLong(0), RowFactory.create(first.getInt(3), boxed)));
        }
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static float[] floats(byte[] b) {
        float[] v = new float[b.length / Float.BYTES];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static Float[] boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
