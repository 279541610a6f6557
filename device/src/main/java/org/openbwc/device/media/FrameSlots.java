package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_to_buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.Frame;

/**
 * A bounded set of frames that carry pictures from the capture thread to the encoder thread. The capture side's
 * picture belongs to its filter graph and is reused, so each picture is copied into a slot, once; recycling slots
 * avoids allocating a few MB of native memory per frame. Slots are allocated when first needed, so a pipeline whose
 * encoder keeps up holds two or three of them, not the whole bound. When every slot is in flight the picture is
 * dropped, which bounds memory under overload.
 */
final class FrameSlots {
    private final BlockingQueue<Frame> free;
    private final int capacity;
    // touched by the capture thread only
    private int allocated;

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
        Frame slot = free.poll();
        if (slot == null) {
            if (allocated == capacity) return null;
            allocated++;
            slot = new Frame();
        }
        ByteBuffer to = slot.image == null ? null : (ByteBuffer) slot.image[0];
        if (to == null || to.capacity() != size) {
            to = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
            slot.image = new ByteBuffer[] {to};
            // the recorder reads the buffer, FFmpeg writes it through this pointer
            slot.opaque = new BytePointer(to);
        }
        int copied = av_image_copy_to_buffer((BytePointer) slot.opaque, size, picture.data(), picture.linesize(), AV_PIX_FMT_YUV420P,
                width, height, 1);
        if (copied != size) {
            free.add(slot);
            throw new IllegalStateException("copying a " + width + "x" + height + " picture gave " + copied + " bytes, not " + size);
        }
        to.clear();
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

    static int yuv420pBytes(int width, int height) {
        return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2);
    }

    void release(Frame slot) {
        free.add(slot);
    }
}
