package org.openbwc.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Server-sent events for browsers: the current fleet on connect, then every change ({@code event: unit}, data
 * {@link UnitView}), every unit event ({@code event: event}, data {@link UnitEvent}) and removals
 * ({@code event: removed}, data {"id": ...}), with a comment line as heartbeat.
 *
 * <p>Each client has a bounded queue filled by the registry's (non-blocking) listener call and drained by the
 * client's own request thread, so a slow client never holds up the MQTT thread or other clients; a client whose
 * queue overflows is dropped, and its browser reconnects and starts again from a fresh snapshot.
 */
final class EventStream implements AutoCloseable {

    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    private record Frame(String name, Object data) {}

    private static final Frame END = new Frame("end", null);

    private final FleetRegistry registry;
    private final ObjectMapper mapper;
    private final Duration heartbeat;
    private final int queueCapacity;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventStream(FleetRegistry registry, ObjectMapper mapper, Duration heartbeat, int queueCapacity) {
        this.registry = registry;
        this.mapper = mapper;
        this.heartbeat = heartbeat;
        this.queueCapacity = queueCapacity;
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
        String who = ctx.ip();
        Client client = new Client(who, queueCapacity);
        clients.add(client);
        List<UnitView> snapshot = registry.listen(client);
        Logger.debug("Event stream client {} connected ({} clients)", who, clients.size());
        try {
            ServletOutputStream out = res.getOutputStream();
            out.write("retry: 3000\n\n".getBytes(StandardCharsets.UTF_8));
            for (UnitView unit : snapshot) write(out, "unit", unit);
            out.flush();
            while (!closed) {
                Frame frame = client.queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (frame == END || client.overflowed) break;
                if (frame == null) {
                    // The only way to notice a vanished client is a failed write.
                    out.write(HEARTBEAT);
                    out.flush();
                    continue;
                }
                write(out, frame.name(), frame.data());
                if (client.queue.isEmpty()) out.flush();
            }
        } catch (IOException e) {
            Logger.debug("Event stream client {} went away: {}", who, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            registry.removeListener(client);
            clients.remove(client);
            Logger.debug("Event stream client {} removed ({} clients)", who, clients.size());
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
        final BlockingQueue<Frame> queue;
        volatile boolean overflowed;

        Client(String who, int capacity) {
            this.who = who;
            this.queue = new ArrayBlockingQueue<>(capacity + 1);
        }

        @Override public void unitChanged(UnitView unit) { offer(new Frame("unit", unit)); }

        @Override public void unitEvent(UnitEvent event) { offer(new Frame("event", event)); }

        @Override public void unitRemoved(String unitId) { offer(new Frame("removed", Map.of("id", unitId))); }

        private void offer(Frame f) {
            // One slot is kept free for END, so a full queue can still be told to stop.
            if (overflowed) return;
            if (queue.remainingCapacity() <= 1 || !queue.offer(f)) {
                overflowed = true;
                registry.removeListener(this);
                clients.remove(this);
                Logger.warn("Event stream client {} is too slow ({} changes waiting); dropped it, its browser will "
                        + "reconnect", who, queue.size());
                end();
            }
        }

        void end() {
            queue.clear();
            queue.offer(END);
        }
    }
}
