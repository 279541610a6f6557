package org.openbwc.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Server-sent events for browsers. On every (re)connect the first frame is {@code event: snapshot} with the whole
 * fleet and every kept alert, so a browser that was disconnected replaces its state and misses nothing. Then:
 * {@code unit} (a changed {@link UnitView}), {@code event} (a {@link UnitEvent}), {@code removed} ({"id"}) and
 * {@code alert} (a new or acknowledged {@link Alert}), {@code dispatch} (a changed dispatch), with a comment line as heartbeat.
 *
 * <p>Each change is serialised once and handed to every client's own backlog, which the client's request thread
 * drains, so a slow browser never holds up the MQTT thread or the others. Unit changes and alerts are coalesced per
 * unit or alert (a slow client skips intermediate states but always ends on the latest one); events are not, and a
 * client whose event backlog overflows is dropped: its browser reconnects and starts again from a fresh snapshot.
 */
public final class EventStream implements FleetRegistry.Listener, AlertBoard.Listener, AutoCloseable {

    /** Comment sent on an idle event stream; also keeps proxies and Jetty's idle timeout (30 s) from closing it. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

    static final String SIGNED_OUT =
            "the session ended (signed out, or the account was disabled or its password reset); sign in again";
    /** Unit events a stream client may fall behind by before it is dropped (unit changes are coalesced). */
    public static final int DEFAULT_EVENT_BACKLOG = 1024;

    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    /** One ready-to-send SSE frame, shared by every client. */
    private record Frame(String key, byte[] bytes) {}

    private final FleetRegistry registry;
    private final AlertBoard alerts;
    private final ObjectMapper mapper;
    private final Duration heartbeat;
    private final int eventBacklog;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public EventStream(
            FleetRegistry registry, AlertBoard alerts, ObjectMapper mapper, Duration heartbeat, int eventBacklog) {
        this.registry = registry;
        this.alerts = alerts;
        this.mapper = mapper;
        this.heartbeat = heartbeat;
        this.eventBacklog = eventBacklog;
        alerts.listen(this);
        registry.listen(this);
    }

    /** Browsers following the stream now. */
    public int clients() {
        return clients.size();
    }

    @Override
    public void unitChanged(UnitView unit) {
        if (clients.isEmpty()) return;
        Frame f = frame("u:" + unit.id(), "unit", unit);
        for (Client c : clients) c.coalesce(f);
    }

    @Override
    public void unitRemoved(String unitId) {
        if (clients.isEmpty()) return;
        Frame f = frame("u:" + unitId, "removed", Map.of("id", unitId));
        for (Client c : clients) c.coalesce(f);
    }

    @Override
    public void unitEvent(UnitEvent event) {
        if (clients.isEmpty()) return;
        Frame f = frame(null, "event", event);
        for (Client c : clients) c.event(f);
    }

    @Override
    public void alertChanged(Alert alert) {
        if (clients.isEmpty()) return;
        Frame f = frame("a:" + alert.id(), "alert", alert);
        for (Client c : clients) c.coalesce(f);
    }

    /** A dispatch changed (placed, sent, delivered, acknowledged, arrived, cancelled, or a unit on it moved). */
    public void dispatchChanged(Object dispatch, String dispatchId) {
        if (clients.isEmpty()) return;
        Frame f = frame("d:" + dispatchId, "dispatch", dispatch);
        for (Client c : clients) c.coalesce(f);
    }

    /**
     * Streams to one client until it goes away, overflows, or the stream is closed; blocks the request thread. At
     * least once per heartbeat period it asks {@code stillSignedIn}: a session ended meanwhile (signed out, the
     * account disabled or its password reset) gets a last {@code signed-out} frame and the stream ends, so an open
     * page does not go on showing the fleet to someone who may no longer see it.
     */
    void serve(Context ctx, BooleanSupplier stillSignedIn) {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        // Stops nginx-style proxies from buffering the stream.
        res.setHeader("X-Accel-Buffering", "no");
        Client client = new Client(ctx.ip() + ":" + ctx.req().getRemotePort());
        List<UnitView> units = registry.snapshotWhile(() -> clients.add(client));
        // Read after the client joined: an alert raised in between may arrive twice (browsers key them by id), never
        // not at all.
        List<Alert> alertsNow = alerts.all();
        Logger.debug("Event stream client {} connected ({} clients)", client.who, clients.size());
        try {
            ServletOutputStream out = res.getOutputStream();
            out.write("retry: 3000\n\n".getBytes(StandardCharsets.UTF_8));
            out.write(frame(null, "snapshot", Map.of("units", units, "alerts", alertsNow, "serverTime", Instant.now()))
                    .bytes());
            out.flush();
            List<Frame> batch = new ArrayList<>();
            long nextSessionCheck = System.nanoTime() + heartbeat.toNanos();
            while (!closed) {
                if (!client.next(batch, heartbeat)) break;
                if (batch.isEmpty()) {
                    // The only way to notice a vanished client is a failed write.
                    out.write(HEARTBEAT);
                } else {
                    for (Frame f : batch) out.write(f.bytes());
                    batch.clear();
                }
                if (System.nanoTime() - nextSessionCheck >= 0) {
                    nextSessionCheck = System.nanoTime() + heartbeat.toNanos();
                    if (!stillSignedIn.getAsBoolean()) {
                        out.write(frame(null, "signed-out", Map.of("reason", SIGNED_OUT))
                                .bytes());
                        out.flush();
                        Logger.info("Event stream client {} ended: its session is no longer valid", client.who);
                        break;
                    }
                }
                out.flush();
            }
        } catch (IOException e) {
            Logger.debug("Event stream client {} went away: {}", client.who, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(client);
            Logger.debug("Event stream client {} removed ({} clients)", client.who, clients.size());
        }
    }

    private Frame frame(String key, String name, Object data) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(512);
            b.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            b.write(mapper.writeValueAsBytes(data));
            b.write('\n');
            b.write('\n');
            return new Frame(key, b.toByteArray());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a " + name + " frame as JSON", e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends every stream; browsers will try to reconnect to whatever serves the address next. */
    @Override
    public void close() {
        closed = true;
        registry.removeListener(this);
        alerts.removeListener(this);
        for (Client c : clients) c.end();
    }

    private final class Client {
        final String who;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition ready = lock.newCondition();
        // Latest frame per unit or alert: a newer change replaces an unsent older one.
        private final Map<String, Frame> latest = new LinkedHashMap<>();
        private final ArrayDeque<Frame> events = new ArrayDeque<>();
        private boolean ended;

        Client(String who) {
            this.who = who;
        }

        void event(Frame f) {
            boolean overflow;
            lock.lock();
            try {
                if (ended) return;
                overflow = events.size() >= eventBacklog;
                if (!overflow) {
                    events.add(f);
                    ready.signal();
                }
            } finally {
                lock.unlock();
            }
            if (overflow) {
                clients.remove(this);
                end();
                Logger.warn(
                        "Event stream client {} is too slow ({} events waiting); dropped it, its browser will "
                                + "reconnect and resynchronise",
                        who,
                        eventBacklog);
            }
        }

        void coalesce(Frame frame) {
            lock.lock();
            try {
                if (ended) return;
                latest.remove(frame.key());
                latest.put(frame.key(), frame);
                ready.signal();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits up to {@code timeout} for frames and moves them into {@code out} (empty on timeout).
         *
         * @return false when the stream must end
         */
        boolean next(List<Frame> out, Duration timeout) throws InterruptedException {
            lock.lock();
            try {
                long nanos = timeout.toNanos();
                while (!ended && latest.isEmpty() && events.isEmpty() && nanos > 0) {
                    nanos = ready.awaitNanos(nanos);
                }
                if (ended) return false;
                out.addAll(latest.values());
                latest.clear();
                out.addAll(events);
                events.clear();
                return true;
            } finally {
                lock.unlock();
            }
        }

        void end() {
            lock.lock();
            try {
                ended = true;
                latest.clear();
                events.clear();
                ready.signal();
            } finally {
                lock.unlock();
            }
        }
    }
}
