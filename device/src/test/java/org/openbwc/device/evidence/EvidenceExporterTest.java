package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.device.media.Fragment;

class EvidenceExporterTest {
    private static final DeviceKey KEY = DeviceKey.generate();

    @TempDir
    Path tmp;

    Path dir;
    long recordedMicros;

    @BeforeEach
    void record() throws Exception {
        Fmp4Fixture clip = Fmp4Fixture.clip(12);
        List<Fragment> fragments =
                clip.fragments.subList(5, 55); // starts at the second GOP, like a real pre-event head
        recordedMicros = fragments.stream().mapToLong(Fragment::durationMicros).sum();
        EvidenceWriter writer = Recordings.writer(tmp.resolve("evidence"), KEY)
                .segmentMillis(3000)
                .build();
        writer.open(Recordings.request("rec-x").withPreEvent(new PreEventSnapshot(clip.init, List.of())));
        Recordings.feed(writer, fragments);
        writer.close(Recordings.PRESSED.plusSeconds(10));
        dir = tmp.resolve("evidence").resolve("rec-x");
        assertThat(Recordings.manifest(dir).get("segments")).hasSize(4);
    }

    @Test
    void exportsOneOrdinaryFaststartMp4WithTheRecordedDuration() throws Exception {
        Path out = tmp.resolve("out").resolve("rec-x.mp4");
        EvidenceExporter.Exported exported = new EvidenceExporter().export(dir, out);

        assertThat(exported.format()).isEqualTo(EvidenceExporter.Format.FASTSTART);
        assertThat(exported.fragmentCount()).isEqualTo(50);
        assertThat(out).exists();
        List<String> boxes = Fmp4Fixture.topLevelBoxes(out);
        assertThat(boxes).doesNotContain("moof");
        assertThat(boxes.indexOf("moov")).as("index up front: " + boxes).isLessThan(boxes.indexOf("mdat"));
        Fmp4Fixture.Probe probe = Fmp4Fixture.probe(out);
        assertThat(probe.decodeErrors()).isEmpty();
        assertThat(probe.codecs()).hasSize(2).contains("aac");
        assertThat(probe.videoPackets()).isEqualTo(150); // 10 s at 15 fps
        assertThat(probe.videoStartSeconds()).isCloseTo(0.0, within(0.21));
        assertThat(probe.videoSeconds()).isCloseTo(recordedMicros / 1e6, within(0.21));
        try (var files = Files.list(out.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("rec-x.mp4");
        }
    }

    @Test
    void exportsTheFragmentsAsOneFragmentedMp4() throws Exception {
        Path out = tmp.resolve("rec-x-fragmented.mp4");
        new EvidenceExporter().export(dir, out, EvidenceExporter.Format.FRAGMENTED);

        List<String> boxes = Fmp4Fixture.topLevelBoxes(out);
        assertThat(boxes.subList(0, 2)).containsExactly("ftyp", "moov");
        assertThat(boxes.stream().filter("moof"::equals).count()).isEqualTo(50);
        Fmp4Fixture.Probe probe = Fmp4Fixture.probe(out);
        assertThat(probe.decodeErrors()).isEmpty();
        assertThat(probe.videoPackets()).isEqualTo(150);
        assertThat(probe.videoSeconds()).isCloseTo(recordedMicros / 1e6, within(0.21));
    }

    @Test
    void refusesARecordingThatFailsVerification() throws Exception {
        try (RandomAccessFile f =
                new RandomAccessFile(dir.resolve("seg-000002.mp4").toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        Path out = tmp.resolve("never.mp4");
        assertThatThrownBy(() -> new EvidenceExporter().export(dir, out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("seg-000002.mp4 truncated: 10 bytes missing");
        assertThat(out).doesNotExist();
    }
}
