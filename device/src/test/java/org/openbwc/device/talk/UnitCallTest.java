package org.openbwc.device.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.hal.DeviceClock;
import org.openbwc.hal.mock.MockSpeaker;
import org.openbwc.protocol.TalkFrame;

/** The unit's side of a call: what is played, what is dropped, stealth, and the events it reports. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UnitCallTest {
    static final long EPOCH = 1_700_000_000_000L;
    final AtomicLong now = new AtomicLong(1_000);
    final DeviceClock clock = new DeviceClock() {
        @Override
        public Instant now() {
            return Instant.ofEpochMilli(EPOCH + now.get());
        }

        @Override
        public long monotonicMillis() {
            return now.get();
        }

        @Override
        public boolean isSet() {
            return true;
        }
    };
    final MockSpeaker speaker = new MockSpeaker(() -> Instant.ofEpochMilli(EPOCH + now.get()));
    final RoomVoice voice = new RoomVoice();
    final List<String> events = new ArrayList<>();
    final UnitCall call = new UnitCall("cam-1", speaker, voice, clock, new UnitCall.Listener() {
        @Override
        public void started(String callId, String by) {
            events.add("started " + callId + " " + by);
        }

        @Override
        public void ended(String callId, String by, long durationMillis, long framesDropped, String reason) {
            events.add("ended " + callId + " " + by + " " + durationMillis + " " + framesDropped + " " + reason);
        }
    });

    static ByteBuffer pcmFrame(String callId, int seq, int samples) {
        ByteBuffer pcm = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) pcm.putShort((short) (8000 * Math.sin(i * 0.2)));
        return new TalkFrame(TalkFrame.Codec.PCM_S16LE, TalkFrame.tagOf(callId), seq, 0, pcm.array()).encode();
    }

    @Test
    void theRoomsVoiceIsPlayedAndMixedIntoTheRecordingOnlyWhileItsCallIsOpen() {
        call.downlink(pcmFrame("call-1", 1, 960));
        assertThat(speaker.playedAfter(0)).as("no call open").isEmpty();
        assertThat(call.droppedOutsideCalls()).isEqualTo(1);

        assertThat(call.start("call-1", "sam")).isEqualTo("call open");
        call.downlink(pcmFrame("call-1", 1, 960));
        assertThat(speaker.playedAfter(0)).hasSize(1);
        assertThat(speaker.playedAfter(0).get(0).samples()).hasSize(960);
        assertThat(voice.queuedMillis()).isEqualTo(20);

        call.downlink(pcmFrame("call-2", 2, 960)); // another call's
        call.downlink(pcmFrame("call-1", 1, 960)); // repeated
        call.downlink(ByteBuffer.wrap("BWT1 but not a frame".getBytes())); // unreadable
        assertThat(speaker.playedAfter(0)).hasSize(1);
        assertThat(call.framesDropped()).isEqualTo(3);

        now.addAndGet(5_000);
        assertThat(call.stop("call-9", "talk.stop")).contains("not the open call");
        assertThat(call.stop("call-1", "talk.stop from gw")).isEqualTo("call ended");
        assertThat(voice.queuedMillis()).isZero();
        call.downlink(pcmFrame("call-1", 3, 960));
        assertThat(speaker.playedAfter(0)).as("after the call ended").hasSize(1);
        assertThat(events).containsExactly("started call-1 sam", "ended call-1 sam 5000 3 talk.stop from gw");
    }

    @Test
    void inStealthTheSpeakerStaysSilentButTheVoiceIsStillRecordedAndFelt() {
        call.stealth(true);
        assertThat(call.start("call-1", "sam")).contains("stealth");
        now.addAndGet(100);
        call.downlink(pcmFrame("call-1", 1, 960));
        assertThat(speaker.playedAfter(0)).isEmpty();
        assertThat(voice.queuedMillis())
                .as("the recording still holds the room's voice")
                .isEqualTo(20);
        assertThat(call.indication().lastVoiceMillis()).isEqualTo(1_100);
    }

    static ByteBuffer quietFrame(String callId, int seq) {
        return new TalkFrame(TalkFrame.Codec.PCM_S16LE, TalkFrame.tagOf(callId), seq, 0, new byte[1920]).encode();
    }

    @Test
    void aSpeakerThatFellBehindSkipsSilenceFirstAndSpeechOnlyFarBehindButRecordsAll() {
        call.start("call-1", "sam");
        int seq = 0;
        // The clock stands still: every 20 ms frame adds to the queue, as a burst after network jitter would.
        for (int i = 0; i < 7; i++) call.downlink(pcmFrame("call-1", ++seq, 960));
        assertThat(speaker.queuedMillis()).isEqualTo(140);
        call.downlink(quietFrame("call-1", ++seq));
        assertThat(call.framesSkipped()).as("silence over 120 ms behind").isEqualTo(1);
        for (int i = 0; i < 8; i++) call.downlink(pcmFrame("call-1", ++seq, 960));
        assertThat(speaker.queuedMillis())
                .as("speech is still played up to 300 ms behind")
                .isEqualTo(300);
        call.downlink(pcmFrame("call-1", ++seq, 960));
        assertThat(call.framesSkipped()).isEqualTo(1);
        call.downlink(pcmFrame("call-1", ++seq, 960));
        assertThat(call.framesSkipped()).as("speech beyond 300 ms behind").isEqualTo(2);
        assertThat(voice.queuedMillis()).as("the recording keeps every frame").isEqualTo(18 * 20);
        now.addAndGet(300);
        call.downlink(quietFrame("call-1", ++seq));
        assertThat(call.framesSkipped()).as("caught up: silence plays again").isEqualTo(2);
    }

    @Test
    void badArgumentsAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> call.start(null, "sam")).hasMessageContaining("'callId'");
        assertThatThrownBy(() -> call.start("a b", "sam")).hasMessageContaining("'callId'");
        assertThatThrownBy(() -> call.start("call-1", "")).hasMessageContaining("'by'");
        assertThat(call.open()).isFalse();
    }

    @Test
    void theUplinkClosingEndsTheCall() {
        call.start("call-1", "sam");
        call.uplinkClosed();
        assertThat(call.open()).isFalse();
        assertThat(events.get(1)).endsWith("the live uplink closed");
    }

    @Test
    void theRoomsVoiceIsMixedIntoTheMicrophoneAtItsRate() {
        voice.add(new short[] {1000, 1000, 1000, 1000});
        short[] mic = {10, 10, 10, 10, 10, 10};
        voice.apply(mic, 48_000, 1);
        assertThat(mic).containsExactly(1010, 1010, 1010, 1010, 10, 10);
        voice.add(new short[] {32000, 32000});
        short[] loud = {32000, 32000};
        voice.apply(loud, 24_000, 1); // half the rate: one microphone sample takes two of the voice
        assertThat(loud).containsExactly(Short.MAX_VALUE, (short) 32000);
    }
}
