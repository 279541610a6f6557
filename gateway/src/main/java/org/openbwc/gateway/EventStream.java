package org.openbwc.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Server-sent events for browsers: the current fleet on connect, then every change ({@code event: unit}, data
 * {@link UnitView}), every unit event ({@code event: event}, data {@link UnitEvent}) and removals
 * ({@code event: removed}, data {"id": ...}), with a comment line as heartbeat.
 *
 * <p>Each client has its own backlog, filled by the registry's (non-blocking) listener call and drained by the
 * client's own request thread, so a slow client never holds up the MQTT thread or other clients. Unit changes are
 * coalesced per unit (a slow client skips intermediate states but always ends on the latest one, and a burst such as
 * the retained replay after a reconnect cannot overflow it); events are not, and a client whose event backlog
 * overflows is dropped: its browser reconnects and starts again from a fresh snapshot.
 */
final class EventStream implements AutoCloseable {

    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    private record Frame(String name, Object data) {}

    private final FleetRegistry registry;
    private final ObjectMapper mapper;
    private final Duration heartbeat;
    private final int eventBacklog;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventStream(FleetRegistry registry, ObjectMapper mapper, Duration heartbeat, int eventBacklog) {
        this.registry = registry;
        this.mapper = mapper;
        this.heartbeat = heartbeat;
        this.eventBacklog = eventBacklog;
    }

    int clients() { return clients.size(); }

    /** Streams to one client until it goes away, overflows, or the stream is closed; blocks the request thread. */
    void serve(Context ctx) {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        // Stops nginx-style proxies from buffering the stream.
        res.setHeader("X-Accel-Buffering", "no");
        Client client = new Client(ctx.ip() + ":" + ctx.req().getRemotePort());
        clients.add(client);
        List<UnitView> snapshot = registry.listen(client);
        Logger.debug("Event stream client {} connected ({} clients)", client.who, clients.size());
        try {
            ServletOutputStream out = res.getOutputStream();
            out.write("retry: 3000\n\n".getBytes(StandardCharsets.UTF_8));
            for (UnitView unit : snapshot) write(out, "unit", unit);
            out.flush();
            List<Frame> batch = new ArrayList<>();
            while (!closed) {
                if (!client.next(batch, heartbeat)) break;
                if (batch.isEmpty()) {
                    // The only way to notice a vanished client is a failed write.
                    out.write(HEARTBEAT);
                } else {
                    for (Frame f : batch) write(out, f.name(), f.data());
                    batch.clear();
                }
                out.flush();
            }
        } catch (IOException e) {
            Logger.debug("Event stream client {} went away: {}", client.who, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            registry.removeListener(client);
            clients.remove(client);
            Logger.debug("Event stream client {} removed ({} clients)", client.who, clients.size());
        }
    }

    private void write(ServletOutputStream out, String name, Object data) throws IOException {
        byte[] json = mapper.writeValueAsBytes(data);
        out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.write(json);
        out.write('\n');
        out.write('\n');
    }

    /** Ends every stream; browsers will try to reconnect to whatever serves the address next. */
    @Override
    public void close() {
        closed = true;
        for (Client c : clients) c.end();
    }

    private final class Client implements FleetRegistry.Listener {
        final String who;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition ready = lock.newCondition();
        // Latest frame per unit id: a newer change replaces an unsent older one.
        private final Map<String, Frame> units = new LinkedHashMap<>();
        private final ArrayDeque<Frame> events = new ArrayDeque<>();
        private boolean ended;

        Client(String who) { this.who = who; }

        @Override public void unitChanged(UnitView unit) { coalesce(unit.id(), new Frame("unit", unit)); }

        @Override public void unitRemoved(String unitId) { coalesce(unitId, new Frame("removed", Map.of("id", unitId))); }

        @Override
        public void unitEvent(UnitEvent event) {
            boolean overflow;
            lock.lock();
            try {
                if (ended) return;
                overflow = events.size() >= eventBacklog;
                if (!overflow) {
                    events.add(new Frame("event", event));
                    ready.signal();
                }
            } finally {
                lock.unlock();
            }
            if (overflow) {
                registry.removeListener(this);
                clients.remove(this);
                end();
                Logger.warn("Event stream client {} is too slow ({} events waiting); dropped it, its browser will "
                        + "reconnect and resynchronise", who, eventBacklog);
            }
        }

        private void coalesce(String unitId, Frame frame) {
            lock.lock();
            try {
                if (ended) return;
                units.remove(unitId);
                units.put(unitId, frame);
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
                while (!ended && units.isEmpty() && events.isEmpty() && nanos > 0) {
                    nanos = ready.awaitNanos(nanos);
                }
                if (ended) return false;
                out.addAll(units.values());
                units.clear();
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
                units.clear();
                events.clear();
                ready.signal();
            } finally {
                lock.unlock();
            }
        }
    }
}
