package org.openbwc.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.openbwc.config.HalMode;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.DataFolder;
import org.openbwc.device.UnitRuntime;
import org.openbwc.device.media.TransparentHugePages;
import org.openbwc.hal.Hardware;
import org.openbwc.hal.pi4j.PiHardware;
import org.openbwc.launcher.sim.SimulatedUnit;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.tinylog.Logger;

/**
 * Runs one unit from its configuration until the JVM is told to stop: the body of {@code bwc device}. It does not
 * touch the CLI framework, so that {@link UnitMain} can start a unit without loading it. A mistake in the options
 * (not in the file) throws {@link BadOptions}, which each entry point reports as a usage error.
 *
 * @param config the unit's YAML file
 * @param hal "mock" or "pi" to override the file's {@code hal}, or null
 * @param simPort with the mock hardware: serve the virtual-unit page on 127.0.0.1:PORT; null for none
 */
record DeviceRunner(Path config, String hal, Integer simPort) {
    DeviceRunner {
        if (config == null) throw new BadOptions("--config FILE is required");
        if (hal != null && !hal.equals("mock") && !hal.equals("pi")) {
            throw new BadOptions("--hal '" + hal + "' is invalid (allowed: mock, pi)");
        }
        if (simPort != null && (simPort < 0 || simPort > 65535)) {
            throw new BadOptions("--sim-port " + simPort + " is out of range 0..65535");
        }
    }

    /** Starts the unit and blocks until shutdown; {@code out} gets the virtual-unit page's address. */
    int run(PrintWriter out) throws Exception {
        UnitConfig unit = Configs.loadUnit(config);
        if (hal != null) unit = unit.withHal(hal.equals("mock") ? HalMode.MOCK : HalMode.PI);
        if (simPort != null && unit.hal() != HalMode.MOCK) {
            throw new BadOptions("--sim-port needs the mock hardware layer (--hal mock)");
        }
        // before the encoder allocates: its huge pages would cost the unit about 7 MiB of its memory budget
        TransparentHugePages.disableForThisProcess();
        CountDownLatch stopped = new CountDownLatch(1);
        if (unit.hal() == HalMode.MOCK) {
            SimulatedUnit sim = new SimulatedUnit(unit, BwcVersion.version());
            sim.powerOn();
            VirtualUnitsServer page =
                    simPort == null ? null : VirtualUnitsServer.start(List.of(sim), DemoCommand.HOST, simPort);
            if (page != null) {
                out.println("Virtual unit: http://" + DemoCommand.HOST + ":" + page.port() + "/");
                out.flush();
            }
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                if (page != null) page.close();
                                sim.shutdown();
                                stopped.countDown();
                            },
                            "bwc-device-shutdown"));
        } else {
            Hardware hw = PiHardware.create(unit, DataFolder.of(unit).evidence());
            UnitRuntime runtime = UnitRuntime.start(unit, hw, BwcVersion.version());
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                runtime.close();
                                try {
                                    hw.close();
                                } catch (Exception e) {
                                    Logger.warn(e, "closing the hardware failed");
                                }
                                stopped.countDown();
                            },
                            "bwc-device-shutdown"));
        }
        stopped.await();
        return 0;
    }

    /** A mistake in the command's options, as opposed to one in the file or a failure while running. */
    static final class BadOptions extends IllegalArgumentException {
        BadOptions(String message) {
            super(message);
        }
    }
}
