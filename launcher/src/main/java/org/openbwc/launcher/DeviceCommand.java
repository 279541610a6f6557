package org.openbwc.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bwc device}: one body camera against any MQTT 5 broker, on the board's hardware or the mock ({@link UnitMain} starts the same without the CLI framework). */
@Command(
        name = "device",
        mixinStandardHelpOptions = true,
        description = {
            "Run one body camera unit. With --hal pi it drives the board's GPIO, PWM and I2C through Pi4J;",
            "with --hal mock it runs on this machine's emulator (add --sim-port to press its buttons in a browser)."
        })
public final class DeviceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The unit's YAML file (see config/examples/).")
    Path config;

    @Option(
            names = "--hal",
            paramLabel = "mock|pi",
            description = "Hardware layer; overrides the file's 'hal' (allowed: mock, pi).")
    String hal;

    @Option(
            names = "--sim-port",
            paramLabel = "PORT",
            description = "With --hal mock: serve the virtual-unit page on 127.0.0.1:PORT.")
    Integer simPort;

    @Override
    public Integer call() throws Exception {
        try {
            return new DeviceRunner(config, hal, simPort).run(spec.commandLine().getOut());
        } catch (DeviceRunner.BadOptions e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
