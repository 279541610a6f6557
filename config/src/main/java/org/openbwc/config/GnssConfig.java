package org.openbwc.config;

import java.util.List;
import java.util.Map;

/** Where a unit gets its position from. */
@CrossCheck(GnssConfig.GpxNeedsFile.class)
public record GnssConfig(
        @Doc("Position source: gpsd for a real receiver, gpx to replay a track, none for no position.")
        @DefaultValue("gpsd")
        GnssSource source,

        @Doc("Host of the gpsd daemon (used when source is gpsd).")
        @DefaultValue("127.0.0.1")
        @Pattern(regex = "[A-Za-z0-9._:-]{1,253}", allowed = "a host name or IP address, e.g. 127.0.0.1")
        String gpsdHost,

        @Doc("TCP port of the gpsd daemon (used when source is gpsd).")
        @DefaultValue("2947")
        @IntRange(min = 1, max = 65535)
        int gpsdPort,

        @Doc("GPX track replayed when source is gpx: a file (a relative path is relative to the working directory;"
                + " not checked at load time), or bundled / bundled:N for one of the Berlin tracks shipped with the"
                + " emulator (bundled picks N from the last number in the unitId).")
        @NullMeans("have no track, which is only allowed when source is not gpx")
        @TextLength(min = 1, max = 4096)
        String gpxFile) {

    public GnssConfig {
        Constraints.check(GnssConfig.class, source, gpsdHost, gpsdPort, gpxFile);
    }

    /** A local gpsd and no GPX track. */
    public static GnssConfig defaults() {
        return (GnssConfig) RecordSpec.of(GnssConfig.class).defaults(Map.of());
    }

    /** Copy with another source; switching to gpx needs a gpxFile, so use {@link #withGpxFile} first. */
    public GnssConfig withSource(GnssSource newSource) {
        return new GnssConfig(newSource, gpsdHost, gpsdPort, gpxFile);
    }

    /** Copy with another GPX track; null for none. */
    public GnssConfig withGpxFile(String newGpxFile) {
        return new GnssConfig(source, gpsdHost, gpsdPort, newGpxFile);
    }

    /** Replaying a track needs a track. */
    static final class GpxNeedsFile implements CrossRule {
        @Override
        public void check(ValueLookup values, List<Violation> out) {
            if (values.get("source") == GnssSource.GPX && values.get("gpxFile") == null) {
                out.add(new Violation(
                        "gpxFile",
                        null,
                        "is required when source is gpx",
                        "path to a GPX track, e.g. tracks/unit-1.gpx, or bundled:N"));
            }
        }
    }
}
