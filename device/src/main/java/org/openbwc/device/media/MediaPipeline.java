package org.openbwc.device.media;

import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.tinylog.Logger;

/**
 * Camera + microphone to one fragmented-MP4 stream (H.264 + AAC, a fragment every ~200 ms, a keyframe every GOP),
 * cut into an init segment and fragments for a {@link FragmentSink}.
 * <p>
 * Three threads, each owning its FFmpeg objects: video capture (grabber + the burned-in overlay filter), audio
 * capture (a second grabber: the camera and microphone are two devices, and the mock takes the same path), and the
 * encoder ({@link StreamEncoder}: recorder + {@link FragmentSplitter}, so the sink is called on the encoder thread). Sound is lined up
 * with the first picture by capture time and muxed with AAC's priming accounted for.
 * Capture hands pictures over through a small bounded queue: when the encoder falls behind, pictures are dropped
 * and counted rather than queued without bound, and the timestamps keep the stream's timing right across the gap.
 * Pictures stay YUV 4:2:0 end to end; converting to BGR (JavaCV's default) would halve the encoder's throughput.
 */
public final class MediaPipeline implements AutoCloseable {

    static final int MIN_QUEUE_FRAMES = 4;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    static final int AUDIO_QUEUE_CHUNKS = 64;

    private final EncoderSettings settings;
    private final FragmentSink sink;
    private final Supplier<Boolean> audioAllowed;
    private final Path font;
    private final String unit;

    private final BlockingQueue<AVFrame> pictures;
    private final PictureSlots slots;
    private final BlockingQueue<AudioChunk> sound = new ArrayBlockingQueue<>(AUDIO_QUEUE_CHUNKS);

    private final Thread videoThread;
    private final Thread audioThread;
    private final Thread encoderThread;
    private final StreamEncoder encoder;
    private final CompletableFuture<Void> videoStarted = new CompletableFuture<>();
    private final CompletableFuture<Void> audioStarted = new CompletableFuture<>();

    private volatile boolean capturing = true;
    private volatile boolean videoDone;
    private volatile long firstPictureNanos = -1;
    // Min over pictures of (nanoTime at hand-over - timestamp): see captureNanos. Written by the capture thread only.
    private volatile long captureOriginNanos = Long.MAX_VALUE;
    // The officer the overlay should show (written by officer(), any thread) and the one it shows (capture thread).
    private volatile String overlayOfficer;
    private volatile String overlayOfficerShown;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private final LongAdder framesGrabbed = new LongAdder();
    private final LongAdder framesDropped = new LongAdder();
    private final LongAdder audioChunksDropped = new LongAdder();
    private volatile SoundMix source;
    private volatile SoundMix sidetone;

    private MediaPipeline(
            EncoderSettings settings, FragmentSink sink, Supplier<Boolean> audioAllowed, Path font, int queueFrames) {
        this.settings = settings;
        this.sink = sink;
        this.audioAllowed = audioAllowed;
        this.font = font;
        this.unit = settings.unitId();
        this.overlayOfficer = settings.officerId();
        this.overlayOfficerShown = settings.officerId();
        this.pictures = new ArrayBlockingQueue<>(queueFrames);
        // at most one slot per queued picture, one being encoded, one being filled by the capture thread
        this.slots = new PictureSlots(queueFrames + 2);
        this.encoder = new StreamEncoder(this, settings, sink, pictures, slots, sound);
        this.encoderThread =
                Thread.ofPlatform().name("media-encoder-" + unit).daemon(true).unstarted(encoder);
        this.videoThread =
                Thread.ofPlatform().name("media-video-" + unit).daemon(true).unstarted(this::captureVideo);
        this.audioThread =
                Thread.ofPlatform().name("media-audio-" + unit).daemon(true).unstarted(this::captureAudio);
    }

    /** Starts with the microphone always recorded. */
    public static MediaPipeline start(EncoderSettings settings, FragmentSink sink) {
        return start(settings, sink, () -> true);
    }

    /**
     * Opens the devices and the encoder and returns once all of them run; the init segment has then been handed to
     * the sink. Fails with an {@link IllegalStateException} naming the device or encoder that could not start.
     *
     * @param audioAllowed asked for every microphone read (on the audio thread, so it must be thread-safe); while it
     *                     says false, silence is encoded instead, as units record no sound before the record press
     */
    public static MediaPipeline start(EncoderSettings settings, FragmentSink sink, Supplier<Boolean> audioAllowed) {
        // about a quarter second of pictures absorbs encoder hiccups (a keyframe, a busy core) without hiding overload
        return start(settings, sink, audioAllowed, Math.max(MIN_QUEUE_FRAMES, settings.fps() / 4));
    }

    static MediaPipeline start(
            EncoderSettings settings, FragmentSink sink, Supplier<Boolean> audioAllowed, int queueFrames) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(audioAllowed, "audioAllowed");
        if (queueFrames < 1) throw new IllegalArgumentException("queueFrames " + queueFrames + " must be >= 1");
        FfmpegNatives.requireLoaded();
        FfmpegLog.install();
        FfmpegNatives.requireEncoder(settings.encoder());
        Sources.requireCamera(settings);
        Path font = settings.overlayEnabled() ? OverlayFilter.font(settings) : null;
        MediaPipeline pipeline = new MediaPipeline(settings, sink, audioAllowed, font, queueFrames);
        pipeline.launch();
        return pipeline;
    }

    public EncoderSettings settings() {
        return settings;
    }

    /**
     * Burns another officer id (already made safe for the overlay, see {@link EncoderSettings}) into the pictures from
     * the next one captured on, without restarting anything: the capture thread gives the overlay's drawtext its new
     * text between two pictures. Empty: nobody assigned. Without an overlay, nothing to do.
     */
    public void officer(String officerId) {
        Objects.requireNonNull(officerId, "officerId");
        overlayOfficer = officerId;
    }

    /** The officer id the overlay burns into the pictures now (for tests and the log). */
    public String overlayOfficer() {
        return overlayOfficerShown;
    }

    /** True from start until it is closed or the camera or the encoder failed (see {@link #failure()}). */
    public boolean isRunning() {
        return !closed.get() && encoderThread.isAlive() && !videoDone;
    }

    /** The first failure while running (camera gone, encoder error); a microphone failure leaves the video running. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public PipelineStats stats() {
        return new PipelineStats(
                framesGrabbed.sum(),
                encoder.framesEncoded(),
                framesDropped.sum(),
                audioChunksDropped.sum(),
                encoder.fragments(),
                encoder.bytes(),
                encoder.fps());
    }

    /** Stops capture, encodes what is queued, writes the last fragment and releases the devices. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        shutDown();
        Logger.info("unit {}: media pipeline stopped: {}", unit, stats());
    }

    private void launch() {
        long begin = System.nanoTime();
        encoderThread.start();
        awaitStart(encoder.started(), "encoder " + settings.encoder().ffmpegName());
        videoThread.start();
        if (settings.audioEnabled()) audioThread.start();
        awaitStart(videoStarted, Sources.describeVideo(settings));
        if (settings.audioEnabled()) awaitStart(audioStarted, Sources.describeAudio(settings));
        Logger.info(
                "unit {}: media pipeline started in {} ms: {}",
                unit,
                (System.nanoTime() - begin) / 1_000_000,
                settings);
    }

    private void awaitStart(CompletableFuture<Void> started, String what) {
        try {
            started.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            closed.set(true);
            shutDown();
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new IllegalStateException(
                    what + " could not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            closed.set(true);
            shutDown();
            throw new IllegalStateException(what + " did not start within " + STARTUP_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.set(true);
            shutDown();
            throw new IllegalStateException("interrupted while starting " + what, e);
        }
    }

    private void shutDown() {
        capturing = false;
        join(videoThread);
        join(audioThread);
        videoDone = true;
        join(encoderThread);
    }

    private void join(Thread thread) {
        if (!thread.isAlive()) return;
        try {
            if (!thread.join(STOP_TIMEOUT)) {
                Logger.warn(
                        "unit {}: {} did not stop within {} s; leaving it behind",
                        unit,
                        thread.getName(),
                        STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether video capture has ended: the encoder then encodes what is queued and stops. */
    boolean videoDone() {
        return videoDone;
    }

    /** {@link System#nanoTime()} of the first picture captured, or -1 before it; sound is lined up with it. */
    long firstPictureNanos() {
        return firstPictureNanos;
    }

    /**
     * When the picture with capture timestamp {@code timestampMicros} was captured, as {@link System#nanoTime()}. A
     * source's timestamps run at the real rate but from an origin of their own, and a picture may be handed over late
     * (the source's start-up buffers pictures while the stream is probed; a camera queues a few): the origin is taken
     * from the picture handed over soonest after its timestamp, so no picture is said to be captured after it was
     * taken, and a late one is not believed.
     */
    long captureNanos(long timestampMicros) {
        return captureOriginNanos + timestampMicros * 1000;
    }

    /** Records the first failure while running and logs it; one that {@code stopsVideo} ends capture. */
    void fail(String where, Throwable e, boolean stopsVideo) {
        if (failure.compareAndSet(null, e)) {
            Logger.error(
                    e,
                    "unit {}: {} failed{}",
                    unit,
                    where,
                    stopsVideo ? "; the pipeline stops" : "; video goes on without sound");
        }
        if (stopsVideo) capturing = false;
    }

    // ---------------------------------------------------------------- video capture thread

    /** Gives the overlay the officer asked for, when it changed: one comparison per picture otherwise. */
    private void retext(PictureGraph overlay) {
        String wanted = overlayOfficer;
        if (wanted.equals(overlayOfficerShown)) return;
        try {
            overlay.reinit(OverlayFilter.reinit(settings, wanted));
            overlayOfficerShown = wanted;
            Logger.debug("unit {}: overlay shows officer '{}'", unit, wanted);
        } catch (RuntimeException e) {
            // Evidence goes on with the old text rather than stopping; the unit's status names the new officer.
            Logger.error("unit {}: the overlay could not change to officer '{}': {}", unit, wanted, e.getMessage());
            overlayOfficer = overlayOfficerShown;
        }
    }

    private void captureVideo() {
        FFmpegFrameGrabber grabber = Sources.video(settings);
        PictureGraph conversion = null;
        PictureGraph overlay = null;
        boolean warnedDrop = false;
        try {
            try {
                grabber.start();
            } catch (Exception e) {
                throw new IllegalStateException(
                        Sources.describeVideo(settings) + " could not be opened: " + e.getMessage(), e);
            }
            int width = grabber.getImageWidth();
            int height = grabber.getImageHeight();
            if (width != settings.width() || height != settings.height()) {
                Logger.warn(
                        "unit {}: {} delivers {}x{} instead of {}x{}; every frame is scaled",
                        unit,
                        Sources.describeVideo(settings),
                        width,
                        height,
                        settings.width(),
                        settings.height());
            }
            if (font != null) {
                try {
                    overlay = PictureGraph.overlay(settings, OverlayFilter.drawtext(settings, font));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(
                            "overlay filter could not start (font " + font + "): " + e.getMessage(), e);
                }
            }
            boolean first = true;
            boolean handedOver = false;
            int skippedAtStart = 0;
            while (capturing) {
                Frame grabbed = grabber.grabImage();
                if (grabbed == null)
                    throw new IllegalStateException(Sources.describeVideo(settings) + " stopped delivering pictures");
                // RAW: the grabber's decoded frame as it is, without a conversion into a buffer of the grabber's own
                AVFrame picture = (AVFrame) grabbed.opaque;
                long timestamp = grabbed.timestamp;
                long origin = System.nanoTime() - timestamp * 1000;
                if (origin < captureOriginNanos) captureOriginNanos = origin;
                if (first) {
                    // what the camera actually delivers is known from its first picture only
                    conversion = PictureGraph.conversion(picture, settings);
                    first = false;
                    videoStarted.complete(null);
                }
                if (handedOver && !encoder.warm()) {
                    // The encoder's first picture takes it ~0.2 s (x264 allocates its frames, code is compiled):
                    // pictures
                    // queued meanwhile would each hold a copy (3 MiB at 1080p), and together they were the unit's peak
                    // memory. Pictures of those boot moments are skipped instead, before anything is recorded; they are
                    // not drops.
                    skippedAtStart++;
                    continue;
                }
                if (skippedAtStart > 0) {
                    Logger.debug("unit {}: {} pictures skipped while the encoder started", unit, skippedAtStart);
                    skippedAtStart = 0;
                }
                if (firstPictureNanos < 0) firstPictureNanos = System.nanoTime();
                framesGrabbed.increment();
                if (conversion != null) {
                    picture = conversion.filter(picture, timestamp);
                    if (picture == null) continue;
                }
                if (overlay != null) retext(overlay);
                // by reference, or copied once where the overlay must not draw into it (see PictureSlots)
                AVFrame slot = slots.take(picture, timestamp, overlay != null);
                if (slot != null && overlay != null && !slots.draw(slot, overlay)) slot = null;
                if (slot != null && pictures.offer(slot)) {
                    handedOver = true;
                } else {
                    if (slot != null) slots.release(slot);
                    framesDropped.increment();
                    if (!warnedDrop) {
                        warnedDrop = true;
                        Logger.warn(
                                "unit {}: encoder is behind the camera, dropping pictures (counted in stats)", unit);
                    } else {
                        Logger.debug("unit {}: dropped picture at {} us", unit, timestamp);
                    }
                }
            }
        } catch (Throwable e) {
            if (!videoStarted.completeExceptionally(e))
                fail("video capture from " + Sources.describeVideo(settings), e, true);
        } finally {
            if (conversion != null) conversion.close();
            if (overlay != null) overlay.close();
            release(grabber);
            videoDone = true;
        }
    }

    // ---------------------------------------------------------------- audio capture thread

    private void captureAudio() {
        FFmpegFrameGrabber grabber = Sources.audio(settings);
        try {
            try {
                grabber.start();
            } catch (Exception e) {
                throw new IllegalStateException(
                        Sources.describeAudio(settings) + " could not be opened: " + e.getMessage(), e);
            }
            audioStarted.complete(null);
            while (capturing) {
                Frame grabbed = grabber.grabSamples();
                if (grabbed == null)
                    throw new IllegalStateException(Sources.describeAudio(settings) + " stopped delivering sound");
                if (grabbed.samples == null) continue;
                ShortBuffer samples = ((ShortBuffer) grabbed.samples[0]).duplicate();
                short[] pcm = new short[samples.remaining()];
                // a zero-filled chunk is the silence encoded before the record press
                if (isAudioAllowed()) {
                    samples.get(pcm);
                    SoundMix replaced = source;
                    if (replaced != null) replaced.apply(pcm, grabbed.sampleRate, grabbed.audioChannels);
                }
                SoundMix mixed = sidetone;
                if (mixed != null) mixed.apply(pcm, grabbed.sampleRate, grabbed.audioChannels);
                if (!sound.offer(new AudioChunk(pcm, grabbed.sampleRate, grabbed.audioChannels, System.nanoTime()))) {
                    audioChunksDropped.increment();
                }
            }
        } catch (Throwable e) {
            if (!audioStarted.completeExceptionally(e))
                fail("audio capture from " + Sources.describeAudio(settings), e, false);
        } finally {
            release(grabber);
        }
    }

    /** Replaces what the microphone hears (the emulator's microphone); applied only while audio is allowed. */
    public void source(SoundMix replacement) {
        this.source = replacement;
    }

    /**
     * Mixes sound into the encoded audio whether or not the microphone is allowed: the control room's voice during a
     * call, so that it is inside the recording's one audio track.
     */
    public void sidetone(SoundMix mix) {
        this.sidetone = mix;
    }

    private boolean isAudioAllowed() {
        try {
            return Boolean.TRUE.equals(audioAllowed.get());
        } catch (RuntimeException e) {
            Logger.warn(e, "unit {}: audioAllowed failed; encoding silence", unit);
            return false;
        }
    }

    /** Closes an FFmpeg object, logging (not throwing) a failure. */
    void release(AutoCloseable ffmpegObject) {
        if (ffmpegObject == null) return;
        try {
            ffmpegObject.close();
        } catch (Exception e) {
            Logger.warn(
                    e,
                    "unit {}: releasing {} failed",
                    unit,
                    ffmpegObject.getClass().getSimpleName());
        }
    }
}
