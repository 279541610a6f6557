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
        ByteBuffer from = ((ByteBuffer) picture.image[0]).duplicate();
        // JavaCV limits the buffer to the Y plane; the U and V planes follow it up to the capacity.
        from.clear();
        ByteBuffer to = slot.image == null ? null : (ByteBuffer) slot.image[0];
        if (to == null || to.capacity() != from.capacity()) {
            to = ByteBuffer.allocateDirect(from.capacity()).order(ByteOrder.nativeOrder());
            slot.image = new ByteBuffer[] {to};
        }
        to.clear();
        to.put(from);
        to.position(0).limit(picture.image[0].limit());
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

    void release(Frame slot) {
        free.add(slot);
    }

    int available() {
        return free.size();
    }
}
