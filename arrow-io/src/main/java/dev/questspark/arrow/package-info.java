/**
 * Arrow for the Quest KV cache: page metadata as Arrow record batches and IPC streams/files, and KV snapshots of
 * prefilled documents.
 *
 * <ul>
 *   <li>{@link dev.questspark.arrow.PageMetadataSchema} — the page metadata schema ({@code SCHEMA} for head dim 64,
 *       {@code schema(headDim)} for others).</li>
 *   <li>{@link dev.questspark.arrow.PageMetadataExporter} / {@link dev.questspark.arrow.PageMetadataReader} — export a
 *       session's page metadata (one batch per layer, bulk-copied, or one per (layer, KV head), zero-copy over the
 *       cache's own memory) and read it back.</li>
 *   <li>{@link dev.questspark.arrow.KvSnapshot} — write a prefilled document to an Arrow IPC file and restore it into
 *       a new session that continues bit-identically; refuses other models, page sizes, shapes and damaged files
 *       ({@link dev.questspark.arrow.KvSnapshotException} with a {@code Reason}).</li>
 *   <li>{@link dev.questspark.arrow.KvSnapshotStore} — the QA job's {@code --kv-cache DIR}: one file per (model,
 *       page size, document), atomic saves.</li>
 * </ul>
 *
 * The KV cache's buffers are direct ByteBuffers, not Arrow buffers; Arrow borrows them without copying through
 * {@code BufferAllocator.wrapForeignAllocation}, so snapshot writes and per-head metadata batches go from the cache's
 * memory to the file with no intermediate copy. Every JVM using this package needs
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED} (Arrow's memory access).
 */
package dev.questspark.arrow;
