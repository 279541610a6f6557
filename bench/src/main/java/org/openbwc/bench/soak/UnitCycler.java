package org.openbwc.bench.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes every unit record on and off through the virtual-units API, as an officer would with the RECORD button: a
 * double press starts a recording, a hold and a press stop it (then the post-event tail runs). Unit {@code i} starts
 * {@code 5 + i × stagger} seconds after the units came online, then records {@code on} seconds and pauses {@code off}
 * seconds, on a fixed timetable. The 5 s put the gestures between the samples, whose jcmd probes pause the demo's
 * JVM: a pause inside a double press parts its two presses, and the unit sees two single presses. Each gesture is
 * checked against the state the API shows afterwards; a start that did not take is tried once more.
 */
final class UnitCycler {
    /** How long a started recording may take to show RECORDING (the double press itself takes ~0.4 s). */
    private static final long START_CONFIRM_MS = 10_000;
    /** How long a stop may take: the hold (3.2 s), the confirming press, and the double-press window. */
    private static final long STOP_CONFIRM_MS = 15_000;
    /** The hold that arms a stop: longer than the units' stopHoldMillis (3000). */
    private static final long STOP_HOLD_MS = 3_200;
    /** The timetable's origin after the units came online: half-way between two samples at the default interval. */
    static final long PHASE_NANOS = 5_000_000_000L;

    private final SoakBench bench;
    private final Demo demo;
    private final long t0;
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> ids;
    private final boolean[] recording;
    private final AtomicInteger started = new AtomicInteger(),
            startFailed = new AtomicInteger(),
            stopped = new AtomicInteger(),
            stopFailed = new AtomicInteger();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    /** Set at the end: the timetable stops between gestures, so a gesture is never cut in half. */
    private volatile boolean closing;

    UnitCycler(SoakBench bench, Demo demo, long t0) {
        this.bench = bench;
        this.demo = demo;
        this.t0 = t0;
        this.ids = demo.unitIds();
        this.recording = new boolean[ids.size()];
    }

    void start() {
        for (int i = 0; i < ids.size(); i++) {
            int unit = i;
            Thread t = Thread.ofPlatform().daemon().name("soak-" + ids.get(i)).start(() -> cycle(unit));
            threads.add(t);
        }
    }

    private void cycle(int unit) {
        String id = ids.get(unit);
        long offset = PHASE_NANOS + unit * (long) bench.staggerSeconds * 1_000_000_000L;
        long cycle = bench.cycleSeconds() * 1_000_000_000L, on = bench.onSeconds * 1_000_000_000L;
        for (long n = 0; ; n++) {
            long begin = t0 + offset + n * cycle;
            if (!waitUntil(begin)) return;
            startRecording(unit, id);
            if (!waitUntil(begin + on)) return;
            if (recording[unit]) stopRecording(unit, id);
        }
    }

    /** Sleeps until {@code nanoTime}; false (at once) when the timetable is closing. */
    private boolean waitUntil(long nanoTime) {
        while (!closing) {
            long ms = (nanoTime - System.nanoTime()) / 1_000_000;
            if (ms <= 0) return true;
            try {
                Thread.sleep(Math.min(ms, 200));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    private void startRecording(int unit, String id) {
        try {
            // a stop's post-event tail must be over, or a double press resumes the old recording
            String state = waitState(id, s -> !s.equals("POST_EVENT"), 20_000);
            if (state.equals("RECORDING")) {
                recording[unit] = true;
                problem("%s at %s: already RECORDING before the double press", id, now());
                return;
            }
            demo.simPost("/api/units/" + id + "/buttons/record/double-press");
            state = waitState(id, s -> s.equals("RECORDING"), START_CONFIRM_MS);
            if (!state.equals("RECORDING")) {
                problem("%s at %s: double press left the unit in %s; pressing again", id, now(), state);
                Thread.sleep(2_000);
                demo.simPost("/api/units/" + id + "/buttons/record/double-press");
                state = waitState(id, s -> s.equals("RECORDING"), START_CONFIRM_MS);
            }
            if (state.equals("RECORDING")) {
                recording[unit] = true;
                started.incrementAndGet();
            } else {
                startFailed.incrementAndGet();
                problem("%s at %s: the second double press left the unit in %s too", id, now(), state);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            startFailed.incrementAndGet();
            problem("%s at %s: start failed: %s", id, now(), e);
        }
    }

    private void stopRecording(int unit, String id) {
        try {
            demo.simPost("/api/units/" + id + "/buttons/record/hold?ms=" + STOP_HOLD_MS);
            demo.simPost("/api/units/" + id + "/buttons/record/press"); // queued behind the hold: the confirmation
            String state = waitState(id, s -> !s.equals("RECORDING"), STOP_CONFIRM_MS);
            if (!state.equals("RECORDING")) {
                recording[unit] = false;
                stopped.incrementAndGet();
            } else {
                stopFailed.incrementAndGet();
                problem("%s at %s: hold + press left the unit RECORDING", id, now());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            stopFailed.incrementAndGet();
            problem("%s at %s: stop failed: %s", id, now(), e);
        }
    }

    private String waitState(String id, java.util.function.Predicate<String> ok, long ms) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        while (true) {
            String s = demo.unitState(id);
            if (ok.test(s) || System.currentTimeMillis() > deadline) return s;
            Thread.sleep(200);
        }
    }

    /** Units recording right now, as far as the cycler knows. */
    int recordingNow() {
        int n = 0;
        for (boolean r : recording) if (r) n++;
        return n;
    }

    int started() {
        return started.get();
    }

    /** Ends the timetable at once (the bench is being stopped). */
    void interrupt() {
        closing = true;
        threads.forEach(Thread::interrupt);
    }

    /** What the cycler did, for the report. */
    record Counts(int started, int startFailed, int stopped, int stopFailed, int closedAtEnd, List<String> problems) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d started, %d stopped in the cycle, %d closed at the end; %d failed starts, %d failed stops",
                    started,
                    stopped,
                    closedAtEnd,
                    startFailed,
                    stopFailed);
        }
    }

    /** Ends the timetable, stops the recordings still running and waits for their post-event tails to end. */
    Counts stopAndClose() {
        closing = true;
        for (Thread t : threads) {
            try {
                t.join(60_000); // a gesture under way finishes first (at most ~35 s)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int closed = 0;
        if (!demo.isAlive())
            return new Counts(
                    started.get(), startFailed.get(), stopped.get(), stopFailed.get(), 0, List.copyOf(problems));
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            try {
                if (demo.unitState(id).equals("RECORDING")) {
                    stopRecording(i, id);
                    closed++;
                    stopped.decrementAndGet(); // counted as closed at the end, not in the cycle
                }
            } catch (Exception e) {
                problem("%s at the end: %s", id, e);
            }
        }
        for (String id : ids) {
            try {
                String s = waitState(id, x -> !x.equals("RECORDING") && !x.equals("POST_EVENT"), 60_000);
                if (s.equals("RECORDING") || s.equals("POST_EVENT"))
                    problem("%s at the end: still %s after 60 s", id, s);
            } catch (Exception e) {
                problem("%s at the end: %s", id, e);
            }
        }
        return new Counts(
                started.get(), startFailed.get(), stopped.get(), stopFailed.get(), closed, List.copyOf(problems));
    }

    private String now() {
        return SoakBench.clock(System.nanoTime() - t0);
    }

    private void problem(String f, Object... a) {
        String s = String.format(Locale.ROOT, f, a);
        problems.add(s);
        bench.say("  %s", s);
    }
}
