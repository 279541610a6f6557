package org.openbwc.evidence;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names of the files in a recording folder ({@code <evidence root>/<recordingId>/}): the journal, the manifest and
 * the numbered segment files. Defined once here for the unit that writes them and everyone who reads them.
 */
public final class RecordingLayout {
    /** The append-only journal, one {@link JournalEntry} per line. */
    public static final String JOURNAL_FILE = "journal.jsonl";

    /** The signed manifest, written once when the recording is sealed. */
    public static final String MANIFEST_FILE = "manifest.json";

    private static final Pattern SEGMENT_FILE = Pattern.compile("seg-\\d{6}\\.mp4");

    private RecordingLayout() {}

    /** The file name of segment {@code index} (1, 2, 3 …): {@code seg-000001.mp4}. */
    public static String segmentName(int index) {
        if (index < 1) throw new IllegalArgumentException("segments are numbered from 1, not " + index);
        return String.format(Locale.ROOT, "seg-%06d.mp4", index);
    }

    /** Whether {@code fileName} has the form of a segment file's name. */
    public static boolean isSegmentName(String fileName) {
        return SEGMENT_FILE.matcher(fileName).matches();
    }
}
