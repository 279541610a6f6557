package org.openbwc.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.openbwc.config.ConfigProblem;
import org.openbwc.config.ConfigSchema;
import org.openbwc.config.ConfigValidation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bwc config validate|schema}: tools for the field technician who writes unit and gateway files. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Validate config files or print their JSON Schema.",
        subcommands = {ConfigCommand.Validate.class, ConfigCommand.Schema.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Checks files and prints every problem at once. */
    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description =
                    "Check unit or gateway config files. Exit 0 when all are valid; otherwise print every problem as "
                            + "file:line key: value problem (allowed: ...) and exit 2.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(
                arity = "1..*",
                paramLabel = "FILE",
                description = "YAML files (unit: has unitId; gateway: has gatewayId).")
        List<Path> files;

        @Override
        public Integer call() {
            List<ConfigProblem> problems = ConfigValidation.validate(files);
            if (problems.isEmpty()) {
                spec.commandLine()
                        .getOut()
                        .println(files.size() == 1 ? files.get(0) + ": valid" : files.size() + " files valid");
                return 0;
            }
            problems.forEach(p -> spec.commandLine().getErr().println(p));
            return 2;
        }
    }

    /** Prints the JSON Schema an editor uses to autocomplete and flag mistakes. */
    @Command(
            name = "schema",
            mixinStandardHelpOptions = true,
            description = "Print the JSON Schema of unit or gateway files, for editors (yaml-language-server).")
    static final class Schema implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "KIND",
                description = "unit or gateway (default: ${DEFAULT-VALUE})",
                defaultValue = "unit")
        String kind;

        @Override
        public Integer call() {
            String schema = switch (kind) {
                case "unit" -> ConfigSchema.unit();
                case "gateway" -> ConfigSchema.gateway();
                default ->
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "unknown kind '" + kind + "' (allowed: unit, gateway)");
            };
            spec.commandLine().getOut().println(schema);
            return 0;
        }
    }
}
