package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_is_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_is_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_move_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_to_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_arrays;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * A bounded set of frames that carry pictures from the capture thread to the encoder thread.
 * <p>
 * A picture crosses by reference (the slot takes over the capture side's reference, nothing is copied) unless the
 * overlay is to be drawn on it while someone else still holds it, or the encoder is behind. In those two cases it
 * is copied once into a buffer of the slot's own. The first: drawing into a shared picture is not allowed, and
 * drawtext would copy it anyway (the mock source's pictures are shared with the grabber's packet; a real camera's,
 * decoded or converted, are not). The second matters for memory: a decoder's or filter graph's buffer pool keeps
 * every buffer it ever had out at once until it is closed, so references held in a backed-up queue would leave the
 * pool that large for good, while the slots' own buffers are freed again once more than {@link #IDLE_BUFFERS} sit
 * unused.
 * <p>
 * When every slot is in flight the picture is dropped, which bounds memory under overload.
 */
final class PictureSlots implements AutoCloseable {
    /** Pictures in flight by reference at most, i.e. extra buffers a camera's pool may be asked for. */
    static final int BY_REFERENCE = 2;
    /** A unit whose encoder keeps up has one copy in flight at a time; a second one is freed again, not kept. */
    static final int IDLE_BUFFERS = 1;

    private final BlockingQueue<AVFrame> free;
    private final BlockingQueue<AVBufferRef> idleBuffers = new ArrayBlockingQueue<>(IDLE_BUFFERS);
    /**
     * The data addresses of the slots' own picture buffers that are alive. By address, not by reference object: a
     * filter graph may hand the same buffer back under another {@code AVBufferRef}.
     */
    private final Set<Long> ownBuffers = ConcurrentHashMap.newKeySet();

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int capacity;
    private final AtomicInteger allocated = new AtomicInteger();
    private volatile boolean closed;

    PictureSlots(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity + " must be >= 1");
        this.capacity = capacity;
        free = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Puts {@code picture} into a slot stamped with the capture time: by reference (leaving {@code picture} empty) if
     * fewer than {@link #BY_REFERENCE} pictures are in flight that way and, when it is to be drawn on, only the caller
     * holds it; else as a copy (leaving it as it was). Returns null, with {@code picture} untouched, when every slot is
     * in flight.
     */
    AVFrame take(AVFrame picture, long timestampMicros, boolean toBeDrawnOn) {
        if (picture.format() != AV_PIX_FMT_YUV420P) {
            throw new IllegalStateException(
                    "picture format " + picture.format() + " is not YUV 4:2:0 (" + AV_PIX_FMT_YUV420P + ")");
        }
        boolean byReference = isReferenceCounted(picture)
                && (!toBeDrawnOn || av_frame_is_writable(picture) != 0)
                && byReference() < BY_REFERENCE;
        AVFrame slot = nextFree();
        if (slot == null) return null;
        if (byReference) {
            av_frame_move_ref(slot, picture);
        } else {
            try {
                copy(picture, slot);
            } catch (RuntimeException | OutOfMemoryError e) {
                release(slot);
                throw e;
            }
        }
        slot.pts(timestampMicros);
        return slot;
    }

    /**
     * Pictures in flight that hold a buffer of someone else's. Read on the capture thread while the encoder thread
     * releases, so it may be one too high for a moment, which only means one more copy.
     */
    private int byReference() {
        return inFlight.get() - ownBuffers.size() + idleBuffers.size();
    }

    private void copy(AVFrame picture, AVFrame slot) {
        int width = picture.width();
        int height = picture.height();
        int size = RecorderInput.yuv420pBytes(width, height);
        AVBufferRef buffer = ownBuffer(size);
        int copied = av_image_copy_to_buffer(
                buffer.data(), size, picture.data(), picture.linesize(), AV_PIX_FMT_YUV420P, width, height, 1);
        if (copied != size) {
            recycle(buffer);
            throw new IllegalStateException(
                    "copying a " + width + "x" + height + " picture gave " + copied + " bytes, not " + size);
        }
        slot.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        av_image_fill_arrays(slot.data(), slot.linesize(), buffer.data(), AV_PIX_FMT_YUV420P, width, height, 1);
        // the slot owns the buffer's only reference, so the overlay finds it writable and draws into it
        slot.buf(0, buffer);
    }

    private AVBufferRef ownBuffer(int size) {
        for (AVBufferRef idle; (idle = idleBuffers.poll()) != null; ) {
            if (idle.size() == size) return idle;
            forgetBuffer(idle);
        }
        AVBufferRef buffer = av_buffer_alloc(size);
        if (buffer == null || buffer.isNull())
            throw new OutOfMemoryError("no native memory for a " + size + " byte picture");
        ownBuffers.add(buffer.data().address());
        return buffer;
    }

    private void recycle(AVBufferRef buffer) {
        if (closed || !idleBuffers.offer(buffer)) forgetBuffer(buffer);
    }

    private void forgetBuffer(AVBufferRef buffer) {
        ownBuffers.remove(buffer.data().address());
        av_buffer_unref(buffer);
    }

    /**
     * Runs the overlay on a slot's picture. The graph takes the slot's reference, so drawtext draws into the picture
     * itself when nobody else holds it, and the slot takes the graph's output back.
     *
     * @return false if the graph held the picture back; the slot has then been released
     */
    boolean draw(AVFrame slot, PictureGraph overlay) {
        long timestampMicros = slot.pts();
        long address = slot.data(0).address();
        AVFrame drawn;
        try {
            drawn = overlay.filter(slot, timestampMicros);
        } catch (RuntimeException e) {
            ownBuffers.remove(address);
            release(slot);
            throw e;
        }
        if (drawn == null || drawn.data(0).address() != address) {
            // the graph kept or dropped the slot's buffer (and drew into a picture of its own, if any)
            ownBuffers.remove(address);
        }
        if (drawn == null) {
            release(slot);
            return false;
        }
        av_frame_move_ref(slot, drawn);
        slot.pts(timestampMicros);
        return true;
    }

    /** Drops the slot's reference to its picture and makes the slot available again. Any thread. */
    void release(AVFrame slot) {
        AVBufferRef buffer = slot.buf(0);
        if (buffer != null
                && !buffer.isNull()
                && ownBuffers.contains(buffer.data().address())) {
            if (av_buffer_is_writable(buffer) != 0) {
                // back to the slots' own buffers rather than freed with the frame
                slot.buf(0, null);
                recycle(buffer);
            } else {
                // someone else holds it too: it is freed when they let go
                ownBuffers.remove(buffer.data().address());
            }
        }
        av_frame_unref(slot);
        inFlight.decrementAndGet();
        if (closed || !free.offer(slot)) {
            av_frame_free(slot);
            allocated.decrementAndGet();
        }
    }

    /** Slots allocated so far and not freed: the pictures in flight plus the idle slots. */
    int allocated() {
        return allocated.get();
    }

    private AVFrame nextFree() {
        if (closed) return null;
        AVFrame slot = free.poll();
        if (slot == null) {
            if (allocated.incrementAndGet() > capacity) {
                allocated.decrementAndGet();
                return null;
            }
            slot = av_frame_alloc();
            if (slot == null || slot.isNull()) {
                allocated.decrementAndGet();
                throw new OutOfMemoryError("no native memory for a frame");
            }
        }
        inFlight.incrementAndGet();
        return slot;
    }

    private static boolean isReferenceCounted(AVFrame picture) {
        AVBufferRef buffer = picture.buf(0);
        return buffer != null && !buffer.isNull();
    }

    /** Frees the idle slots; slots still in flight are freed when they are released. */
    @Override
    public void close() {
        closed = true;
        for (AVBufferRef idle; (idle = idleBuffers.poll()) != null; ) forgetBuffer(idle);
        for (AVFrame slot; (slot = free.poll()) != null; ) {
            av_frame_free(slot);
            allocated.decrementAndGet();
        }
    }
}
