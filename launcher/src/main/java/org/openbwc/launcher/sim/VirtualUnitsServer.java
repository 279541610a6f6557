package org.openbwc.launcher.sim;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbwc.hal.Speaker;
import org.openbwc.hal.mock.MockSpeaker;
import org.openbwc.hal.mock.VirtualUnitControls;
import org.tinylog.Logger;

/**
 * The virtual-units page and its JSON API: press, double-press and hold a unit's buttons, dock it, set its trigger and
 * clock, pretend its storage is full, pull its battery and power it on again.
 */
public final class VirtualUnitsServer implements AutoCloseable {
    static final long MAX_HOLD_MILLIS = 30_000;
    private static final List<String> BUTTONS = List.of("record", "function", "sos");

    private final Map<String, SimulatedUnit> units = new LinkedHashMap<>();
    private final Javalin app;

    private VirtualUnitsServer(List<SimulatedUnit> units, String host, int port) {
        units.forEach(u -> this.units.put(u.id(), u));
        String page = resource("index.html");
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.useVirtualThreads = false;
            cfg.jsonMapper(new PageJson());
        });
        app.get("/", ctx -> ctx.html(page));
        app.get(
                "/api/units",
                ctx -> ctx.json(
                        this.units.values().stream().map(SimulatedUnit::view).toList()));
        app.get("/api/units/{id}", ctx -> ctx.json(unit(ctx).view()));
        app.post("/api/units/{id}/buttons/{button}/{action}", this::button);
        app.post("/api/units/{id}/dock", ctx -> {
            SimulatedUnit u = unit(ctx);
            VirtualUnitControls c = u.controls();
            String q = ctx.queryParam("docked");
            c.setDocked(q == null ? !c.isDocked() : parseBoolean("docked", q));
            ok(ctx, u, "docked " + c.isDocked());
        });
        app.post("/api/units/{id}/trigger", ctx -> {
            SimulatedUnit u = unit(ctx);
            VirtualUnitControls c = u.controls();
            if (!c.hasTrigger())
                throw new BadRequest(
                        HttpStatus.CONFLICT, "unit " + u.id() + " has no trigger input (gpio.trigger.enabled: false)");
            String q = ctx.queryParam("active");
            c.setTrigger(q == null ? !c.triggerActive() : parseBoolean("active", q));
            ok(ctx, u, "trigger " + c.triggerActive());
        });
        app.post("/api/units/{id}/clock", ctx -> {
            SimulatedUnit u = unit(ctx);
            VirtualUnitControls c = u.controls();
            String q = ctx.queryParam("set");
            c.setClockSet(q == null ? !c.clockSet() : parseBoolean("set", q));
            ok(ctx, u, "clock " + (c.clockSet() ? "set" : "unset"));
        });
        app.post("/api/units/{id}/storage", ctx -> {
            SimulatedUnit u = unit(ctx);
            VirtualUnitControls c = u.controls();
            String q = ctx.queryParam("freeBytes");
            if (q == null) {
                c.clearFreeBytesOverride();
                ok(ctx, u, "storage: real free space");
                return;
            }
            long free;
            try {
                free = Long.parseLong(q);
            } catch (NumberFormatException e) {
                throw new BadRequest(HttpStatus.BAD_REQUEST, "freeBytes '" + q + "' is not a whole number of bytes");
            }
            if (free < 0)
                throw new BadRequest(
                        HttpStatus.BAD_REQUEST,
                        "freeBytes " + free + " is negative (allowed: 0.. or leave it out for the real value)");
            c.overrideFreeBytes(free);
            ok(ctx, u, "storage: " + free + " bytes free");
        });
        app.post("/api/units/{id}/battery", ctx -> {
            SimulatedUnit u = unit(ctx);
            String q = ctx.queryParam("percent");
            int percent;
            try {
                percent = Integer.parseInt(q == null ? "" : q);
            } catch (NumberFormatException e) {
                throw new BadRequest(
                        HttpStatus.BAD_REQUEST, "percent '" + q + "' is not a whole number (allowed: 0..100)");
            }
            if (percent < 0 || percent > 100)
                throw new BadRequest(HttpStatus.BAD_REQUEST, "percent " + percent + " is out of range 0..100");
            u.controls().setBatteryPercent(percent);
            ok(ctx, u, "battery: " + percent + " %");
        });
        // What the unit's speaker played after chunk ?after= (the room's voice during a call), for the page to play.
        app.get("/api/units/{id}/speaker", ctx -> {
            SimulatedUnit u = unit(ctx);
            long after = parseLong("after", ctx.queryParam("after"), 0);
            List<Map<String, Object>> chunks = new ArrayList<>();
            for (MockSpeaker.Played p : u.controls().speaker().playedAfter(after)) {
                ByteBuffer b = ByteBuffer.allocate(p.samples().length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (short v : p.samples()) b.putShort(v);
                Map<String, Object> chunk = new LinkedHashMap<>();
                chunk.put("seq", p.seq());
                chunk.put("startMillis", p.startMillis());
                chunk.put("pcm", Base64.getEncoder().encodeToString(b.array()));
                chunks.add(chunk);
            }
            ctx.json(Map.of("now", System.currentTimeMillis(), "sampleRate", Speaker.SAMPLE_RATE, "chunks", chunks));
        });
        // The officer "says" a tone burst into the unit's microphone (voice calls, bench/talk).
        app.post("/api/units/{id}/mouth", ctx -> {
            SimulatedUnit u = unit(ctx);
            long hz = parseLong("hz", ctx.queryParam("hz"), 1000);
            long ms = parseLong("ms", ctx.queryParam("ms"), 300);
            long at;
            try {
                at = u.controls().microphone().injectTone(hz, ms);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(HttpStatus.BAD_REQUEST, e.getMessage());
            }
            ctx.json(Map.of("ok", true, "message", "tone " + hz + " Hz for " + ms + " ms", "injectedAt", at));
        });
        app.post("/api/units/{id}/pull-battery", ctx -> {
            SimulatedUnit u = unit(ctx);
            u.pullBattery();
            ok(ctx, u, "battery pulled");
        });
        app.post("/api/units/{id}/power-on", ctx -> {
            SimulatedUnit u = unit(ctx);
            if (u.isOn()) throw new BadRequest(HttpStatus.CONFLICT, "unit " + u.id() + " is already on");
            u.powerOn();
            ok(ctx, u, "powered on");
        });
        app.exception(BadRequest.class, (e, ctx) -> ctx.status(e.status).json(Map.of("error", e.getMessage())));
        app.exception(
                IllegalStateException.class,
                (e, ctx) -> ctx.status(HttpStatus.CONFLICT).json(Map.of("error", e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            Logger.error(e, "virtual units: {} {} failed", ctx.method(), ctx.path());
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "internal error: " + e));
        });
        app.error(HttpStatus.NOT_FOUND, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty())
                ctx.json(Map.of("error", "no such page or API: " + ctx.method() + " " + ctx.path()));
        });
        app.error(
                HttpStatus.METHOD_NOT_ALLOWED,
                ctx -> ctx.json(Map.of("error", "method " + ctx.method() + " not allowed on " + ctx.path())));
        app.start(host, port);
    }

    /** Serves the page and API for these units on host:port (0 picks a free port). */
    public static VirtualUnitsServer start(List<SimulatedUnit> units, String host, int port) {
        return new VirtualUnitsServer(units, host, port);
    }

    public int port() {
        return app.port();
    }

    private void button(Context ctx) {
        SimulatedUnit u = unit(ctx);
        String button = ctx.pathParam("button");
        if (!BUTTONS.contains(button)) {
            throw new BadRequest(
                    HttpStatus.BAD_REQUEST,
                    "unknown button '" + button + "' (allowed: " + String.join(", ", BUTTONS) + ")");
        }
        VirtualUnitControls c = u.controls();
        String action = ctx.pathParam("action");
        switch (action) {
            case "press" -> c.press(button);
            case "double-press" -> c.doublePress(button);
            case "hold" -> c.pressAndHold(button, Duration.ofMillis(holdMillis(ctx)));
            default ->
                throw new BadRequest(
                        HttpStatus.BAD_REQUEST, "unknown action '" + action + "' (allowed: press, double-press, hold)");
        }
        ok(ctx, u, button + " " + action);
    }

    private static long holdMillis(Context ctx) {
        String ms = ctx.queryParam("ms");
        if (ms == null) return 3_200;
        try {
            long v = Long.parseLong(ms);
            if (v >= 1 && v <= MAX_HOLD_MILLIS) return v;
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new BadRequest(
                HttpStatus.BAD_REQUEST,
                "ms '" + ms + "' is not a hold time (allowed: 1.." + MAX_HOLD_MILLIS + " milliseconds)");
    }

    private static long parseLong(String name, String value, long missing) {
        if (value == null) return missing;
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, name + " '" + value + "' is not a whole number");
        }
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new BadRequest(
                        HttpStatus.BAD_REQUEST, name + " '" + value + "' is not a boolean (allowed: true, false)");
        };
    }

    private SimulatedUnit unit(Context ctx) {
        String id = ctx.pathParam("id");
        SimulatedUnit u = units.get(id);
        if (u == null)
            throw new BadRequest(
                    HttpStatus.NOT_FOUND,
                    "unknown unit '" + id + "' (known: " + String.join(", ", units.keySet()) + ")");
        return u;
    }

    private static void ok(Context ctx, SimulatedUnit u, String what) {
        Logger.debug("virtual units: {} {}", u.id(), what);
        ctx.json(Map.of("ok", true, "unit", u.id(), "done", what));
    }

    private static String resource(String name) {
        try (InputStream in = VirtualUnitsServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }

    /** A request the API refuses, with the status and a message for the page. */
    static final class BadRequest extends RuntimeException {
        final HttpStatus status;

        BadRequest(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }
    }
}
