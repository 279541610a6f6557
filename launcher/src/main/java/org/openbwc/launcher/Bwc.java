package org.openbwc.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bwc} command line: entry point for the demo, the device, the gateway and config tools. */
@Command(
        name = "bwc",
        mixinStandardHelpOptions = true,
        versionProvider = BwcVersion.Provider.class,
        description = "Open body-worn camera platform.",
        subcommands = {
            DemoCommand.class,
            DeviceCommand.class,
            GatewayCommand.class,
            PkiCommand.class,
            AgencyCommand.class,
            ConfigCommand.class,
            EvidenceCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Bwc implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Bwc());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("bwc: " + UserFacingException.messageOf(ex)));
            org.tinylog.Logger.debug(ex, "command failed");
            return UserFacingException.exitCodeOf(ex);
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
