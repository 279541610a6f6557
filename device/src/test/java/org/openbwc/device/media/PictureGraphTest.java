package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_ref;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The capture thread's path: conversion of what a camera delivers, the picture into a slot by reference, the overlay in place. */
class PictureGraphTest {
    private static final EncoderSettings SETTINGS =
            EncoderSettings.mock("bwc-0042", "4711").withVideo(320, 180, 15);

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
        PictureSlots slots = new PictureSlots(3);
        try (PictureGraph conversion = PictureGraph.conversion(picture, SETTINGS)) {
            assertThat(conversion).isNotNull();
            AVFrame converted = conversion.filter(picture, 1234);
            assertThat(converted.format()).isEqualTo(AV_PIX_FMT_YUV420P);
            assertThat(converted.width()).isEqualTo(320);
            assertThat(converted.height()).isEqualTo(180);
            long luma = converted.data(0).address();
            AVFrame slot = slots.take(converted, 1234, true);
            assertThat(slot.data(0).address())
                    .as("the converted picture itself, not a copy")
                    .isEqualTo(luma);
            assertThat(slot.width()).isEqualTo(320);
            assertThat(slot.pts()).isEqualTo(1234);
            assertThat(converted.buf(0))
                    .as("the graph's frame gave up its reference")
                    .satisfiesAnyOf(
                            b -> assertThat(b).isNull(),
                            b -> assertThat(b.isNull()).isTrue());
            slots.release(slot);
        } finally {
            slots.close();
            av_frame_free(picture);
        }
    }

    @Test
    void theOverlayIsDrawnIntoThePictureItself() {
        AVFrame picture = picture(320, 180, AV_PIX_FMT_YUV420P, 16);
        PictureSlots slots = new PictureSlots(3);
        try (PictureGraph overlay =
                PictureGraph.overlay(SETTINGS, OverlayFilter.drawtext(SETTINGS, BundledFont.path()))) {
            long address = picture.data(0).address();
            AVFrame slot = slots.take(picture, 5_000, true);
            byte[] before = luma(slot);
            assertThat(slots.draw(slot, overlay)).isTrue();
            assertThat(slot.data(0).address())
                    .as("drawn in place, not into a copy")
                    .isEqualTo(address);
            assertThat(luma(slot)).isNotEqualTo(before);
            assertThat(slot.pts()).isEqualTo(5_000);
            slots.release(slot);
        } finally {
            slots.close();
            av_frame_free(picture);
        }
    }

    @Test
    void theOverlaysOfficerChangesBetweenTwoPicturesAsIfTheGraphHadBeenBuiltWithTheNewOne() {
        java.time.Instant at = java.time.Instant.parse("2025-03-01T14:07:09Z");
        EncoderSettings reassigned = EncoderSettings.mock("bwc-0042", "K-9/12").withVideo(320, 180, 15);
        byte[] oldOfficer;
        byte[] newOfficer;
        byte[] unassigned;
        try (PictureGraph overlay =
                PictureGraph.overlay(SETTINGS, OverlayFilter.drawtextAt(SETTINGS, BundledFont.path(), at))) {
            oldOfficer = drawn(overlay);
            overlay.reinit(OverlayFilter.reinitAt(SETTINGS, "K-9/12", at));
            newOfficer = drawn(overlay);
            overlay.reinit(OverlayFilter.reinitAt(SETTINGS, "", at));
            unassigned = drawn(overlay);
        }
        byte[] builtWithNew;
        try (PictureGraph fresh =
                PictureGraph.overlay(reassigned, OverlayFilter.drawtextAt(reassigned, BundledFont.path(), at))) {
            builtWithNew = drawn(fresh);
        }
        byte[] builtUnassigned;
        EncoderSettings nobody = EncoderSettings.mock("bwc-0042", "").withVideo(320, 180, 15);
        try (PictureGraph fresh =
                PictureGraph.overlay(nobody, OverlayFilter.drawtextAt(nobody, BundledFont.path(), at))) {
            builtUnassigned = drawn(fresh);
        }

        assertThat(newOfficer).as("the new officer is drawn").isNotEqualTo(oldOfficer);
        assertThat(newOfficer).as("pixel for pixel the new officer's overlay").isEqualTo(builtWithNew);
        assertThat(unassigned).as("no officer drawn").isEqualTo(builtUnassigned).isNotEqualTo(newOfficer);
    }

    private static final java.util.concurrent.atomic.AtomicLong PTS = new java.util.concurrent.atomic.AtomicLong();

    /** The luma of a black picture after {@code overlay}. */
    private static byte[] drawn(PictureGraph overlay) {
        AVFrame picture = picture(320, 180, AV_PIX_FMT_YUV420P, 16);
        try {
            AVFrame out = overlay.filter(picture, PTS.addAndGet(66_666));
            return luma(out);
        } finally {
            av_frame_free(picture);
        }
    }

    @Test
    void aPictureSharedWithSomeoneElseIsDrawnIntoACopyAndTheirsIsLeftAlone() {
        withSharedPicture((picture, other, slots) -> {
            try (PictureGraph overlay =
                    PictureGraph.overlay(SETTINGS, OverlayFilter.drawtext(SETTINGS, BundledFont.path()))) {
                byte[] theirs = luma(other);
                AVFrame slot = slots.take(picture, 0, true);
                assertThat(slots.draw(slot, overlay)).isTrue();
                assertThat(slot.data(0).address()).isNotEqualTo(other.data(0).address());
                assertThat(luma(slot)).isNotEqualTo(theirs);
                assertThat(luma(other))
                        .as("the other holder's picture is unchanged")
                        .isEqualTo(theirs);
                slots.release(slot);
            }
        });
    }

    @Test
    void aSharedPictureThatIsNotDrawnOnCrossesByReference() {
        withSharedPicture((picture, other, slots) -> {
            AVFrame slot = slots.take(picture, 0, false);
            assertThat(slot.data(0).address())
                    .as("no copy without an overlay")
                    .isEqualTo(other.data(0).address());
            slots.release(slot);
        });
    }

    /** A test body given a picture that another holder references too, as the grabber's packet does the mock's. */
    private interface SharedPictureTest {
        void run(AVFrame picture, AVFrame other, PictureSlots slots);
    }

    private static void withSharedPicture(SharedPictureTest test) {
        AVFrame picture = picture(320, 180, AV_PIX_FMT_YUV420P, 16);
        AVFrame other = av_frame_alloc();
        PictureSlots slots = new PictureSlots(3);
        try {
            assertThat(av_frame_ref(other, picture)).isZero();
            test.run(picture, other, slots);
        } finally {
            slots.close();
            av_frame_free(other);
            av_frame_free(picture);
        }
    }

    @Test
    void whenEverySlotIsInFlightThePictureIsLeftWithTheCallerAndTheSlotsAreBounded() {
        AVFrame first = picture(320, 180, AV_PIX_FMT_YUV420P, 16);
        AVFrame second = picture(320, 180, AV_PIX_FMT_YUV420P, 32);
        PictureSlots slots = new PictureSlots(1);
        try {
            AVFrame slot = slots.take(first, 0, false);
            assertThat(slot).isNotNull();
            assertThat(slots.take(second, 33_333, false)).isNull();
            assertThat(second.data(0).address())
                    .as("a dropped picture stays the caller's")
                    .isNotZero();
            assertThat(slots.allocated()).isEqualTo(1);
            slots.release(slot);
            AVFrame again = slots.take(second, 33_333, false);
            assertThat(again).as("a released slot is used again").isSameAs(slot);
            slots.release(again);
            assertThat(slots.allocated()).isEqualTo(1);
        } finally {
            slots.close();
            assertThat(slots.allocated()).isZero();
            av_frame_free(first);
            av_frame_free(second);
        }
    }

    @Test
    void whileTheEncoderIsBehindPicturesAreCopiedSoNoCameraPoolGrowsAndTheCopiesBuffersAreReused() {
        AVFrame[] pictures = new AVFrame[4];
        for (int i = 0; i < pictures.length; i++) pictures[i] = picture(320, 180, AV_PIX_FMT_YUV420P, 16 + i);
        PictureSlots slots = new PictureSlots(6);
        AVFrame[] taken = new AVFrame[4];
        try {
            long[] addresses = new long[4];
            for (int i = 0; i < 4; i++) {
                addresses[i] = pictures[i].data(0).address();
                taken[i] = slots.take(pictures[i], i, true);
            }
            for (int i = 0; i < PictureSlots.BY_REFERENCE; i++) {
                assertThat(taken[i].data(0).address())
                        .as("picture %d by reference", i)
                        .isEqualTo(addresses[i]);
            }
            for (int i = PictureSlots.BY_REFERENCE; i < 4; i++) {
                assertThat(taken[i].data(0).address())
                        .as("picture %d copied", i)
                        .isNotEqualTo(addresses[i]);
                assertThat(pictures[i].data(0).address())
                        .as("picture %d left with the caller", i)
                        .isEqualTo(addresses[i]);
                assertThat(luma(taken[i])[0]).isEqualTo((byte) (16 + i));
            }
            long copyBuffer = taken[3].data(0).address();
            slots.release(taken[3]);
            taken[3] = null;
            // the encoder caught up on nothing by reference yet: the next picture is still copied, into the freed
            // buffer
            AVFrame next = picture(320, 180, AV_PIX_FMT_YUV420P, 99);
            try {
                AVFrame again = slots.take(next, 4, true);
                assertThat(again.data(0).address())
                        .as("the copy buffer is used again")
                        .isEqualTo(copyBuffer);
                assertThat(luma(again)[0]).isEqualTo((byte) 99);
                slots.release(again);
            } finally {
                av_frame_free(next);
            }
        } finally {
            for (AVFrame slot : taken) if (slot != null) slots.release(slot);
            slots.close();
            assertThat(slots.allocated()).isZero();
            for (AVFrame picture : pictures) av_frame_free(picture);
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

    private static byte[] luma(AVFrame picture) {
        byte[] bytes = new byte[picture.linesize(0) * picture.height()];
        picture.data(0).position(0).capacity(bytes.length).get(bytes);
        return bytes;
    }
}
