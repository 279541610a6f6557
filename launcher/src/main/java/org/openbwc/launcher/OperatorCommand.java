package org.openbwc.launcher;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.auth.Operator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.PasswordHasher;
import org.openbwc.gateway.auth.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bwc gateway user add|remove|list}: the monitoring room's operator accounts, in the file the config names. */
@Command(
        name = "user",
        mixinStandardHelpOptions = true,
        description = "Manage the operators who may sign in to the monitoring room (kept in auth.usersFile).",
        subcommands = {OperatorCommand.Add.class, OperatorCommand.Remove.class, OperatorCommand.ListAll.class})
public final class OperatorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every user subcommand needs. */
    static final class Target {
        @Option(
                names = "--config",
                required = true,
                paramLabel = "FILE",
                description =
                        "The gateway's YAML file; its auth.usersFile (default: users.yaml in dataDir) is changed.")
        Path config;

        OperatorDirectory directory() {
            GatewayConfig gw = Configs.loadGateway(config);
            try {
                return OperatorDirectory.open(gw.usersFile());
            } catch (IllegalArgumentException e) {
                throw new UserFacingException(e.getMessage(), 2, e);
            }
        }
    }

    /** {@code bwc gateway user add NAME --role R}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Add an operator; prompts for the password twice (or reads one line with --password-stdin).")
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Parameters(paramLabel = "NAME", description = "User name: " + Operator.NAME_RULE + ".")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, supervisor or admin.")
        String role;

        @Option(
                names = "--password-stdin",
                description = "Read the password from the first line of standard input (scripts).")
        boolean passwordStdin;

        @Option(names = "--replace", description = "Replace an existing account's password and role.")
        boolean replace;

        @Override
        public Integer call() {
            try {
                Operator.checkName(name);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Role r;
            try {
                r = Role.fromWire(role);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--role: " + e.getMessage());
            }
            OperatorDirectory directory = target.directory();
            if (!replace && directory.find(name).isPresent()) {
                throw new UserFacingException(
                        "user '" + name + "' already exists in " + directory.file()
                                + "; use --replace to set a new password and role",
                        1);
            }
            String password = passwordStdin ? readStdinLine() : prompt(name);
            try {
                directory.add(new Operator(name, r, new PasswordHasher().hash(password), Instant.now()), replace);
            } catch (IllegalArgumentException e) {
                throw new UserFacingException(e.getMessage(), 1, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println((replace ? "Set" : "Added") + " operator " + name + " (" + r.wire() + ") in " + directory.file()
                    + "; a running gateway picks it up at the next sign-in.");
            out.flush();
            return 0;
        }

        private static String prompt(String name) {
            Console console = System.console();
            if (console == null) {
                throw new UserFacingException(
                        "no terminal to ask for the password; pipe it in with --password-stdin", 2);
            }
            char[] first =
                    console.readPassword("Password for %s (at least %d characters): ", name, PasswordHasher.MIN_LENGTH);
            char[] second = console.readPassword("Repeat the password: ");
            if (first == null || second == null) throw new UserFacingException("no password given; nothing changed", 1);
            try {
                if (!Arrays.equals(first, second))
                    throw new UserFacingException("the two passwords differ; nothing changed", 1);
                String password = new String(first);
                checkRules(password);
                return password;
            } finally {
                Arrays.fill(first, '\0');
                Arrays.fill(second, '\0');
            }
        }

        private static String readStdinLine() {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null)
                    throw new UserFacingException("--password-stdin: standard input is empty; nothing changed", 1);
                checkRules(line);
                return line;
            } catch (IOException e) {
                throw new UserFacingException("--password-stdin: cannot read standard input: " + e.getMessage(), 1, e);
            }
        }

        private static void checkRules(String password) {
            try {
                PasswordHasher.check(password);
            } catch (IllegalArgumentException e) {
                throw new UserFacingException(e.getMessage() + "; nothing changed", 1, e);
            }
        }
    }

    /** {@code bwc gateway user remove NAME}. */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Remove an operator; their open sessions end at their next request.")
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            OperatorDirectory directory = target.directory();
            if (!directory.remove(name))
                throw new UserFacingException("no user '" + name + "' in " + directory.file(), 1);
            spec.commandLine().getOut().println("Removed operator " + name + " from " + directory.file());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code bwc gateway user list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List operators and their roles.")
    static final class ListAll implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            OperatorDirectory directory = target.directory();
            if (directory.all().isEmpty()) out.println("No operators in " + directory.file());
            for (Operator op : directory.all()) {
                out.printf(
                        "%-24s %-10s added %s%s%n",
                        op.name(), op.role().wire(), op.created(), op.disabled() ? "  DISABLED" : "");
            }
            out.flush();
            return 0;
        }
    }
}
