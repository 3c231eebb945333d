package dev.questspark.arrow;

import java.nio.ByteBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Moves the KV cache's off-heap regions into Arrow buffers: either as a zero-copy view of the cache's own memory
 * or as one bulk copy.
 */
final class CacheBuffers {
    private CacheBuffers() {}

    /**
     * Bytes [offset, offset + length) of a direct buffer as an ArrowBuf over the same memory. The ArrowBuf keeps the
     * buffer reachable, so the memory stays valid while Arrow holds it even if the cache is closed; its contents
     * change when the cache is written.
     */
    static ArrowBuf wrap(BufferAllocator allocator, ByteBuffer direct, long offset, long length) {
        checkRegion(direct, offset, length);
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("only direct buffers can be shared with Arrow without a copy");
        }
        if (length == 0) {
            return allocator.getEmpty();
        }
        long address = MemoryUtil.getByteBufferAddress(direct) + offset;
        return allocator.wrapForeignAllocation(new Borrowed(direct, length, address));
    }

    /** Bytes [offset, offset + length) of a buffer copied into a new ArrowBuf with one bulk copy. */
    static ArrowBuf copy(BufferAllocator allocator, ByteBuffer source, long offset, long length) {
        checkRegion(source, offset, length);
        ArrowBuf buf = allocator.buffer(length);
        buf.setBytes(0, slice(source, offset, length));
        return buf;
    }

    /** A little-endian view of bytes [offset, offset + length) of source, leaving source's position alone. */
    static ByteBuffer slice(ByteBuffer source, long offset, long length) {
        checkRegion(source, offset, length);
        ByteBuffer b = source.duplicate();
        b.limit((int) (offset + length)).position((int) offset);
        return b.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkRegion(ByteBuffer b, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > b.capacity()) {
            throw new IndexOutOfBoundsException("region [" + offset + ", " + (offset + length) + ") outside a buffer of "
                    + b.capacity() + " bytes");
        }
    }

    /** Memory Arrow borrows from a direct ByteBuffer: releasing it only drops the reference. */
    private static final class Borrowed extends ForeignAllocation {
        private ByteBuffer owner; // keeps the memory reachable while Arrow uses it

        Borrowed(ByteBuffer owner, long size, long address) {
            super(size, address);
            this.owner = owner;
        }

        @Override
        protected void release0() {
            owner = null;
        }
    }
}
