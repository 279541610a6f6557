package org.openbwc.device.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bytedeco.javacv.Frame;

/**
 * A fixed set of frames that carry pictures from the capture thread to the encoder thread. The grabber reuses its
 * frame for the next grab, so each picture is copied into a slot; recycling slots avoids allocating a few MB of
 * native memory per frame. When every slot is in flight the picture is dropped, which bounds memory under overload.
 */
final class FrameSlots {
    private final BlockingQueue<Frame> free;

    FrameSlots(int count) {
        free = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) free.add(new Frame());
    }

    /** A copy of a YUV 4:2:0 picture, or null when no slot is free. */
    Frame copyOf(Frame picture, long timestamp) {
        Frame slot = free.poll();
        if (slot == null) return null;
        // JavaCV limits the buffer to the Y plane; the U and V planes follow it, packed, up to this size.
        int size = yuv420pBytes(picture.imageWidth, picture.imageHeight);
        ByteBuffer from = ((ByteBuffer) picture.image[0]).duplicate();
        if (from.capacity() < size) {
            free.add(slot);
            throw new IllegalStateException("picture buffer of " + from.capacity() + " bytes is too small for " + picture.imageWidth
                    + "x" + picture.imageHeight + " YUV 4:2:0 (" + size + " bytes); is the grabber's pixel format YUV420P?");
        }
        from.position(0).limit(size);
        ByteBuffer to = slot.image == null ? null : (ByteBuffer) slot.image[0];
        if (to == null || to.capacity() != size) {
            to = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
            slot.image = new ByteBuffer[] {to};
        }
        to.clear();
        to.put(from);
        to.flip();
        slot.imageWidth = picture.imageWidth;
        slot.imageHeight = picture.imageHeight;
        slot.imageDepth = picture.imageDepth;
        slot.imageChannels = picture.imageChannels;
        slot.imageStride = picture.imageStride;
        slot.keyFrame = picture.keyFrame;
        slot.type = picture.type;
        slot.timestamp = timestamp;
        return slot;
    }

    static int yuv420pBytes(int width, int height) {
        return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2);
    }

    void release(Frame slot) {
        free.add(slot);
    }

    int available() {
        return free.size();
    }
}
