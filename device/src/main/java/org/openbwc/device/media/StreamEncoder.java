package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.nio.ShortBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.tinylog.Logger;

/**
 * The encoder thread of a {@link MediaPipeline}: owns the recorder (H.264 + AAC into fragmented MP4), encodes the
 * pictures and sound the capture threads hand over, timed by their capture clocks, and passes the muxer's output
 * through a {@link FragmentSplitter} to the sink, on this thread. Frees the picture slots when it ends.
 */
final class StreamEncoder implements Runnable {

    private final MediaPipeline pipeline;
    private final EncoderSettings settings;
    private final FragmentSink sink;
    private final BlockingQueue<AVFrame> pictures;
    private final PictureSlots slots;
    private final BlockingQueue<AudioChunk> sound;
    private final String unit;
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    private final LongAdder framesEncoded = new LongAdder();
    private final LongAdder fragments = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    /** The muxer holds one fragment's pictures at most; a bound (ten GOPs at 60 fps) in case one is never written. */
    private static final int MAX_UNFRAGMENTED_PICTURES = 600;
    // Encoder thread only: capture times (System.nanoTime) of encoded pictures not yet in a fragment, oldest first.
    private final ArrayDeque<Long> captureNanos = new ArrayDeque<>();
    private volatile double fps;
    /** Set once the encoder has taken its first picture; see the capture loop for why capture waits for it. */
    private volatile boolean warm;

    StreamEncoder(
            MediaPipeline pipeline,
            EncoderSettings settings,
            FragmentSink sink,
            BlockingQueue<AVFrame> pictures,
            PictureSlots slots,
            BlockingQueue<AudioChunk> sound) {
        this.pipeline = pipeline;
        this.settings = settings;
        this.sink = sink;
        this.pictures = pictures;
        this.slots = slots;
        this.sound = sound;
        this.unit = settings.unitId();
    }

    /** Completes once the recorder runs (and the sink has the init segment), or fails with why it could not start. */
    CompletableFuture<Void> started() {
        return started;
    }

    /** Whether the encoder has taken its first picture. */
    boolean warm() {
        return warm;
    }

    long framesEncoded() {
        return framesEncoded.sum();
    }

    long fragments() {
        return fragments.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    /** Pictures encoded per second over the last second or so. */
    double fps() {
        return fps;
    }

    @Override
    public void run() {
        FragmentSplitter splitter = new FragmentSplitter(new CountingSink(), this::lastCaptured);
        FFmpegFrameRecorder recorder = recorder(splitter);
        try {
            try {
                recorder.start();
            } catch (Exception e) {
                throw new IllegalStateException(
                        "encoder " + settings.encoder().ffmpegName() + " could not start at " + settings.width() + "x"
                                + settings.height() + "@" + settings.fps() + ": " + e.getMessage(),
                        e);
            }
            started.complete(null);
            Logger.info("unit {}: encoding with {}", unit, settings.encoder().ffmpegName());
            try (RecorderInput input = RecorderInput.of(recorder)) {
                new EncodeLoop(recorder, input).run();
                recorder.stop();
            }
        } catch (Throwable e) {
            if (!started.completeExceptionally(e))
                pipeline.fail("encoder " + settings.encoder().ffmpegName(), e, true);
        } finally {
            pipeline.release(recorder);
            for (AVFrame slot; (slot = pictures.poll()) != null; ) slots.release(slot);
            slots.close();
        }
    }

    private FFmpegFrameRecorder recorder(FragmentSplitter splitter) {
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(
                splitter, settings.width(), settings.height(), settings.audioEnabled() ? settings.channels() : 0);
        recorder.setFormat("mp4");
        // empty_moov: init segment first; frag_keyframe: every GOP starts a fragment; default_base_moof: CMAF/MSE
        // offsets; frag_custom: the encode loop cuts fragments itself, right after their last picture (see
        // EncodeLoop.cutWhenDue), with frag_duration as the rule until it starts doing so
        recorder.setOption("movflags", "frag_keyframe+empty_moov+default_base_moof+frag_custom");
        recorder.setOption("frag_duration", Long.toString(settings.fragmentMillis() * 1000L));
        // without it a fragment waits in the AVIO buffer, and a power cut loses 1-2 s instead of ~0.2 s
        recorder.setOption("flush_packets", "1");
        // Interleaving lets the muxer see AAC's first packet (pts -1024, encoder priming) before any video and shift
        // the whole stream by it; without it that packet collides with the next at 0. A bound on how long video may
        // wait for sound keeps fragments flowing if the microphone dies.
        recorder.setInterleaved(true);
        recorder.setOption("max_interleave_delta", "500000");
        recorder.setVideoCodecName(settings.encoder().ffmpegName());
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(settings.fps());
        recorder.setGopSize(settings.gopFrames());
        recorder.setMaxBFrames(0);
        recorder.setVideoBitrate(settings.bitrateKbps() * 1000);
        if (settings.encoder() == VideoEncoder.X264) {
            recorder.setVideoOption("preset", "veryfast");
            recorder.setVideoOption("tune", "zerolatency");
        }
        if (settings.audioEnabled()) {
            recorder.setAudioCodecName("aac");
            recorder.setSampleRate(settings.sampleRate());
            recorder.setAudioBitrate(settings.audioBitrateKbps() * 1000);
        }
        return recorder;
    }

    /**
     * The capture time of the last of the next {@code pictures} encoded pictures, which a fragment the muxer just
     * wrote holds; called on the encoder thread (the muxer writes from within its calls). No B-frames, so pictures
     * reach fragments in the order they were encoded.
     */
    private Instant lastCaptured(int pictures) {
        Long last = null;
        for (int i = 0; i < pictures && !captureNanos.isEmpty(); i++) last = captureNanos.poll();
        if (last == null) return null;
        return Instant.now().minusNanos(System.nanoTime() - last);
    }

    /** The encoder thread's state: where the stream's clock starts and how far it got. */
    private final class EncodeLoop {
        private final FFmpegFrameRecorder recorder;
        private final RecorderInput input;
        private final ArrayDeque<AudioChunk> earlySound = new ArrayDeque<>();
        private long firstTimestamp = -1;
        private long lastFrameNumber = -1;
        private boolean soundAligned;
        private long windowStart = System.nanoTime();
        private long windowFrames;
        private final int picturesPerFragment =
                Math.max(1, Math.round(settings.fps() * settings.fragmentMillis() / 1000f));
        private long picturesEncoded;
        private int picturesInFragment;

        EncodeLoop(FFmpegFrameRecorder recorder, RecorderInput input) {
            this.recorder = recorder;
            this.input = input;
        }

        void run() throws Exception {
            while (true) {
                boolean lastRound = pipeline.videoDone();
                AVFrame picture = pictures.poll(20, TimeUnit.MILLISECONDS);
                if (settings.audioEnabled()) encodeSound();
                if (picture != null) {
                    try {
                        encodePicture(picture);
                    } finally {
                        slots.release(picture);
                    }
                } else if (lastRound && pictures.isEmpty()) {
                    return;
                }
                measure();
            }
        }

        private void encodePicture(AVFrame picture) throws Exception {
            long timestamp = picture.pts();
            if (firstTimestamp < 0) firstTimestamp = timestamp;
            // the capture timestamp, not a frame counter, sets the time: dropped pictures leave a gap, not a speed-up
            long frameNumber = Math.round((timestamp - firstTimestamp) * settings.fps() / 1_000_000.0);
            if (frameNumber <= lastFrameNumber) frameNumber = lastFrameNumber + 1;
            // before record: a fragment the muxer writes during it may already end with this picture
            captureNanos.add(pipeline.captureNanos(timestamp));
            if (captureNanos.size() > MAX_UNFRAGMENTED_PICTURES) captureNanos.poll();
            input.record(picture, frameNumber);
            cutWhenDue();
            warm = true;
            lastFrameNumber = frameNumber;
            framesEncoded.increment();
            windowFrames++;
        }

        /**
         * Cuts the fragment as soon as it holds {@code fragmentMillis} of pictures, rather than when the next
         * picture's packet arrives, which is the muxer's own rule: a picture is then durable a frame period sooner,
         * without waiting in the interleaving queue for the sound to catch up, and that wait is what a power cut
         * costs (bench/README.md, power cut). The first GOP keeps
         * the muxer's rule, so that the sound's first packet (AAC priming, before time 0) reaches the muxer before
         * anything is written. Every keyframe starts a fragment by itself (frag_keyframe); the count restarts there.
         */
        private void cutWhenDue() {
            if (picturesEncoded++ % settings.gopFrames() == 0) picturesInFragment = 0;
            picturesInFragment++;
            if (picturesEncoded <= settings.gopFrames() || picturesInFragment < picturesPerFragment) return;
            if (input.cutFragment()) picturesInFragment = 0;
        }

        private void encodeSound() throws Exception {
            for (AudioChunk chunk; (chunk = sound.poll()) != null; ) {
                if (soundAligned) {
                    record(chunk.pcm(), chunk);
                } else {
                    earlySound.add(chunk);
                }
            }
            long epoch = pipeline.firstPictureNanos();
            if (soundAligned || epoch < 0) {
                // until the first picture, hold back at most a second of sound
                while (earlySound.size() > MediaPipeline.AUDIO_QUEUE_CHUNKS) earlySound.poll();
                return;
            }
            // Line the sound up with the first picture: drop what was heard before it, pad with silence if the
            // microphone started later.
            for (AudioChunk chunk; (chunk = earlySound.poll()) != null; ) {
                long startNanos = chunk.capturedNanos() - chunk.durationNanos();
                if (chunk.capturedNanos() <= epoch) continue;
                int frames = chunk.pcm().length / chunk.channels();
                long offsetFrames = (startNanos - epoch) * chunk.sampleRate() / 1_000_000_000L;
                if (offsetFrames > 0) {
                    record(new short[(int) Math.min(offsetFrames, chunk.sampleRate()) * chunk.channels()], chunk);
                    record(chunk.pcm(), chunk);
                } else {
                    int skip = (int) Math.min(-offsetFrames, frames);
                    short[] rest = new short[(frames - skip) * chunk.channels()];
                    System.arraycopy(chunk.pcm(), skip * chunk.channels(), rest, 0, rest.length);
                    if (rest.length > 0) record(rest, chunk);
                }
                soundAligned = true;
                for (AudioChunk later; (later = earlySound.poll()) != null; ) record(later.pcm(), later);
            }
        }

        private void record(short[] pcm, AudioChunk format) throws Exception {
            recorder.recordSamples(format.sampleRate(), format.channels(), ShortBuffer.wrap(pcm));
        }

        private void measure() {
            long now = System.nanoTime();
            long elapsed = now - windowStart;
            if (elapsed >= 1_000_000_000L) {
                fps = windowFrames * 1e9 / elapsed;
                windowFrames = 0;
                windowStart = now;
            }
        }
    }

    /** Counts what reaches the caller's sink; the splitter already shields the stream from a failing sink. */
    private final class CountingSink implements FragmentSink {
        @Override
        public void onInit(InitSegment init) {
            bytes.add(init.bytes().length);
            sink.onInit(init);
        }

        @Override
        public void onFragment(Fragment fragment) {
            fragments.increment();
            bytes.add(fragment.bytes().length);
            Logger.trace(
                    "unit {}: fragment {} ({} bytes{})",
                    unit,
                    fragment.sequence(),
                    fragment.bytes().length,
                    fragment.keyframeStart() ? ", keyframe" : "");
            sink.onFragment(fragment);
        }
    }
}
