package org.openbwc.hal.system;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import org.openbwc.hal.Speaker;
import org.tinylog.Logger;

/**
 * The board's loudspeaker through Java Sound, which on Linux plays through ALSA: the mixer whose name or description
 * contains the configured device ({@code default} takes the system's default line). A device that cannot be opened
 * leaves the unit without sound, with one warning, rather than failing the unit.
 */
public final class JavaSoundSpeaker implements Speaker {
    private static final AudioFormat FORMAT = new AudioFormat(SAMPLE_RATE, 16, 1, true, false);
    /** Chunks of ~20 ms: 25 of them cover the queue limit. */
    private static final int QUEUE_CHUNKS = 64;

    private final String unitId;
    private final SourceDataLine line;
    private final BlockingQueue<short[]> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final AtomicLong queuedSamples = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    private JavaSoundSpeaker(String unitId, SourceDataLine line) {
        this.unitId = unitId;
        this.line = line;
        this.writer = Thread.ofPlatform().daemon().name("speaker-" + unitId).start(this::drain);
    }

    /** Opens the speaker on {@code device}; {@link Speaker#NONE} for {@code none} or when it cannot be opened. */
    public static Speaker open(String unitId, String device) {
        if ("none".equals(device)) return Speaker.NONE;
        try {
            SourceDataLine line = findLine(device);
            line.open(FORMAT, SAMPLE_RATE / 10 * 2);
            line.start();
            Logger.info("{}: speaker open on '{}'", unitId, device);
            return new JavaSoundSpeaker(unitId, line);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            Logger.warn(
                    "{}: speaker '{}' cannot be opened, the unit plays no sound: {}", unitId, device, e.getMessage());
            return Speaker.NONE;
        }
    }

    private static SourceDataLine findLine(String device) throws LineUnavailableException {
        DataLine.Info info = new DataLine.Info(SourceDataLine.class, FORMAT);
        if ("default".equals(device)) return (SourceDataLine) AudioSystem.getLine(info);
        for (Mixer.Info m : AudioSystem.getMixerInfo()) {
            if (m.getName().contains(device) || m.getDescription().contains(device)) {
                Mixer mixer = AudioSystem.getMixer(m);
                if (mixer.isLineSupported(info)) return (SourceDataLine) mixer.getLine(info);
            }
        }
        throw new IllegalArgumentException("no audio output device matches '" + device + "'");
    }

    @Override
    public int play(short[] samples) {
        if (closed) return samples.length;
        if (queuedMillis() >= MAX_QUEUED_MILLIS || !queue.offer(samples.clone())) return samples.length;
        queuedSamples.addAndGet(samples.length);
        return 0;
    }

    @Override
    public void silence() {
        queue.clear();
        queuedSamples.set(0);
        line.flush();
    }

    @Override
    public long queuedMillis() {
        long inLine = (line.getBufferSize() - line.available()) / 2L;
        return (queuedSamples.get() + inLine) * 1000 / SAMPLE_RATE;
    }

    @Override
    public boolean available() {
        return !closed;
    }

    private void drain() {
        byte[] bytes = new byte[0];
        while (!closed) {
            short[] chunk;
            try {
                chunk = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (chunk == null) continue;
            queuedSamples.addAndGet(-chunk.length);
            if (bytes.length < chunk.length * 2) bytes = new byte[chunk.length * 2];
            for (int i = 0; i < chunk.length; i++) {
                bytes[2 * i] = (byte) chunk[i];
                bytes[2 * i + 1] = (byte) (chunk[i] >> 8);
            }
            line.write(bytes, 0, chunk.length * 2);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        writer.interrupt();
        line.stop();
        line.close();
        Logger.info("{}: speaker closed", unitId);
    }
}
