package org.openbwc.store;

import java.util.List;
import java.util.Objects;

/** A recording with everything the index keeps of it: its segments in order, its markers and its GPS track. */
public record IndexedRecording(
        Recording recording, List<Segment> segments, List<Marker> markers, List<TrackPoint> track) {
    public IndexedRecording {
        Objects.requireNonNull(recording, "recording");
        segments = List.copyOf(segments);
        markers = List.copyOf(markers);
        track = List.copyOf(track);
    }
}
