package org.openbwc.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.Gateway;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bwc gateway}: follows the fleet on an MQTT 5 broker (its own embedded one, or any other) and serves HTTP. */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        subcommands = {
            OperatorCommand.class,
            UnitCommand.class,
            AuditCommand.class,
            RetentionCommand.class,
            OfficerCommand.class,
            OfficerCommand.Assign.class,
            OfficerCommand.Unassign.class
        },
        description = {
            "Run the gateway: fleet registry, HTTP API and live page for the monitoring room, with an",
            "embedded MQTT 5 broker (broker.embedded: true) or against any MQTT 5 broker (mqtt.url)."
        })
public final class GatewayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Not picocli-required: `bwc gateway user|unit|audit|retention ...` have their own --config and must not need this
    // one.
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The gateway's YAML file (see config/examples/gateway.yaml); required to run the gateway.")
    Path config;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (config == null)
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
        GatewayConfig gw = Configs.loadGateway(config);
        if (gw.broker().embedded())
            PortCheck.requireFree(
                    gw.broker().host(), gw.broker().port(), "embedded MQTT broker", "broker.port in " + config + ":");
        PortCheck.requireFree(gw.http().host(), gw.http().port(), "gateway HTTP", "http.port in " + config + ":");
        PortCheck.requireFree(
                gw.http().host(), gw.http().unitPort(), "units' listener", "http.unitPort in " + config + ":");
        Gateway gateway = Gateway.start(gw);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            gateway.close();
                            stopped.countDown();
                        },
                        "bwc-gateway-shutdown"));
        spec.commandLine()
                .getOut()
                .println("Monitoring room: " + gateway.httpUrl() + "/   units' listener: " + gateway.unitsUrl());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
