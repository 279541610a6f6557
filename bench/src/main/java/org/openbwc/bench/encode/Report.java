package org.openbwc.bench.encode;

import static org.openbwc.bench.encode.UnitRuns.isNumber;
import static org.openbwc.bench.encode.UnitRuns.seconds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openbwc.bench.encode.Orchestrator.Row;
import org.openbwc.bench.encode.UnitRuns.UnitRun;

/** The tables at the end of a run, with PASS/FAIL per target and the list of missed targets. */
final class Report {
    private final Orchestrator bench;

    Report(Orchestrator bench) {
        this.bench = bench;
    }

    /** Other work above this many cores during a window makes the comparison unreliable on a 2-core machine. */
    static final double NOISY_CORES = 0.5;

    static boolean noisy(Measured... ms) {
        for (Measured m : ms) if (m.otherCores() > NOISY_CORES) return true;
        return false;
    }

    /** A -progress value (µs, bytes) in millions (s, MB); ffmpeg prints N/A until it knows. */
    static String millions(String value) {
        return value == null || !value.matches("\\d+")
                ? "?"
                : String.format(Locale.ROOT, "%.1f", Long.parseLong(value) / 1e6);
    }

    /**
     * The unit process's row of the full-path table, under the same targets as the full path: it is what a unit
     * runs, so the device RSS target applies to this row; the full-path child is its proxy.
     */
    void unitRow(UnitRun unit, Measured fullCli, double rssTarget, List<String> missed) {
        String name = "unit process (./bwc device, 1080p30 x264, mock HAL, MQTT)";
        Measured u = unit.m();
        Map<String, String> i = unit.info();
        if (u == null) {
            bench.say(
                    "| %s | - | - | - | - | - | - | not measured: %s | - | - |", name, i.getOrDefault("failure", "?"));
            missed.add("unit process: not measured (" + i.getOrDefault("failure", "?") + ")");
            return;
        }
        boolean byStatus = "status".equals(i.get("window"));
        boolean fpsKnown = !i.containsKey("fpsUnknown");
        boolean realtime = !fpsKnown || u.fps() >= 0.99 * 30;
        boolean cores = u.cores() <= 0.5;
        long dropped = u.droppedTotal()
                + (isNumber(i.get("droppedFragments")) ? Long.parseLong(i.get("droppedFragments")) : 0);
        boolean noDrops = dropped == 0;
        boolean rss = u.rssMib() <= rssTarget;
        String recording = i.containsKey("durationMs")
                ? String.format(
                        Locale.ROOT,
                        "%s s (%s s pre-event), %s fragments, %s segment(s), %.1f MB, verified=%s",
                        seconds(i.get("durationMs")),
                        seconds(i.get("preEventMs")),
                        i.get("fragments"),
                        i.get("segments"),
                        Long.parseLong(i.getOrDefault("bytes", "0")) / 1e6,
                        i.get("verified"))
                : "none".equals(i.get("broker")) ? "none: NO MQTT BROKER" : "none (see the unit's log)";
        String ratios = fullCli == null
                ? "-"
                : String.format(
                        Locale.ROOT,
                        "cores ratio %.2f, RSS ratio %.2f%s",
                        u.cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                        u.rssMib() / fullCli.rssMib(),
                        noisy(u, fullCli) ? " NOISY" : "");
        String fpsCell = !fpsKnown
                ? "? (no status, no final stats in the log)"
                : String.format(
                        Locale.ROOT, "%.2f %s%s", u.fps(), pf(realtime), byStatus ? "" : " (whole run, from the log)");
        String cpuCell = fpsKnown ? String.format(Locale.ROOT, "%.2f", u.cpuMsPerFrame()) : "?";
        if (!fpsKnown)
            ratios = String.format(
                    Locale.ROOT, "RSS ratio %.2f", fullCli == null ? Double.NaN : u.rssMib() / fullCli.rssMib());
        bench.say(
                "| %s | %s | %.4f %s | %s | %d %s | %s | %.1f %s | %s | %.2f%s | %s |",
                name,
                fpsCell,
                u.cores(),
                pf(cores),
                cpuCell,
                u.droppedTotal(),
                pf(noDrops),
                i.getOrDefault("droppedFragments", "-"),
                u.rssMib(),
                pf(rss),
                recording,
                u.otherCores(),
                noisy(u) ? " NOISY" : "",
                ratios);
        String note = noisy(u)
                ? String.format(Locale.ROOT, " [measured while other work used %.2f cores]", u.otherCores())
                : "";
        if (!realtime)
            missed.add(String.format(
                    Locale.ROOT, "unit process: %.2f fps, not real time (target >= 29.7)%s", u.fps(), note));
        if (!cores)
            missed.add(String.format(Locale.ROOT, "unit process: %.4f cores (target <= 0.5)%s", u.cores(), note));
        if (!noDrops) missed.add("unit process: " + dropped + " frames/fragments dropped (target 0)" + note);
        if (!rss)
            missed.add(String.format(
                    Locale.ROOT, "unit process: peak RSS %.1f MiB (target <= %.0f)", u.rssMib(), rssTarget));
        bench.say("");
        bench.say(
                "(unit process: the RSS target applies to this row, the full path above is its proxy without MQTT, config, HAL and telemetry;"
                        + " peak RSS = VmHWM just before SIGTERM, startup, recording and sealing included; RSS at the window's end %.1f MiB, before SIGTERM %.1f MiB;"
                        + " %s)",
                Long.parseLong(i.getOrDefault("rssWindowEndKib", "0")) / 1024.0,
                Long.parseLong(i.getOrDefault("rssEndKib", "0")) / 1024.0,
                byStatus
                        ? "fps from the unit's MQTT status: recording media time x 30 - dropped frames, to about one 200 ms fragment over the window"
                        : "NO RECORDING: "
                                + ("none".equals(i.get("broker"))
                                        ? "no MQTT broker was reachable"
                                        : "the unit sent no status with a recording")
                                + ", fps is the whole run's from the unit's log");
    }

    static String pf(boolean ok) {
        return ok ? "PASS" : "FAIL";
    }

    void printTables(
            List<Row> rows,
            Measured full,
            Map<String, String> sealed,
            Measured fullCli,
            UnitRun unit,
            int kbps,
            int preSeconds) {
        double fpsTarget = 0.95;
        double cpuTarget = 1.05;
        double rssTarget = 160;
        List<String> missed = new ArrayList<>();
        if (!rows.isEmpty()) {
            bench.say("");
            bench.say(
                    "## pipeline vs ffmpeg CLI (same natives, same source and settings, overlay off, audio off; RSS = VmHWM, MiB)");
            bench.say("");
            bench.say(
                    "| case | pipeline fps | CLI fps | fps ratio (>= %.2f) | pipeline CPU ms/frame | CLI CPU ms/frame | CPU ratio (<= %.2f) | pipeline RSS MiB (<= %.0f) | CLI RSS MiB | other load (cores) |",
                    fpsTarget, cpuTarget, rssTarget);
            bench.say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Row r : rows) {
                double fr = r.pipeline().fps() / r.cli().fps();
                double cr = r.pipeline().cpuMsPerFrame() / r.cli().cpuMsPerFrame();
                double rss = r.pipeline().rssMib();
                bench.say(
                        "| %s | %.2f | %.2f | %.3f %s | %.2f | %.2f | %.3f %s | %.1f %s | %.1f | %.2f / %.2f%s |",
                        r.c().name(),
                        r.pipeline().fps(),
                        r.cli().fps(),
                        fr,
                        pf(fr >= fpsTarget),
                        r.pipeline().cpuMsPerFrame(),
                        r.cli().cpuMsPerFrame(),
                        cr,
                        pf(cr <= cpuTarget),
                        rss,
                        pf(rss <= rssTarget),
                        r.cli().rssMib(),
                        r.pipeline().otherCores(),
                        r.cli().otherCores(),
                        noisy(r.pipeline(), r.cli()) ? " NOISY" : "");
                String note = noisy(r.pipeline(), r.cli())
                        ? String.format(
                                Locale.ROOT,
                                " [measured while other work used %.2f / %.2f cores]",
                                r.pipeline().otherCores(),
                                r.cli().otherCores())
                        : "";
                if (fr < fpsTarget)
                    missed.add(String.format(
                            Locale.ROOT,
                            "%s: pipeline fps %.3f x the CLI (target >= %.2f)%s",
                            r.c().name(),
                            fr,
                            fpsTarget,
                            note));
                if (cr > cpuTarget)
                    missed.add(String.format(
                            Locale.ROOT,
                            "%s: pipeline CPU per frame %.3f x the CLI (target <= %.2f)%s",
                            r.c().name(),
                            cr,
                            cpuTarget,
                            note));
                if (rss > rssTarget)
                    missed.add(String.format(
                            Locale.ROOT,
                            "%s: pipeline peak RSS %.1f MiB (target <= %.0f)",
                            r.c().name(),
                            rss,
                            rssTarget));
            }
            bench.say("");
            bench.say(
                    "(other load: CPU used on the machine by everything else during the pipeline / CLI window; the machine has %s cores;"
                            + " NOISY = more than %.2f cores of other work in either window: that comparison is not trustworthy, run it again)",
                    Runtime.getRuntime().availableProcessors(), NOISY_CORES);
        }
        if (full != null) {
            boolean realtime = full.fps() >= 0.99 * 30;
            boolean cores = full.cores() <= 0.5;
            long dropped = full.droppedTotal() + Long.parseLong(sealed.getOrDefault("droppedFragments", "0"));
            boolean noDrops = dropped == 0;
            boolean rss = full.rssMib() <= rssTarget;
            bench.say("");
            bench.say(
                    "## full device path: 1080p30 x264 veryfast, %d kb/s, overlay on, audio on, pre-event buffer %d s, evidence writer (window %.0f s)",
                    kbps, preSeconds, full.wallSeconds());
            bench.say("");
            bench.say(
                    "| case | fps (>= 29.7) | cores (<= 0.50) | CPU ms/frame | dropped frames (= 0) | writer dropped fragments | peak RSS MiB (<= %.0f) | recording | other load (cores) | pipeline / CLI (information) |",
                    rssTarget);
            bench.say("|---|---:|---:|---:|---:|---:|---:|---|---:|---|");
            // the ratios are information, not a target: the absolute targets above are what PASS/FAIL means
            String ratios = fullCli == null
                    ? "-"
                    : String.format(
                            Locale.ROOT,
                            "cores ratio %.2f, RSS ratio %.2f%s",
                            full.cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                            full.rssMib() / fullCli.rssMib(),
                            noisy(full, fullCli) ? " NOISY" : "");
            bench.say(
                    "| 1080p30 x264 full path | %.2f %s | %.4f %s | %.2f | %d %s | %s | %.1f %s | %s s, %s segment(s), %s MB, verified=%s | %.2f%s | %s |",
                    full.fps(),
                    pf(realtime),
                    full.cores(),
                    pf(cores),
                    full.cpuMsPerFrame(),
                    full.droppedTotal(),
                    pf(noDrops),
                    sealed.getOrDefault("droppedFragments", "?"),
                    full.rssMib(),
                    pf(rss),
                    sealed.containsKey("durationMs")
                            ? String.format(Locale.ROOT, "%.1f", Long.parseLong(sealed.get("durationMs")) / 1000.0)
                            : "?",
                    sealed.getOrDefault("segments", "?"),
                    sealed.containsKey("bytes")
                            ? String.format(Locale.ROOT, "%.1f", Long.parseLong(sealed.get("bytes")) / 1e6)
                            : "?",
                    sealed.getOrDefault("verified", "?"),
                    full.otherCores(),
                    noisy(full) ? " NOISY" : "",
                    ratios);
            if (fullCli != null) {
                Map<String, String> end = fullCli.last();
                bench.say(
                        "| ffmpeg CLI, same job | %.2f | %.4f | %.2f | %d | - | %.1f | %s s, %s MB written (fMP4 file, window end) | %.2f%s | reference |",
                        fullCli.fps(),
                        fullCli.cores(),
                        fullCli.cpuMsPerFrame(),
                        fullCli.droppedTotal(),
                        fullCli.rssMib(),
                        millions(end.get("out_time_us")),
                        millions(end.get("total_size")),
                        fullCli.otherCores(),
                        noisy(fullCli) ? " NOISY" : "");
            }
            String note = noisy(full)
                    ? String.format(Locale.ROOT, " [measured while other work used %.2f cores]", full.otherCores())
                    : "";
            if (!realtime)
                missed.add(String.format(
                        Locale.ROOT, "full path: %.2f fps, not real time (target >= 29.7)%s", full.fps(), note));
            if (!cores)
                missed.add(String.format(Locale.ROOT, "full path: %.4f cores (target <= 0.5)%s", full.cores(), note));
            if (!noDrops) missed.add("full path: " + dropped + " frames/fragments dropped (target 0)" + note);
            if (!rss)
                missed.add(String.format(
                        Locale.ROOT, "full path: peak RSS %.1f MiB (target <= %.0f)", full.rssMib(), rssTarget));
            if (unit != null) unitRow(unit, fullCli, rssTarget, missed);
        }
        bench.say("");
        if (missed.isEmpty()) {
            bench.say("ALL TARGETS MET");
        } else {
            bench.say("TARGETS MISSED (%d):", missed.size());
            for (String m : missed) bench.say("  - %s", m);
        }
    }
}
