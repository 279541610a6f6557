package org.openbwc.gateway.evidence;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openbwc.config.RetentionPeriod;
import org.openbwc.store.EvidenceIndexException;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.objects.EvidenceObjects;
import org.tinylog.Logger;

/**
 * Deletes the recordings whose retention has run out: plans what is due (never anything on legal hold, not stored or
 * not verified), deletes each one's files from the evidence store and then marks it deleted in the index with its
 * custody entry; daily at the policy's sweep hour once {@link #scheduleDaily} has been called.
 */
public final class RetentionSweep {

    /**
     * At most this many recordings per sweep: the first sweep over a large backlog takes it in daily portions rather
     * than holding the database and the store for hours; the rest are due again the next day.
     */
    public static final int MAX_PER_SWEEP = 10_000;

    private final RetentionPolicy policy;
    private final RecordingCatalog catalog;
    private final EvidenceObjects objects;
    private final Clock clock;

    public RetentionSweep(RetentionPolicy policy, RecordingCatalog catalog, EvidenceObjects objects, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.objects = Objects.requireNonNull(objects, "objects");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A recording whose retention has run out.
     *
     * @param category null for a recording without one
     * @param endedAt when it ended (when it started, if no end is known): what its period counts from
     * @param age how long before the sweep it ended
     */
    public record Due(
            String recordingId, String unitId, String category, RetentionPeriod period, Instant endedAt, Duration age) {

        /** Why retention deletes it, as the custody log keeps it. */
        public String reason() {
            return (category == null ? "no category (uncategorized kept " : "category " + category + " (kept ") + period
                    + "); ended " + endedAt + ", " + age.toDays() + " days before the sweep";
        }
    }

    /**
     * What a sweep did.
     *
     * @param due what was due, oldest first
     * @param deleted what is deleted now: its files gone and the index marking it deleted
     * @param skipped recordings left as they were, with why (the evidence store refused, e.g. a WORM lock not yet
     *     expired; it changed since the plan); due again at the next sweep
     * @param failed files deleted but the index could not record it (the database failed at commit): the next sweep
     *     finds the recording still stored, finds no files and marks it
     */
    public record Result(Instant at, List<Due> due, List<Due> deleted, List<Problem> skipped, List<Problem> failed) {

        /** One line for logs and the CLI. */
        public String summary() {
            return due.size() + " due, " + deleted.size() + " deleted, " + skipped.size() + " skipped, " + failed.size()
                    + " failed";
        }
    }

    /** A recording the sweep could not delete, and why. */
    public record Problem(Due due, String problem) {}

    /** What a sweep at {@code now} would delete, oldest first; changes nothing. */
    public List<Due> plan(Instant now) {
        List<Due> due = new ArrayList<>();
        for (Recording r : catalog.expired(policy.cutoffs(now), policy.uncategorizedCutoff(now), MAX_PER_SWEEP)) {
            // The query says so already; checked again here because deleting is the one thing that cannot be undone.
            if (!deletable(r)) continue;
            Optional<RetentionPeriod> period = policy.periodOf(r.category());
            if (period.isEmpty() || period.get().isNever()) continue;
            Instant ended = r.endedAt() == null ? r.startedAt() : r.endedAt();
            due.add(new Due(r.id(), r.unitId(), r.category(), period.get(), ended, Duration.between(ended, now)));
        }
        return due;
    }

    /**
     * Deletes what {@link #plan} finds at {@code now}: for each recording its files first, then its index row is
     * marked deleted with a {@code deleted-by-retention} custody entry giving the reason, both under the recording's
     * row lock. A store that refuses (a WORM lock) leaves the recording as it was, marked nothing. One recording's
     * failure does not stop the others.
     */
    public Result run(Instant now) {
        long started = System.nanoTime();
        List<Due> due = plan(now);
        List<Due> deleted = new ArrayList<>();
        List<Problem> skipped = new ArrayList<>();
        List<Problem> failed = new ArrayList<>();
        for (Due d : due) {
            // Looked at again, as the plan may be minutes old; the lock below checks hold and state, not verification.
            if (!stillDeletable(d)) {
                skipped.add(new Problem(d, "changed since the plan (legal hold, deleted or no longer stored)"));
                continue;
            }
            // The files go under the recording's row lock (deleteByRetention): a hold asked for meanwhile waits and
            // lands after, and a store that refuses rolls everything back.
            boolean[] filesGone = new boolean[1];
            try {
                catalog.deleteByRetention(d.recordingId(), d.reason(), () -> {
                    if (!objects.delete(d.unitId(), d.recordingId())) {
                        Logger.warn(
                                "Retention: recording {} of {} had no files in {}; marking it deleted",
                                d.recordingId(),
                                d.unitId(),
                                objects.describe());
                    }
                    filesGone[0] = true;
                });
                deleted.add(d);
            } catch (IOException | RuntimeException e) {
                if (!filesGone[0] && e instanceof EvidenceIndexException) {
                    skipped.add(new Problem(d, "the index refused: " + e.getMessage()));
                } else if (!filesGone[0]) {
                    Logger.warn(
                            "Retention: the evidence store {} refused to delete recording {} of {}, left as it is: {}",
                            objects.describe(),
                            d.recordingId(),
                            d.unitId(),
                            e.getMessage());
                    skipped.add(new Problem(d, "the evidence store refused: " + e.getMessage()));
                } else {
                    Logger.error(
                            "Retention: deleted the files of recording {} of {} but the index did not record it: {}",
                            d.recordingId(),
                            d.unitId(),
                            e.getMessage());
                    failed.add(new Problem(d, "files deleted, index not marked: " + e.getMessage()));
                }
            }
        }
        Result result = new Result(now, due, deleted, skipped, failed);
        Logger.info(
                "Retention sweep: {} in {} ms ({}; store {})",
                result.summary(),
                (System.nanoTime() - started) / 1_000_000,
                policy,
                objects.describe());
        return result;
    }

    /** Whether the index still has the recording stored, verified and not on hold. */
    private boolean stillDeletable(Due d) {
        return catalog.find(d.recordingId()).map(i -> deletable(i.recording())).orElse(false);
    }

    private static boolean deletable(Recording r) {
        return r.offloadState() == OffloadState.STORED && Boolean.TRUE.equals(r.verified()) && !r.legalHold();
    }

    /**
     * Runs the sweep every day at the policy's sweep hour (UTC) on a daemon thread of its own, until closed. Each run
     * is scheduled from the clock after the one before, so a long sweep or a clock step does not make runs pile up.
     */
    public AutoCloseable scheduleDaily() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bwc-retention-sweep");
            t.setDaemon(true);
            return t;
        });
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            try {
                run(clock.instant());
            } catch (RuntimeException e) {
                // The database may be away for the night; the next day's sweep tries again.
                Logger.error(e, "Retention sweep failed");
            }
            if (!executor.isShutdown()) schedule(executor, next[0]);
        };
        schedule(executor, next[0]);
        Logger.info("Retention: a sweep daily; {}", policy);
        return executor::shutdownNow;
    }

    private void schedule(ScheduledExecutorService executor, Runnable sweep) {
        try {
            executor.schedule(
                    sweep, untilNext(clock.instant(), policy.sweepHour()).toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed while the sweep ran: nothing more to schedule.
        }
    }

    /** How long from {@code now} to the next {@code hour}:00 UTC; a full day when it is that instant now. */
    static Duration untilNext(Instant now, int hour) {
        ZonedDateTime at = now.atZone(ZoneOffset.UTC);
        ZonedDateTime next = at.toLocalDate().atTime(LocalTime.of(hour, 0)).atZone(ZoneOffset.UTC);
        if (!next.isAfter(at)) next = next.plusDays(1);
        return Duration.between(at, next);
    }
}
