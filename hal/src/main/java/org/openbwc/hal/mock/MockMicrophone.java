package org.openbwc.hal.mock;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulated unit's "mouth": what its microphone hears. Quiet by default; a tone burst can be injected (from the
 * virtual-units page, a test or a benchmark) to be found again at the other end of a call. The emulator's media
 * pipeline asks {@link #registered} for its unit's microphone and, when there is one, takes its sound instead of the
 * lavfi test tone, which is useless for finding a burst. Registered per unit id by {@link MockHardware} while it is
 * open, since the camera (device module) and the hardware emulator only share the unit id.
 */
public final class MockMicrophone {
    private static final Map<String, MockMicrophone> UNITS = new ConcurrentHashMap<>();

    /** Loud enough to stand well above AAC's noise, quiet enough not to clip when the room's voice is mixed in. */
    static final double AMPLITUDE = 0.4;

    private final String unitId;
    private double frequency;
    private long remainingSamples;
    private double phase;
    private long injectedAtMillis;

    private MockMicrophone(String unitId) {
        this.unitId = unitId;
    }

    /** The microphone of an open emulated unit, for the media pipeline; empty for a real unit or a bare pipeline. */
    public static Optional<MockMicrophone> registered(String unitId) {
        return Optional.ofNullable(UNITS.get(unitId));
    }

    static MockMicrophone attach(String unitId) {
        return UNITS.computeIfAbsent(unitId, MockMicrophone::new);
    }

    static void detach(String unitId, MockMicrophone mic) {
        UNITS.remove(unitId, mic);
    }

    public String unitId() {
        return unitId;
    }

    /**
     * Makes the microphone hear a sine of {@code frequencyHz} for {@code millis}, from the next captured sound on.
     *
     * @return the epoch ms of the injection: the "mouth" time a listener measures its delay from
     */
    public synchronized long injectTone(double frequencyHz, long millis) {
        if (frequencyHz < 50 || frequencyHz > 20_000)
            throw new IllegalArgumentException("tone frequency must be 50..20000 Hz, not " + frequencyHz);
        if (millis < 10 || millis > 10_000)
            throw new IllegalArgumentException("tone length must be 10..10000 ms, not " + millis);
        frequency = frequencyHz;
        remainingSamples = -millis; // converted at the first fill, which knows the sample rate
        phase = 0;
        injectedAtMillis = System.currentTimeMillis();
        return injectedAtMillis;
    }

    /** When the last tone was injected (epoch ms), 0 if never. */
    public synchronized long lastInjectionMillis() {
        return injectedAtMillis;
    }

    /** Overwrites {@code pcm} (interleaved S16) with what the microphone hears now: silence or the tone. */
    public synchronized void fill(short[] pcm, int sampleRate, int channels) {
        Arrays.fill(pcm, (short) 0);
        if (remainingSamples < 0) remainingSamples = -remainingSamples * sampleRate / 1000;
        int frames = pcm.length / Math.max(1, channels);
        double step = 2 * Math.PI * frequency / sampleRate;
        for (int i = 0; i < frames && remainingSamples > 0; i++, remainingSamples--) {
            short v = (short) Math.round(Math.sin(phase) * AMPLITUDE * Short.MAX_VALUE);
            phase += step;
            for (int c = 0; c < channels; c++) pcm[i * channels + c] = v;
        }
    }
}
