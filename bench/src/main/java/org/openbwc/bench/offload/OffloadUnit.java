package org.openbwc.bench.offload;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.device.identity.UnitKeyFiles;
import org.openbwc.device.identity.UnitTlsContext;
import org.openbwc.device.offload.OffloadReceipts;
import org.openbwc.device.offload.UnitOffload;
import org.openbwc.hal.StorageReading;

/**
 * The measured unit, a JVM of its own: the device's real {@link UnitOffload} (as {@code UnitRuntime} wires it) sends
 * every sealed recording in {@code <data>/evidence} to {@code --url}, and the process exits once it holds a receipt for
 * each, printing one {@code RESULT} line: bytes sent in parts, and its CPU and wall time from the offload's start.
 *
 * <p>Usage: {@code OffloadUnit --unit ID --data DIR --url https://127.0.0.1:PORT --mbps N --part-mib N --native-cipher B}
 */
public final class OffloadUnit {
    private OffloadUnit() {}

    public static void main(String[] args) throws Exception {
        String unit = null;
        Path data = null;
        String url = null;
        int mbps = 10_000;
        int partMib = 4;
        boolean nativeCipher = true;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--unit" -> unit = args[i + 1];
                case "--data" -> data = Path.of(args[i + 1]);
                case "--url" -> url = args[i + 1];
                case "--mbps" -> mbps = Integer.parseInt(args[i + 1]);
                case "--part-mib" -> partMib = Integer.parseInt(args[i + 1]);
                case "--native-cipher" -> nativeCipher = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (unit == null || data == null || url == null) throw new IllegalArgumentException("--unit, --data, --url");
        Path evidence = data.resolve("evidence");
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(evidence, Files::isDirectory)) {
            for (Path d : dirs) ids.add(d.getFileName().toString());
        }
        OffloadReceipts receipts = new OffloadReceipts(data.resolve("offload").resolve("receipts"));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try (UnitOffload offload = new UnitOffload(
                unit,
                new OffloadConfig(OffloadWhen.ANY_LINK, url, mbps, partMib, nativeCipher),
                URI.create(url),
                new UnitTlsContext(new UnitKeyFiles(data.resolve("keys"))),
                evidence,
                data.resolve("offload"),
                () -> true,
                // Plenty of room: the bench measures sending, not freeing space.
                () -> new StorageReading(90L << 30, 100L << 30),
                10)) {
            offload.start();
            while (!ids.stream().allMatch(receipts::has)) Thread.sleep(50);
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            System.out.println("RESULT sent=" + offload.bytesSent() + " cpuNanos=" + cpu + " wallNanos=" + wall
                    + " processCpuNanos=" + os.getProcessCpuTime() + " recordings=" + ids.size() + " peakRssKiB="
                    + peakRssKiB());
        }
        System.exit(0);
    }

    /** The process's peak resident size (VmHWM), or -1 where /proc is not there. */
    static long peakRssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
