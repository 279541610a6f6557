package org.openbwc.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JDK's {@code jcmd} against the demo: heap after a full collection, class histograms, thread dumps, NMT. */
final class Jcmd {
    private Jcmd() {}

    /** Heap used and committed (KiB) right after a full collection. */
    record Heap(long usedKib, long committedKib) {}

    /** A generation's line of {@code GC.heap_info}: "DefNew total 25984K, used 9101K", "Tenured total ...". */
    private static final Pattern GENERATION = Pattern.compile("^\\s*\\S.*?\\s+total (\\d+)K, used (\\d+)K");

    /** {@code GC.run}, then {@code GC.heap_info}; null if jcmd failed (the sample is taken without it). */
    static Heap heapAfterGc(SoakBench b, long pid) {
        if (run(b, pid, "GC.run") == null) return null;
        String info = run(b, pid, "GC.heap_info");
        return info == null ? null : parseHeap(info);
    }

    static Heap parseHeap(String heapInfo) {
        long used = 0, committed = 0;
        boolean any = false;
        for (String line : heapInfo.lines().toList()) {
            Matcher m = GENERATION.matcher(line);
            if (m.find()) {
                committed += Long.parseLong(m.group(1));
                used += Long.parseLong(m.group(2));
                any = true;
            }
        }
        return any ? new Heap(used, committed) : null;
    }

    /** The command's output, or null (and a note on the console) if it failed. */
    static String run(SoakBench b, long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of(b.jcmd, Long.toString(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                b.say("jcmd %s: no answer in 120 s", String.join(" ", command));
                return null;
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                b.say("jcmd %s: exit %d: %s", String.join(" ", command), p.exitValue(), text.strip());
                return null;
            }
            return text;
        } catch (IOException e) {
            b.say("jcmd %s: %s", String.join(" ", command), e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
