package org.openbwc.device.talk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Pattern;
import org.openbwc.device.core.IndicatorPolicy;
import org.openbwc.device.media.OpusVoiceDecoder;
import org.openbwc.hal.DeviceClock;
import org.openbwc.hal.Speaker;
import org.openbwc.protocol.TalkFrame;
import org.tinylog.Logger;

/**
 * The unit's side of a voice call with the control room: opened by {@code talk.start}, ended by {@code talk.stop}
 * or when the live uplink that carries the voice goes away. While it is open, the room's voice frames arriving down
 * the uplink are decoded and played on the speaker (silent in stealth, where the indicators pulse instead) and mixed
 * into the recorded audio ({@link RoomVoice}). Frames of no open call, of another call, or that cannot be read are
 * dropped and counted, never played.
 *
 * <p>Commands arrive on the link's command thread, frames on the uplink's reader thread: all state is guarded by
 * this object's lock. The listener is called with the lock held and must only queue work.
 */
public final class UnitCall implements AutoCloseable {

    /** Told when a call starts or ends, to publish call.started / call.ended and turn the microphone on. */
    public interface Listener {
        void started(String callId, String by);

        void ended(String callId, String by, long durationMillis, long framesDropped, String reason);
    }

    /**
     * The speaker's queue may hold this much before quiet frames are skipped: frames arrive in bursts after network
     * jitter, and a queue that grows in a burst never shrinks while the room keeps sending, so the delay would stay.
     * Skipping silence costs nothing audible; the recording keeps every frame.
     */
    static final long SPEAKER_LAG_MILLIS = 120;
    /** Beyond this even speech is skipped, a frame at a time, to get back to a conversation's delay. */
    static final long SPEAKER_MAX_LAG_MILLIS = 300;
    /** Quieter than this (RMS, of full scale; about -46 dBFS) a frame counts as silence. */
    static final double QUIET_RMS = 0.005;

    private static final Pattern CALL_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9._@/:-]{1,64}");

    private final String tag;
    private final Speaker speaker;
    private final RoomVoice voice;
    private final DeviceClock clock;
    private final Listener listener;

    private volatile boolean stealth;
    private String callId;
    private String by;
    private int callTag;
    private long sinceMillis;
    private long lastVoiceMillis = -1;
    private int lastSequence = Integer.MIN_VALUE;
    private long framesPlayed;
    private long framesDropped;
    private long droppedOutsideCalls;
    private long framesSkipped;
    private OpusVoiceDecoder decoder;

    public UnitCall(String unitId, Speaker speaker, RoomVoice voice, DeviceClock clock, Listener listener) {
        this.tag = "[" + unitId + "] ";
        this.speaker = speaker;
        this.voice = voice;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Opens a call (a call already open is ended first: the newest supervisor's Talk wins).
     *
     * @return what to answer the gateway
     * @throws IllegalArgumentException when an argument is missing or malformed, saying which
     */
    public synchronized String start(String newCallId, String operator) {
        if (newCallId == null || !CALL_ID.matcher(newCallId).matches())
            throw new IllegalArgumentException("argument 'callId' is required: 1-64 letters, digits, . _ : -");
        if (operator == null || !OPERATOR.matcher(operator).matches())
            throw new IllegalArgumentException("argument 'by' (the supervisor) is required: 1-64 characters");
        if (newCallId.equals(callId)) return "call " + newCallId + " already open";
        if (callId != null) end("replaced by call " + newCallId);
        callId = newCallId;
        by = operator;
        callTag = TalkFrame.tagOf(newCallId);
        sinceMillis = clock.monotonicMillis();
        lastVoiceMillis = -1;
        lastSequence = Integer.MIN_VALUE;
        framesPlayed = 0;
        framesDropped = 0;
        voice.clear();
        Logger.info(
                "{}voice call {} with {} opened{}", tag, newCallId, operator, stealth ? " (stealth: speaker off)" : "");
        listener.started(newCallId, operator);
        return stealth ? "call open; stealth: the speaker stays silent" : "call open";
    }

    /**
     * Ends the call {@code endedCallId} (any open call when null).
     *
     * @return what to answer the gateway
     */
    public synchronized String stop(String endedCallId, String reason) {
        if (callId == null) return "no call open";
        if (endedCallId != null && !endedCallId.equals(callId)) return "call " + endedCallId + " is not the open call";
        end(reason);
        return "call ended";
    }

    /** The uplink closed: the room's voice can no longer arrive, so the call is over. */
    public synchronized void uplinkClosed() {
        if (callId != null) end("the live uplink closed");
    }

    private void end(String reason) {
        long duration = clock.monotonicMillis() - sinceMillis;
        String id = callId;
        String who = by;
        long dropped = framesDropped;
        callId = null;
        by = null;
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        speaker.silence();
        voice.clear();
        Logger.info(
                "{}voice call {} ended after {} ms ({}; {} frames played, {} dropped)",
                tag,
                id,
                duration,
                reason,
                framesPlayed,
                dropped);
        listener.ended(id, who, duration, dropped, reason);
    }

    /** Stealth on: the speaker goes silent at once, and stays so for the rest of the call. */
    public void stealth(boolean on) {
        boolean was = stealth;
        stealth = on;
        if (on && !was) speaker.silence();
    }

    /** One binary message down the uplink: the room's voice if it belongs to the open call, else dropped. */
    public synchronized void downlink(ByteBuffer message) {
        if (callId == null) {
            droppedOutsideCalls++;
            Logger.debug("{}dropped a downlink message: no call open", tag);
            return;
        }
        TalkFrame frame;
        try {
            frame = TalkFrame.decode(message);
        } catch (IllegalArgumentException e) {
            drop("unreadable: " + e.getMessage());
            return;
        }
        if (frame.callTag() != callTag) {
            drop("of another call");
            return;
        }
        if (frame.sequence() <= lastSequence) {
            drop("late or repeated (seq " + frame.sequence() + ")");
            return;
        }
        short[] pcm;
        try {
            pcm = switch (frame.codec()) {
                case OPUS -> {
                    if (decoder == null) decoder = new OpusVoiceDecoder();
                    yield decoder.decode(frame.payload());
                }
                case PCM_S16LE -> {
                    short[] s = new short[frame.payload().length / 2];
                    ByteBuffer.wrap(frame.payload())
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asShortBuffer()
                            .get(s);
                    yield s;
                }
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            drop("not decodable: " + e.getMessage());
            return;
        }
        lastSequence = frame.sequence();
        lastVoiceMillis = clock.monotonicMillis();
        framesPlayed++;
        voice.add(pcm);
        if (stealth) return;
        long queued = speaker.queuedMillis();
        if (queued > SPEAKER_MAX_LAG_MILLIS || queued > SPEAKER_LAG_MILLIS && quiet(pcm)) {
            framesSkipped++;
            return;
        }
        speaker.play(pcm);
    }

    private static boolean quiet(short[] pcm) {
        double sum = 0;
        for (short v : pcm) sum += (double) v * v;
        return pcm.length == 0 || Math.sqrt(sum / pcm.length) / 32768.0 < QUIET_RMS;
    }

    /** Frames kept from the speaker (still recorded) to keep its delay down. */
    public synchronized long framesSkipped() {
        return framesSkipped;
    }

    private void drop(String why) {
        framesDropped++;
        Logger.debug("{}dropped a voice frame of call {}: {}", tag, callId, why);
    }

    /** The call as the indicators need it, or null when none is open. */
    public synchronized IndicatorPolicy.Call indication() {
        return callId == null ? null : new IndicatorPolicy.Call(sinceMillis, lastVoiceMillis);
    }

    public synchronized boolean open() {
        return callId != null;
    }

    /** Frames of the open call that were dropped (unreadable, another call's, late). */
    public synchronized long framesDropped() {
        return framesDropped;
    }

    /** Downlink messages that came while no call was open. */
    public synchronized long droppedOutsideCalls() {
        return droppedOutsideCalls;
    }

    @Override
    public synchronized void close() {
        if (callId != null) end("unit shutting down");
    }
}
