package org.openbwc.config;

import java.util.Map;

/**
 * How a unit stores evidence: segment length, recording limit, storage reserve, pre-event memory, and the agency key
 * its recordings are encrypted to.
 */
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
        int preEventMaxMegabytes,

        @Doc("The agency's public key file (agency.pub, from `bwc agency keygen`) every new recording is encrypted"
                + " to; only the agency's private key (agency.key) can read them, not the unit itself. Read again as"
                + " each recording starts, so a new key applies from the next recording. A relative path is relative"
                + " to the working directory.")
        @NullMeans("<dataDir>/keys/agency.pub if it is there (the unit receives it at enrolment); without it,"
                + " recordings are not encrypted and the unit warns at start")
        @TextLength(min = 1, max = 4096)
        String agencyKey) {

    public EvidenceConfig {
        Constraints.check(
                EvidenceConfig.class,
                segmentMinutes,
                maxRecordingMinutes,
                reserveMegabytes,
                preEventMaxMegabytes,
                agencyKey);
    }

    /** The settings without an agency key given here (see {@code agencyKey}). */
    public EvidenceConfig(int segmentMinutes, int maxRecordingMinutes, int reserveMegabytes, int preEventMaxMegabytes) {
        this(segmentMinutes, maxRecordingMinutes, reserveMegabytes, preEventMaxMegabytes, null);
    }

    /** The same settings with the agency key file {@code path} (null: the default, see {@code agencyKey}). */
    public EvidenceConfig withAgencyKey(String path) {
        return new EvidenceConfig(segmentMinutes, maxRecordingMinutes, reserveMegabytes, preEventMaxMegabytes, path);
    }

    /** All documented defaults. */
    public static EvidenceConfig defaults() {
        return (EvidenceConfig) RecordSpec.of(EvidenceConfig.class).defaults(Map.of());
    }
}
