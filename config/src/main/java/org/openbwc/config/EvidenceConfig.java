package org.openbwc.config;

import java.util.Map;

/** How a unit stores evidence: segment length, recording limit, storage reserve, pre-event memory. */
public record EvidenceConfig(
        @Doc("Length of each segment file of a recording.") @DefaultValue("5") @IntRange(min = 1, max = 60)
        int segmentMinutes,

        @Doc("Longest single recording; a longer one is sealed and a new recording starts.")
        @DefaultValue("600")
        @IntRange(min = 1, max = 1440)
        int maxRecordingMinutes,

        @Doc(
                "Storage kept free: at this reserve a recording stops cleanly (with an event) instead of filling the disk.")
        @DefaultValue("200")
        @IntRange(min = 10, max = 100000)
        int reserveMegabytes,

        @Doc(
                "Disk space for the pre-event buffer's scratch files (dataDir/pre-event); at high bit rates it holds fewer seconds than preEventSeconds.")
        @DefaultValue("96")
        @IntRange(min = 8, max = 1024)
        int preEventMaxMegabytes) {

    public EvidenceConfig {
        Constraints.check(
                EvidenceConfig.class, segmentMinutes, maxRecordingMinutes, reserveMegabytes, preEventMaxMegabytes);
    }

    /** All documented defaults. */
    public static EvidenceConfig defaults() {
        return (EvidenceConfig) RecordSpec.of(EvidenceConfig.class).defaults(Map.of());
    }
}
