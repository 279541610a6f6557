package org.openbwc.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openbwc.config.HalMode;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.UnitRuntime;
import org.openbwc.hal.Hardware;
import org.openbwc.hal.mock.MockHardware;
import org.openbwc.hal.pi4j.PiHardware;
import org.openbwc.launcher.sim.SimulatedUnit;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.tinylog.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bwc device}: one body camera against any MQTT 5 broker, on the board's hardware or the mock. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = {"Run one body camera unit. With --hal pi it drives the board's GPIO, PWM and I2C through Pi4J;",
                "with --hal mock it runs on this machine's emulator (add --sim-port to press its buttons in a browser)."})
public final class DeviceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The unit's YAML file (see config/examples/).")
    Path config;

    @Option(names = "--hal", paramLabel = "mock|pi", description = "Hardware layer; overrides the file's 'hal' (allowed: mock, pi).")
    String hal;

    @Option(names = "--sim-port", paramLabel = "PORT", description = "With --hal mock: serve the virtual-unit page on 127.0.0.1:PORT.")
    Integer simPort;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        UnitConfig unit = Configs.loadUnit(config);
        if (hal != null) {
            unit = unit.withHal(switch (hal) {
                case "mock" -> HalMode.MOCK;
                case "pi" -> HalMode.PI;
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--hal '" + hal + "' is invalid (allowed: mock, pi)");
            });
        }
        if (simPort != null && unit.hal() != HalMode.MOCK) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sim-port needs the mock hardware layer (--hal mock)");
        }
        return unit.hal() == HalMode.MOCK ? runMock(unit) : runPi(unit);
    }

    private int runPi(UnitConfig unit) throws Exception {
        Hardware hw = PiHardware.create(unit);
        UnitRuntime runtime = UnitRuntime.start(unit, hw, BwcVersion.version());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            try {
                hw.close();
            } catch (Exception e) {
                Logger.warn(e, "closing the hardware failed");
            }
            stopped.countDown();
        }, "bwc-device-shutdown"));
        stopped.await();
        return 0;
    }

    private int runMock(UnitConfig unit) throws Exception {
        SimulatedUnit sim = new SimulatedUnit(unit, BwcVersion.version());
        sim.powerOn();
        VirtualUnitsServer page = simPort == null ? null : VirtualUnitsServer.start(List.of(sim), DemoCommand.HOST, simPort);
        if (page != null) {
            spec.commandLine().getOut().println("Virtual unit: http://" + DemoCommand.HOST + ":" + page.port() + "/");
            spec.commandLine().getOut().flush();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (page != null) page.close();
            sim.shutdown();
            stopped.countDown();
        }, "bwc-device-shutdown"));
        stopped.await();
        return 0;
    }
}
