package org.openbwc.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The wearable's entry point, what {@code ./bwc device} starts: {@code --config FILE [--hal mock|pi] [--sim-port
 * PORT]}, run by {@link DeviceRunner} without loading the CLI framework (a unit counts every loaded class against its
 * memory budget; picocli's are about 3 MiB of it). Anything else, {@code --help} included, goes to the full command
 * line ({@link Bwc}), which prints the same help and errors as {@code bwc device} always did: in this JVM when the
 * CLI framework is on the classpath, else in a JVM of the same options on the classpath that the system property
 * {@value #CLI_CLASSPATH} names ({@code ./bwc device} runs a unit on its own dependencies only, and names bwc.jar).
 */
public final class UnitMain {
    /** System property: the full command line's classpath, for what a unit's own classpath cannot run. */
    static final String CLI_CLASSPATH = "bwc.cli.classpath";

    private UnitMain() {}

    public static void main(String[] args) {
        DeviceRunner runner = parse(args);
        if (runner == null) {
            String[] full = new String[args.length + 1];
            full[0] = "device";
            System.arraycopy(args, 0, full, 1, args.length);
            if (UnitMain.class.getClassLoader().getResource("picocli/CommandLine.class") != null) {
                Bwc.main(full);
                return;
            }
            System.exit(fullCommandLineElsewhere(args));
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

    /**
     * Runs this class again, with this JVM's options, on the full command line's classpath (which has picocli, so the
     * arguments go to {@link Bwc} there) and returns its exit code; a stop of this process stops that one too.
     */
    private static int fullCommandLineElsewhere(String[] args) {
        String classpath = System.getProperty(CLI_CLASSPATH);
        if (classpath == null || classpath.isBlank()) {
            System.err.println("bwc device: this classpath has the unit only; for --help and any form other than"
                    + " --config FILE [--hal mock|pi] [--sim-port PORT], run ./bwc device (or set -D" + CLI_CLASSPATH
                    + " to launcher/target/bwc.jar)");
            return 2;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // without the property: should that classpath lack picocli too, the second JVM says so instead of a third
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> !option.startsWith("-D" + CLI_CLASSPATH + "="))
                .forEach(command::add);
        command.addAll(List.of("-cp", classpath, UnitMain.class.getName()));
        command.addAll(List.of(args));
        try {
            Process cli = new ProcessBuilder(command).inheritIO().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(cli), "bwc-device-cli-stop"));
            return cli.waitFor();
        } catch (IOException e) {
            System.err.println("bwc device: cannot start the command line: " + UserFacingException.messageOf(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static void stop(Process cli) {
        cli.destroy();
        try {
            cli.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
