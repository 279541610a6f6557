package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The capture thread's path: conversion of what a camera delivers, the one copy into a slot, the overlay in place. */
class PictureGraphTest {
    private static final EncoderSettings SETTINGS = EncoderSettings.mock("bwc-0042", "4711").withVideo(320, 180, 15);

    @BeforeAll
    static void loadNatives() {
        FfmpegNatives.requireLoaded();
        FfmpegLog.install();
    }

    @Test
    void aCameraPictureOfTheConfiguredSizeAndFormatNeedsNoConversion() {
        AVFrame picture = picture(320, 180, AV_PIX_FMT_YUV420P, 16);
        try {
            assertThat(PictureGraph.conversion(picture, SETTINGS)).isNull();
        } finally {
            av_frame_free(picture);
        }
    }

    @Test
    void anMjpegCameraPictureOfAnotherSizeBecomesYuv420pAtTheConfiguredSize() {
        AVFrame picture = picture(640, 480, AV_PIX_FMT_YUVJ422P, 200);
        FrameSlots slots = new FrameSlots(3);
        try (PictureGraph conversion = PictureGraph.conversion(picture, SETTINGS)) {
            assertThat(conversion).isNotNull();
            AVFrame converted = conversion.filter(picture, 1234);
            assertThat(converted.format()).isEqualTo(AV_PIX_FMT_YUV420P);
            assertThat(converted.width()).isEqualTo(320);
            assertThat(converted.height()).isEqualTo(180);
            Frame slot = slots.copyOf(converted, 1234);
            assertThat(slot.image[0].remaining()).isEqualTo(FrameSlots.yuv420pBytes(320, 180));
            assertThat(slot.timestamp).isEqualTo(1234);
            slots.release(slot);
        } finally {
            slots.close();
            av_frame_free(picture);
        }
    }

    @Test
    void theOverlayIsDrawnIntoTheSlotItself() {
        AVFrame picture = picture(320, 180, AV_PIX_FMT_YUV420P, 16);
        AVFrame scratch = av_frame_alloc();
        FrameSlots slots = new FrameSlots(3);
        try (PictureGraph overlay = PictureGraph.overlay(SETTINGS, OverlayFilter.drawtext(SETTINGS, BundledFont.path()))) {
            Frame slot = slots.copyOf(picture, 0);
            long address = FrameSlots.buffer(slot).data().address();
            byte[] before = bytes(slot);
            assertThat(slots.draw(slot, overlay, scratch)).isSameAs(slot);
            assertThat(FrameSlots.buffer(slot).data().address()).as("drawn in place, not into a copy").isEqualTo(address);
            assertThat(bytes(slot)).isNotEqualTo(before);
            slots.release(slot);
        } finally {
            slots.close();
            av_frame_free(scratch);
            av_frame_free(picture);
        }
    }

    private static AVFrame picture(int width, int height, int format, int luma) {
        AVFrame frame = av_frame_alloc();
        frame.format(format).width(width).height(height);
        assertThat(av_frame_get_buffer(frame, 0)).isZero();
        for (int plane = 0; plane < 3; plane++) {
            int rows = plane == 0 || format == AV_PIX_FMT_YUVJ422P ? height : height / 2;
            BytePointer data = frame.data(plane);
            data.capacity((long) frame.linesize(plane) * rows);
            for (long i = 0; i < data.capacity(); i++) data.put(i, (byte) (plane == 0 ? luma : 128));
        }
        return frame;
    }

    private static byte[] bytes(Frame slot) {
        byte[] bytes = new byte[slot.image[0].remaining()];
        ((java.nio.ByteBuffer) slot.image[0]).duplicate().get(bytes);
        return bytes;
    }
}
