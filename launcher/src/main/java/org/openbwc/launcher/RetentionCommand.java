package org.openbwc.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.evidence.EvidenceIndex;
import org.openbwc.gateway.evidence.RetentionPolicy;
import org.openbwc.gateway.evidence.RetentionSweep;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.EvidenceIndexException;
import org.openbwc.store.objects.EvidenceObjects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bwc gateway retention}: shows or runs the retention sweep the gateway runs daily, now. */
@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description = {
            "Delete the recordings whose retention period (retention.categories in the config) has run out: their",
            "files from the evidence store, then the index marks them deleted with a custody entry. Never a",
            "recording on legal hold, not stored or not verified; a store that refuses (object lock) keeps it.",
            "The gateway does this daily at retention.sweepHour; --dry-run shows what it would delete.",
            "On the embedded database (no database.url) stop the gateway first: H2 opens in one process at a time.",
            "Exit 0 when everything due was deleted (or with --dry-run), 1 when some were left (listed on",
            "stderr), 2 when the config, database or evidence store cannot be used."
        })
final class RetentionCommand implements Callable<Integer> {
    private static final String ROW = "%-28s %-16s %-14s %-7s %-22s %s%n";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The gateway's YAML file.")
    Path config;

    @Option(names = "--dry-run", description = "Print what would be deleted, one line per recording; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        GatewayConfig gw = Configs.loadGateway(config);
        RetentionPolicy policy = RetentionPolicy.of(gw.retention());
        // Whole seconds: the plan is read by people, and a period counted in days does not need more.
        Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS);
        PrintWriter out = spec.commandLine().getOut();
        EvidenceDatabase db;
        try {
            db = EvidenceDatabase.open(EvidenceIndex.databaseOf(gw));
        } catch (EvidenceIndexException | IllegalArgumentException e) {
            throw new UserFacingException(e.getMessage(), 2, e);
        }
        try (db) {
            EvidenceObjects objects;
            try {
                objects = EvidenceIndex.objectsOf(gw);
            } catch (IllegalStateException e) {
                throw new UserFacingException(e.getMessage(), 2, e);
            }
            try {
                RetentionSweep sweep = new RetentionSweep(policy, db.catalog(), objects, Clock.systemUTC());
                out.println("Retention at " + now + ": " + policy + "; store " + objects.describe());
                if (dryRun) {
                    List<RetentionSweep.Due> due = sweep.plan(now);
                    table(out, due);
                    out.println(due.size() + (due.size() == 1 ? " recording" : " recordings")
                            + " due for deletion; dry run, nothing deleted.");
                    out.flush();
                    return 0;
                }
                RetentionSweep.Result result = sweep.run(now);
                table(out, result.deleted());
                out.println(result.summary() + ".");
                out.flush();
                PrintWriter err = spec.commandLine().getErr();
                for (RetentionSweep.Problem p : result.skipped()) {
                    err.println("bwc: kept " + p.due().recordingId() + " of "
                            + p.due().unitId() + ": " + p.problem());
                }
                for (RetentionSweep.Problem p : result.failed()) {
                    err.println(
                            "bwc: " + p.due().recordingId() + " of " + p.due().unitId() + ": " + p.problem());
                }
                err.flush();
                return result.skipped().isEmpty() && result.failed().isEmpty() ? 0 : 1;
            } catch (EvidenceIndexException e) {
                throw new UserFacingException(e.getMessage(), 2, e);
            } finally {
                EvidenceIndex.closeQuietly(objects);
            }
        }
    }

    private static void table(PrintWriter out, List<RetentionSweep.Due> rows) {
        if (rows.isEmpty()) return;
        out.printf(ROW, "RECORDING", "UNIT", "CATEGORY", "PERIOD", "ENDED", "AGE");
        for (RetentionSweep.Due d : rows) {
            out.printf(
                    ROW,
                    d.recordingId(),
                    d.unitId(),
                    d.category() == null ? "-" : d.category(),
                    d.period(),
                    d.endedAt(),
                    d.age().toDays() + " days");
        }
    }
}
