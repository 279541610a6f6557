package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_is_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_arrays;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_to_buffer;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.Frame;

/**
 * A bounded set of frames that carry pictures from the capture thread to the encoder thread. The capture side's
 * picture belongs to its filter graph and is reused, so each picture is copied into a slot, once; recycling slots
 * avoids allocating a few MB of native memory per frame. When every slot is in flight the picture is dropped, which
 * bounds memory under overload.
 * <p>
 * A slot's picture lives in an FFmpeg reference-counted buffer ({@link #buffer}), so the encoder can take a
 * reference to it instead of a copy. Slots are allocated when needed and freed again once more than
 * {@link #IDLE_SLOTS} sit unused: a pipeline whose encoder keeps up holds two or three, and a burst of drops at
 * start-up does not leave the whole bound resident for the rest of the run.
 */
final class FrameSlots implements AutoCloseable {
    static final int IDLE_SLOTS = 2;

    private final BlockingQueue<Frame> free;
    private final int capacity;
    private final AtomicInteger allocated = new AtomicInteger();
    private volatile boolean closed;

    FrameSlots(int capacity) {
        this.capacity = capacity;
        free = new ArrayBlockingQueue<>(capacity);
    }

    /** A packed copy of a YUV 4:2:0 picture, or null when no slot is free. Called by the capture thread. */
    Frame copyOf(AVFrame picture, long timestamp) {
        if (picture.format() != AV_PIX_FMT_YUV420P) {
            throw new IllegalStateException("picture format " + picture.format() + " is not YUV 4:2:0 (" + AV_PIX_FMT_YUV420P + ")");
        }
        int width = picture.width();
        int height = picture.height();
        int size = yuv420pBytes(width, height);
        Frame slot = take(size);
        if (slot == null) return null;
        AVBufferRef buffer = buffer(slot);
        int copied = av_image_copy_to_buffer(buffer.data(), size, picture.data(), picture.linesize(), AV_PIX_FMT_YUV420P,
                width, height, 1);
        if (copied != size) {
            release(slot);
            throw new IllegalStateException("copying a " + width + "x" + height + " picture gave " + copied + " bytes, not " + size);
        }
        slot.image[0].clear();
        slot.imageWidth = width;
        slot.imageHeight = height;
        slot.imageDepth = Frame.DEPTH_UBYTE;
        slot.imageChannels = 1;
        // the recorder takes this as the luma line size; the chroma planes follow packed
        slot.imageStride = width;
        slot.keyFrame = false;
        slot.type = Frame.Type.VIDEO;
        slot.timestamp = timestamp;
        return slot;
    }

    /**
     * Runs the overlay on a slot's picture in place. The slot lends its buffer reference to the graph, so drawtext
     * finds the picture writable and draws into it instead of into a copy, and takes the reference back from the
     * graph's output. Called by the capture thread with a frame of its own as scratch space.
     *
     * @return the slot, or null if the graph held the picture back (the slot is then gone)
     */
    Frame draw(Frame slot, PictureGraph overlay, AVFrame scratch) {
        AVBufferRef lent = buffer(slot);
        long address = lent.data().address();
        int size = (int) lent.size();
        av_frame_unref(scratch);
        scratch.format(AV_PIX_FMT_YUV420P).width(slot.imageWidth).height(slot.imageHeight);
        av_image_fill_arrays(scratch.data(), scratch.linesize(), lent.data(), AV_PIX_FMT_YUV420P, slot.imageWidth, slot.imageHeight, 1);
        scratch.buf(0, lent);
        slot.opaque = null;
        AVFrame drawn;
        try {
            drawn = overlay.filter(scratch, slot.timestamp);
        } catch (RuntimeException e) {
            av_frame_unref(scratch);
            forget(slot);
            throw e;
        }
        if (drawn == null) {
            forget(slot);
            return null;
        }
        AVBufferRef back = drawn.buf(0);
        if (back != null && !back.isNull() && drawn.data(0).address() == address) {
            slot.opaque = back;
            // the reference now belongs to the slot again, not to the graph's output frame
            drawn.buf(0, null);
            return slot;
        }
        // the graph drew into a picture of its own: bring that one into the slot instead
        AVBufferRef buffer = allocate(size);
        slot.opaque = buffer;
        slot.image = new java.nio.ByteBuffer[] {buffer.data().capacity(size).asBuffer()};
        av_image_copy_to_buffer(buffer.data(), size, drawn.data(), drawn.linesize(), AV_PIX_FMT_YUV420P, slot.imageWidth,
                slot.imageHeight, 1);
        return slot;
    }

    private void forget(Frame slot) {
        slot.opaque = null;
        slot.image = null;
        allocated.decrementAndGet();
    }

    private static AVBufferRef allocate(int size) {
        AVBufferRef buffer = av_buffer_alloc(size);
        if (buffer == null || buffer.isNull()) throw new OutOfMemoryError("no native memory for a " + size + " byte picture");
        return buffer;
    }

    private Frame take(int size) {
        if (closed) return null;
        for (Frame slot; (slot = free.poll()) != null; ) {
            // a slot the encoder still holds a reference to (or of another size) cannot be written: let it go
            if (buffer(slot).size() == size && av_buffer_is_writable(buffer(slot)) != 0) return slot;
            discard(slot);
        }
        if (allocated.incrementAndGet() > capacity) {
            allocated.decrementAndGet();
            return null;
        }
        AVBufferRef buffer;
        try {
            buffer = allocate(size);
        } catch (OutOfMemoryError e) {
            allocated.decrementAndGet();
            throw e;
        }
        Frame slot = new Frame();
        slot.opaque = buffer;
        // the recorder reads the picture through this view; FFmpeg owns the memory
        slot.image = new java.nio.ByteBuffer[] {buffer.data().capacity(size).asBuffer()};
        return slot;
    }

    /** The reference-counted buffer holding a slot's picture. */
    static AVBufferRef buffer(Frame slot) {
        return (AVBufferRef) slot.opaque;
    }

    static int yuv420pBytes(int width, int height) {
        return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2);
    }

    /** Back to the pool, or freed if enough slots are idle already. Any thread. */
    void release(Frame slot) {
        if (closed || free.size() >= IDLE_SLOTS || !free.offer(slot)) discard(slot);
    }

    private void discard(Frame slot) {
        av_buffer_unref(buffer(slot));
        slot.opaque = null;
        slot.image = null;
        allocated.decrementAndGet();
    }

    /** Frees the idle slots; slots still in flight are freed when they are released. */
    @Override
    public void close() {
        closed = true;
        for (Frame slot; (slot = free.poll()) != null; ) discard(slot);
    }
}
