package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The officer burned into the encoded picture changes while the pipeline runs (an assignment from the gateway), with
 * no restart: decoded from the fragments before and after, the part of the overlay that said "OFFICER 4711" is gone
 * once the unit is unassigned, while the part that names the unit is unchanged.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OverlayOfficerChangeTest {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final EncoderSettings SETTINGS =
            EncoderSettings.mock("bwc-test-1", "4711").withAudioEnabled(false);

    @TempDir
    Path dir;

    @Test
    void unassigningTakesTheOfficerOffTheEncodedPictureWithoutARestart() throws Exception {
        MediaTools.assumeInstalled();
        RecordingSink sink = new RecordingSink();
        int before;
        int after;
        try (MediaPipeline pipeline = MediaPipeline.start(SETTINGS, sink)) {
            before = nextKeyframeFragment(sink, 1);
            assertThat(pipeline.overlayOfficer()).isEqualTo("4711");
            long grabbed = pipeline.stats().framesGrabbed();

            pipeline.officer("");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> pipeline.overlayOfficer().isEmpty());
            int changedAt = sink.fragments.size();
            after = nextKeyframeFragment(sink, changedAt + 1);
            assertThat(pipeline.isRunning()).as("no restart").isTrue();
            assertThat(pipeline.stats().framesGrabbed()).isGreaterThan(grabbed);
        }
        byte[] withOfficer =
                MediaTools.firstPictureLuma(sink.writeFile(dir.resolve("before.mp4"), before), WIDTH, HEIGHT);
        byte[] without = MediaTools.firstPictureLuma(sink.writeFile(dir.resolve("after.mp4"), after), WIDTH, HEIGHT);

        // 640x360: font size 16, DejaVu Sans Mono advances ~9.6 px, margin 8. "2025-03-01T14:07:09Z  UNIT bwc-test-1"
        // ends near x = 363; "  OFFICER 4711" runs on to x ~ 498.
        double officerPart = MediaTools.meanDifference(withOfficer, without, WIDTH, 385, 9, 490, 23);
        double unitPart = MediaTools.meanDifference(withOfficer, without, WIDTH, 215, 9, 350, 23);
        assertThat(officerPart)
                .as("where the officer was burned in (unit part differs by %.1f)", unitPart)
                .isGreaterThan(unitPart + 15);
        assertThat(unitPart).as("the unit's part of the overlay stays").isLessThan(12);
    }

    /** Waits for a fragment at or after {@code from} that starts a GOP (a file can start there) and returns its index. */
    private static int nextKeyframeFragment(RecordingSink sink, int from) {
        int[] found = {-1};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (int i = from; i < sink.fragments.size(); i++) {
                if (sink.fragments.get(i).keyframeStart()) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
