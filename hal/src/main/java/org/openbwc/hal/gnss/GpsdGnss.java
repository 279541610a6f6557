package org.openbwc.hal.gnss;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openbwc.hal.Gnss;
import org.openbwc.hal.GnssFix;
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.tinylog.Logger;

/**
 * Reads position fixes from gpsd over its JSON protocol (TCP, default 127.0.0.1:2947).
 *
 * <p>A background thread connects, sends {@code ?WATCH}, and turns TPV reports with a 2D/3D fix into
 * {@link GnssFix}es; other report classes are ignored. Malformed lines are counted and dropped. When gpsd goes
 * away the thread reconnects with exponential backoff; it never dies from an error, only from {@link #close()}.
 *
 * <p>A TPV with mode 1 (no fix) clears the fix; a lost connection does not, so consumers keep the last known
 * position and can judge its age from {@link GnssFix#fixTime()}.
 */
public final class GpsdGnss implements Gnss {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2947;
    static final String WATCH_COMMAND = "?WATCH={\"enable\":true,\"json\":true};\n";
    /** gpsd's longest report (SKY with many satellites) is a few KB; anything far longer is garbage. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final String logPrefix;
    private final String host;
    private final int port;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final InstantSource clock;
    private final AtomicReference<GnssFix> fix = new AtomicReference<>();
    private final AtomicLong badLines = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Socket socket;

    private GpsdGnss(
            String unitId, String host, int port, Duration initialBackoff, Duration maxBackoff, InstantSource clock) {
        if (port < 1 || port > 65_535)
            throw new IllegalArgumentException("gpsd port " + port + " is out of range 1..65535");
        if (host == null || host.isBlank()) throw new IllegalArgumentException("gpsd host is empty");
        this.logPrefix = unitId + ": gpsd " + host + ":" + port;
        this.host = host;
        this.port = port;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("gpsd-" + unitId).daemon().unstarted(this::run);
    }

    /** Starts the client thread; it keeps trying to reach gpsd until closed. */
    public static GpsdGnss connect(String unitId, String host, int port) {
        return start(unitId, host, port, Duration.ofMillis(500), Duration.ofSeconds(30), InstantSource.system());
    }

    static GpsdGnss start(
            String unitId, String host, int port, Duration initialBackoff, Duration maxBackoff, InstantSource clock) {
        GpsdGnss gnss = new GpsdGnss(unitId, host, port, initialBackoff, maxBackoff, clock);
        gnss.thread.start();
        return gnss;
    }

    @Override
    public Optional<GnssFix> latestFix() {
        return Optional.ofNullable(fix.get());
    }

    /** Lines that were not JSON or were TPV reports that could not be read; for diagnostics. */
    public long badLines() {
        return badLines.get();
    }

    /** Successful TCP connections so far, reconnects included. */
    public long connections() {
        return connections.get();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Duration backoff = initialBackoff;
        boolean reportedDown = false;
        while (!closed) {
            try (Socket s = new Socket()) {
                socket = s;
                s.setKeepAlive(true);
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
                connections.incrementAndGet();
                Logger.info("{}: connected", logPrefix);
                reportedDown = false;
                backoff = initialBackoff;
                OutputStream out = s.getOutputStream();
                out.write(WATCH_COMMAND.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                readReports(s.getInputStream());
                if (!closed) Logger.info("{}: connection closed by gpsd", logPrefix);
            } catch (IOException e) {
                if (closed) break;
                // Logged once per outage: a unit without gpsd would otherwise log every backoff period.
                if (!reportedDown)
                    Logger.info("{}: unreachable ({}), retrying with backoff", logPrefix, e.getMessage());
                else Logger.debug("{}: still unreachable ({})", logPrefix, e.getMessage());
                reportedDown = true;
            } catch (RuntimeException e) {
                Logger.error(e, "{}: unexpected error, reconnecting", logPrefix);
            } finally {
                socket = null;
            }
            if (closed) break;
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
        Logger.debug("{}: client stopped", logPrefix);
    }

    private void readReports(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        boolean overlong = false;
        byte[] buffer = new byte[4096];
        int n;
        while (!closed && (n = in.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    if (overlong) bad("line longer than " + MAX_LINE_BYTES + " bytes", "");
                    else handleLine(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    overlong = false;
                } else if (!overlong) {
                    if (line.size() >= MAX_LINE_BYTES) {
                        overlong = true;
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
        }
    }

    void handleLine(String rawLine) {
        String line = rawLine.strip();
        if (line.isEmpty()) return;
        Object parsed;
        try {
            parsed = JsonReader.parse(line);
        } catch (JsonException e) {
            bad("not JSON: " + e.getMessage(), line);
            return;
        }
        if (!(parsed instanceof Map<?, ?> report)) {
            bad("not a JSON object", line);
            return;
        }
        if (!"TPV".equals(report.get("class"))) return;
        int mode = report.get("mode") instanceof Number n ? n.intValue() : 0;
        if (mode < 2) {
            if (fix.getAndSet(null) != null) Logger.debug("{}: fix lost (TPV mode {})", logPrefix, mode);
            return;
        }
        if (number(report, "lat") == null || number(report, "lon") == null) {
            // gpsd sends such partial TPVs (errors only) e.g. when a receiver restarts its cycle: not a fix, not
            // garbage.
            Logger.trace("{}: TPV mode {} without position ignored", logPrefix, mode);
            return;
        }
        try {
            GnssFix next = toFix(report, mode);
            if (fix.getAndSet(next) == null) Logger.debug("{}: fix acquired (mode {})", logPrefix, mode);
            Logger.trace("{}: {}", logPrefix, next);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            bad(e.getMessage(), line);
        }
    }

    private GnssFix toFix(Map<?, ?> tpv, int mode) {
        double lat = number(tpv, "lat");
        double lon = number(tpv, "lon");
        // Altitude only means something in a 3D fix. Mean sea level is what people and maps call altitude;
        // gpsd >= 3.20 puts it in altMSL and deprecates alt, older versions only send alt.
        Double altitude = null;
        if (mode >= 3) {
            altitude = number(tpv, "altMSL");
            if (altitude == null) altitude = number(tpv, "alt");
            if (altitude == null) altitude = number(tpv, "altHAE");
        }
        Double accuracy = number(tpv, "eph");
        if (accuracy == null) {
            Double epx = number(tpv, "epx");
            Double epy = number(tpv, "epy");
            // Longitude and latitude errors; the larger one is a conservative radius.
            if (epx != null && epy != null) accuracy = Math.max(epx, epy);
            else accuracy = epx != null ? epx : epy;
        }
        String time = tpv.get("time") instanceof String t ? t : "";
        Instant fixTime = time.isEmpty() ? clock.instant() : Instant.parse(time);
        return new GnssFix(lat, lon, accuracy, altitude, number(tpv, "speed"), number(tpv, "track"), fixTime);
    }

    private static Double number(Map<?, ?> node, String field) {
        return node.get(field) instanceof Number value ? value.doubleValue() : null;
    }

    private void bad(String why, String line) {
        long count = badLines.incrementAndGet();
        Logger.debug(
                "{}: dropped bad line #{} ({}): {}",
                logPrefix,
                count,
                why,
                line.length() > 200 ? line.substring(0, 200) + "..." : line);
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            // close() interrupts to cut the backoff short; the loop re-checks the closed flag.
        }
    }

    private static void closeQuietly(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException e) {
            Logger.trace("closing gpsd socket: {}", e.getMessage());
        }
    }
}
