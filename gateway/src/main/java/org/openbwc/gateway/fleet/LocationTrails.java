package org.openbwc.gateway.fleet;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.openbwc.protocol.UnitLocation;

/** The last positions of every unit, for the trails on the fleet map and the unit page. */
public final class LocationTrails implements FleetRegistry.Listener {

    /** One position on a trail. */
    public record Point(double lat, double lon, Instant time) {}

    private final int maxPoints;
    private final Map<String, Deque<Point>> trails = new ConcurrentHashMap<>();

    public LocationTrails(int maxPoints) {
        if (maxPoints < 1) throw new IllegalArgumentException("maxPoints " + maxPoints + " must be >= 1");
        this.maxPoints = maxPoints;
    }

    /** The unit's trail, oldest first, at most {@code points} long. */
    public List<Point> trail(String unitId, int points) {
        Deque<Point> t = trails.get(unitId);
        if (t == null) return List.of();
        synchronized (t) {
            List<Point> all = new ArrayList<>(t);
            return List.copyOf(all.subList(Math.max(0, all.size() - points), all.size()));
        }
    }

    /** Every unit's trail, at most {@code points} long each. */
    public Map<String, List<Point>> all(int points) {
        Map<String, List<Point>> out = new TreeMap<>();
        for (String id : trails.keySet()) out.put(id, trail(id, points));
        return out;
    }

    @Override
    public void unitChanged(UnitView unit) {
        UnitLocation l = unit.location();
        if (l == null) return;
        Deque<Point> t = trails.computeIfAbsent(unit.id(), k -> new ArrayDeque<>());
        synchronized (t) {
            Point last = t.peekLast();
            if (last != null && !l.fixTime().isAfter(last.time())) return;
            t.addLast(new Point(l.lat(), l.lon(), l.fixTime()));
            while (t.size() > maxPoints) t.removeFirst();
        }
    }

    @Override
    public void unitRemoved(String unitId) {
        trails.remove(unitId);
    }
}
