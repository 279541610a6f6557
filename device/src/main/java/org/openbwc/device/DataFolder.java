package org.openbwc.device;

import java.nio.file.Path;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.evidence.DeviceKey;

/**
 * The layout of a unit's data folder (its {@code dataDir}): the one place that names what the unit keeps there.
 * What is inside each folder is named by its owner ({@link org.openbwc.device.evidence.EvidenceWriter},
 * {@link org.openbwc.device.evidence.PreEventBuffer}, {@link DeviceKey}).
 * <pre>
 * &lt;dataDir&gt;/
 *   evidence/&lt;recordingId&gt;/   recordings; the hardware's storage reading is of this folder's file system
 *   pre-event/                  the pre-event buffer's scratch files, beside the evidence so on the same (real) disk
 *   keys/                       the unit's signing key: device-key.pem, and device-key.pub.pem for enrolment
 *   link/                       events the gateway has not acknowledged yet (events.journal)
 *   officer.json                the officer the gateway assigned (officer.assign), kept across restarts
 * </pre>
 *
 * @param root the data folder itself
 */
public record DataFolder(Path root) {
    /** The folder of recordings under the data folder. */
    public static final String EVIDENCE = "evidence";

    private static final String PRE_EVENT = "pre-event";
    private static final String KEYS = "keys";
    private static final String LINK = "link";
    private static final String OFFICER = "officer.json";

    public DataFolder {
        if (root == null) throw new IllegalArgumentException("a data folder is required");
    }

    /** The data folder of the unit {@code config} describes. */
    public static DataFolder of(UnitConfig config) {
        return new DataFolder(Path.of(config.dataDir()));
    }

    /** Where the recordings are: one folder each, named by recording id. */
    public Path evidence() {
        return root.resolve(EVIDENCE);
    }

    /** The pre-event buffer's scratch files: not evidence; emptied of old GOP files at every start. */
    public Path preEvent() {
        return root.resolve(PRE_EVENT);
    }

    /** What the MQTT link keeps across a power cut: the journal of unacknowledged events. */
    public Path link() {
        return root.resolve(LINK);
    }

    /** The folder of the unit's signing key (see {@link DeviceKey#loadOrCreate}). */
    public Path keys() {
        return root.resolve(KEYS);
    }

    /** The officer the gateway assigned to the unit (see {@link OfficerAssignment}). */
    public Path officer() {
        return root.resolve(OFFICER);
    }
}
