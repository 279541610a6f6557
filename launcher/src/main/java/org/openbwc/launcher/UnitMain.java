package org.openbwc.launcher;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The wearable's entry point, what {@code ./bwc device} starts: {@code --config FILE [--hal mock|pi] [--sim-port
 * PORT]}, run by {@link DeviceRunner} without loading the CLI framework (a unit counts every loaded class against its
 * memory budget; picocli's are about 3 MiB of it). Anything else, {@code --help} included, goes to the full command
 * line ({@link Bwc}), which prints the same help and errors as {@code bwc device} always did.
 */
public final class UnitMain {
    private UnitMain() {}

    public static void main(String[] args) {
        DeviceRunner runner = parse(args);
        if (runner == null) {
            String[] full = new String[args.length + 1];
            full[0] = "device";
            System.arraycopy(args, 0, full, 1, args.length);
            Bwc.main(full);
            return;
        }
        int exit;
        try {
            exit = runner.run(new PrintWriter(System.out, true));
        } catch (DeviceRunner.BadOptions e) {
            System.err.println("bwc device: " + e.getMessage() + " (see ./bwc device --help)");
            exit = 2;
        } catch (Exception e) {
            // as the full command line reports a failure
            System.err.println("bwc: " + UserFacingException.messageOf(e));
            org.tinylog.Logger.debug(e, "device failed");
            exit = UserFacingException.exitCodeOf(e);
        }
        System.exit(exit);
    }

    /** The options as a runner, or null when they are not the plain form (the full command line then handles them). */
    static DeviceRunner parse(String[] args) {
        Path config = null;
        String hal = null;
        Integer simPort = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            switch (name) {
                case "--config" -> {
                    if (config != null || value.isEmpty()) return null;
                    try {
                        config = Path.of(value);
                    } catch (InvalidPathException e) {
                        return null;
                    }
                }
                case "--hal" -> {
                    if (hal != null) return null;
                    hal = value;
                }
                case "--sim-port" -> {
                    if (simPort != null || !value.matches("\\d{1,5}")) return null;
                    simPort = Integer.valueOf(value);
                }
                default -> {
                    return null;
                }
            }
        }
        if (config == null) return null;
        try {
            return new DeviceRunner(config, hal, simPort);
        } catch (DeviceRunner.BadOptions e) {
            return null;
        }
    }
}
