package org.openbwc.device.core;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns raw (debounced) button edges into PRESS, DOUBLE_PRESS and HOLD gestures.
 *
 * <ul>
 *   <li>PRESS is reported on the release of a press shorter than the button's hold threshold, at once: it confirms
 *       a stop or places a marker, so it must not wait to see whether a second press follows.</li>
 *   <li>DOUBLE_PRESS is reported after the second PRESS when that release comes within {@code doublePressMillis}
 *       (inclusive) of the previous short release. The pair is then consumed: a third quick press starts a new pair.
 *       A HOLD in between breaks the pair.</li>
 *   <li>HOLD is reported once, while the button is still down, on the first tick or edge (of any button) at which it
 *       has been held for its threshold (RECORD: stopHoldMillis, FUNCTION: stealthHoldMillis, SOS: sosHoldMillis).
 *       If no tick came in time, the release itself reports the HOLD. The release after a HOLD reports nothing.</li>
 *   <li>A release without a press and a repeated press edge are ignored; a time earlier than one already seen counts
 *       as no time passed. Nothing here throws.</li>
 * </ul>
 * Not thread-safe: the runtime calls it from its single input loop.
 */
public final class GestureDecoder {
    private final RecordingPolicy policy;
    private final Map<ButtonName, ButtonTrack> tracks = new EnumMap<>(ButtonName.class);
    private long lastNowMillis = Long.MIN_VALUE;

    public GestureDecoder(RecordingPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy is required");
        for (ButtonName b : ButtonName.values()) tracks.put(b, new ButtonTrack());
    }

    /** Feeds one raw edge; returns the gestures it completes (possibly none), in order. */
    public List<ButtonGesture> onEdge(ButtonName button, boolean pressed, long nowMillis) {
        long now = advance(nowMillis);
        List<ButtonGesture> out = new ArrayList<>(2);
        emitDueHolds(now, out);
        if (button == null) return out;
        ButtonTrack t = tracks.get(button);
        if (pressed) {
            if (t.down) return out;
            t.down = true;
            t.downAtMillis = now;
            t.holdReported = false;
            return out;
        }
        if (!t.down) return out;
        t.down = false;
        if (t.holdReported) {
            t.awaitingSecond = false;
            return out;
        }
        out.add(new ButtonGesture(button, Gesture.PRESS));
        if (t.awaitingSecond && now - t.lastShortReleaseMillis <= policy.doublePressMillis()) {
            out.add(new ButtonGesture(button, Gesture.DOUBLE_PRESS));
            t.awaitingSecond = false;
        } else {
            t.awaitingSecond = true;
            t.lastShortReleaseMillis = now;
        }
        return out;
    }

    /** Lets time pass; returns the HOLDs that became due. */
    public List<ButtonGesture> onTick(long nowMillis) {
        long now = advance(nowMillis);
        List<ButtonGesture> out = new ArrayList<>(1);
        emitDueHolds(now, out);
        return out;
    }

    /** Whether the decoder currently believes the button is down. */
    public boolean isDown(ButtonName button) {
        return button != null && tracks.get(button).down;
    }

    private void emitDueHolds(long now, List<ButtonGesture> out) {
        for (Map.Entry<ButtonName, ButtonTrack> e : tracks.entrySet()) {
            ButtonTrack t = e.getValue();
            if (t.down && !t.holdReported && now - t.downAtMillis >= policy.holdMillis(e.getKey())) {
                t.holdReported = true;
                out.add(new ButtonGesture(e.getKey(), Gesture.HOLD));
            }
        }
    }

    private long advance(long nowMillis) {
        lastNowMillis = Math.max(lastNowMillis, nowMillis);
        return lastNowMillis;
    }

    private static final class ButtonTrack {
        boolean down;
        long downAtMillis;
        boolean holdReported;
        /** A short press was released and a second one would make a double press. */
        boolean awaitingSecond;

        long lastShortReleaseMillis;
    }
}
