package org.openbwc.hal.mock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A recorded GPS track read from a GPX file: the track points with their times, in order.
 * Only what replay needs is read ({@code trkpt lat/lon}, {@code ele}, {@code time}); all track segments are joined.
 */
public final class GpxTrack {
    private static final String BUNDLED_DIR = "/org/openbwc/hal/mock/tracks/";
    static final int BUNDLED_COUNT = 3;
    static final String BUNDLED = "bundled";

    /** One track point; {@code elevationMeters} is null when the file has no {@code ele}. */
    public record Point(double lat, double lon, Double elevationMeters, Instant time) {}

    private final String source;
    private final List<Point> points;

    private GpxTrack(String source, List<Point> points) {
        this.source = source;
        this.points = List.copyOf(points);
    }

    /** Reads a GPX file; a file that cannot be replayed raises {@link IllegalArgumentException} naming file and problem. */
    public static GpxTrack parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("GPX file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read GPX file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads GPX from a stream; {@code source} names it in error messages. */
    public static GpxTrack parse(InputStream in, String source) {
        XMLStreamReader xml = null;
        try {
            xml = secureFactory().createXMLStreamReader(in);
            return new GpxTrack(source, readPoints(xml, source));
        } catch (XMLStreamException e) {
            int line = e.getLocation() != null ? e.getLocation().getLineNumber() : -1;
            throw problem(source, line, "not well-formed XML: " + e.getMessage());
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException ignored) {
                    // Nothing left to release that the caller's stream close does not.
                }
            }
        }
    }

    /**
     * One of the bundled demo tracks through Berlin-Mitte, so a demo unit without a GPX file still moves:
     * {@code n} 1, 2, 3 give unit-1, unit-2, unit-3, and any other {@code n} wraps around modulo 3.
     */
    public static GpxTrack bundled(int n) {
        String name = "unit-" + (Math.floorMod(n - 1, BUNDLED_COUNT) + 1) + ".gpx";
        try (InputStream in = GpxTrack.class.getResourceAsStream(BUNDLED_DIR + name)) {
            if (in == null) throw new IllegalStateException("bundled track " + name + " is missing from the hal jar");
            return parse(in, "bundled:" + name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled track " + name, e);
        }
    }

    /**
     * The track a config's {@code gpxFile} names: a file path, or {@code bundled:N} for bundled track N, or
     * {@code bundled} (or null/blank) for bundled track {@code defaultTrackNumber}.
     */
    public static GpxTrack load(String gpxFile, int defaultTrackNumber) {
        if (gpxFile == null || gpxFile.isBlank() || gpxFile.strip().equals(BUNDLED)) return bundled(defaultTrackNumber);
        if (gpxFile.startsWith(BUNDLED + ":")) {
            String number = gpxFile.substring(BUNDLED.length() + 1).strip();
            try {
                return bundled(Integer.parseInt(number));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gpxFile '" + gpxFile + "': expected bundled:N with a number N");
            }
        }
        return parse(Path.of(gpxFile));
    }

    public String source() {
        return source;
    }

    public List<Point> points() {
        return points;
    }

    /** Time from the first to the last point. */
    public Duration duration() {
        return Duration.between(points.getFirst().time(), points.getLast().time());
    }

    @Override
    public String toString() {
        return "GpxTrack[" + source + ", " + points.size() + " points, " + duration() + "]";
    }

    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        // A GPX file may come from anywhere: no DTDs, no external entities (XXE), no entity expansion.
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return factory;
    }

    private static List<Point> readPoints(XMLStreamReader xml, String source) throws XMLStreamException {
        List<Point> points = new ArrayList<>();
        boolean rootSeen = false;
        double lat = 0;
        double lon = 0;
        Double elevation = null;
        Instant time = null;
        boolean inPoint = false;
        int pointLine = 0;
        while (xml.hasNext()) {
            int event = xml.next();
            int line = xml.getLocation().getLineNumber();
            if (event == XMLStreamConstants.DTD) throw problem(source, line, "DOCTYPE declarations are not allowed");
            if (event == XMLStreamConstants.START_ELEMENT) {
                String name = xml.getLocalName();
                if (!rootSeen) {
                    if (!name.equals("gpx"))
                        throw problem(source, line, "root element is <" + name + ">, expected <gpx>");
                    rootSeen = true;
                } else if (name.equals("trkpt")) {
                    inPoint = true;
                    pointLine = line;
                    lat = coordinate(xml, "lat", 90, source, line);
                    lon = coordinate(xml, "lon", 180, source, line);
                    elevation = null;
                    time = null;
                } else if (inPoint && name.equals("ele")) {
                    String text = xml.getElementText().strip();
                    try {
                        elevation = Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        throw problem(source, line, "<ele> '" + text + "' is not a number");
                    }
                } else if (inPoint && name.equals("time")) {
                    String text = xml.getElementText().strip();
                    try {
                        time = Instant.parse(text);
                    } catch (DateTimeParseException e) {
                        throw problem(
                                source,
                                line,
                                "<time> '" + text + "' is not an ISO-8601 UTC time like 2025-03-14T09:00:00Z");
                    }
                }
            } else if (event == XMLStreamConstants.END_ELEMENT
                    && xml.getLocalName().equals("trkpt")) {
                inPoint = false;
                if (time == null) {
                    throw problem(
                            source,
                            pointLine,
                            "track point " + (points.size() + 1) + " has no <time>; replay needs timestamps");
                }
                if (!points.isEmpty() && !time.isAfter(points.getLast().time())) {
                    throw problem(
                            source,
                            pointLine,
                            "track point " + (points.size() + 1) + " time " + time
                                    + " is not after the previous point's "
                                    + points.getLast().time());
                }
                points.add(new Point(lat, lon, elevation, time));
            }
        }
        if (!rootSeen) throw problem(source, -1, "no <gpx> element");
        if (points.size() < 2) {
            throw problem(source, -1, "has " + points.size() + " track points (<trkpt>), replay needs at least 2");
        }
        return points;
    }

    private static double coordinate(XMLStreamReader xml, String attribute, double limit, String source, int line) {
        String text = xml.getAttributeValue(null, attribute);
        if (text == null) throw problem(source, line, "<trkpt> without " + attribute + " attribute");
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw problem(source, line, "<trkpt> " + attribute + " '" + text + "' is not a number");
        }
        if (!(value >= -limit && value <= limit)) {
            throw problem(
                    source,
                    line,
                    "<trkpt> " + attribute + " " + text + " is out of range -" + (int) limit + ".." + (int) limit);
        }
        return value;
    }

    private static IllegalArgumentException problem(String source, int line, String what) {
        return new IllegalArgumentException("bad GPX file " + source + (line > 0 ? ":" + line : "") + ": " + what);
    }
}
