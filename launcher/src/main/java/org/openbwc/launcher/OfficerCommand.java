package org.openbwc.launcher;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bwc gateway officer add|update|remove|list}, {@code bwc gateway assign UNIT OFFICER} and
 * {@code bwc gateway unassign UNIT}: the officer directory and the check-out of units, through a running gateway's API
 * (signed in as a supervisor or admin), so they work while the gateway runs and reach the units at once.
 */
@Command(
        name = "officer",
        mixinStandardHelpOptions = true,
        description = "Manage the officer directory of a running gateway (id, name, callsign).",
        subcommands = {
            OfficerCommand.Add.class,
            OfficerCommand.Update.class,
            OfficerCommand.Remove.class,
            OfficerCommand.ListAll.class
        })
public final class OfficerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static final String ROW = "%-20s %-16s %-32s %s%n";

    /** Exit 0 for a 2xx answer; else the gateway's words on stderr and exit 1. */
    static GatewayApi.Reply check(GatewayApi.Reply r, String what) {
        if (r.status() / 100 != 2) throw new UserFacingException(what + ": " + r.error(), 1);
        return r;
    }

    @SuppressWarnings("unchecked")
    static String delivery(GatewayApi.Reply r) {
        if (!(r.json() instanceof Map<?, ?> m) || !(m.get("delivery") instanceof Map<?, ?> d)) return "";
        String outcome = GatewayApi.text(d.get("outcome"));
        String message = GatewayApi.text(d.get("message"));
        return switch (outcome) {
            case "applied" -> "the unit confirmed" + (message.isEmpty() ? "" : " (" + message + ")");
            default -> message;
        };
    }

    /** {@code bwc gateway officer add ID --name N --callsign C}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an officer to the directory.")
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        GatewayApi.Target target = new GatewayApi.Target();

        @Parameters(paramLabel = "ID", description = "1..40 letters, digits or ._#/+- (burned into the video).")
        String id;

        @Option(names = "--name", paramLabel = "NAME", description = "Full name, up to 80 characters.")
        String name = "";

        @Option(names = "--callsign", paramLabel = "CALLSIGN", description = "Radio callsign, up to 16 characters.")
        String callsign = "";

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("name", name);
            body.put("callsign", callsign);
            check(target.signIn().send("POST", "/api/officers", body), "officer " + id + " not added");
            PrintWriter out = spec.commandLine().getOut();
            out.println("Added officer " + id + (name.isEmpty() ? "" : " (" + name + ")")
                    + (callsign.isEmpty() ? "" : ", callsign " + callsign) + ".");
            out.flush();
            return 0;
        }
    }

    /** {@code bwc gateway officer update ID --name N --callsign C}. */
    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change an officer's name and callsign.")
    static final class Update implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        GatewayApi.Target target = new GatewayApi.Target();

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--name", paramLabel = "NAME", description = "Full name, up to 80 characters.")
        String name = "";

        @Option(names = "--callsign", paramLabel = "CALLSIGN", description = "Radio callsign, up to 16 characters.")
        String callsign = "";

        @Override
        public Integer call() {
            check(
                    target.signIn().send("PUT", "/api/officers/" + id, Map.of("name", name, "callsign", callsign)),
                    "officer " + id + " not changed");
            spec.commandLine().getOut().println("Changed officer " + id + ".");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code bwc gateway officer remove ID}. */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Remove an officer from the directory (not while they carry a unit).")
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        GatewayApi.Target target = new GatewayApi.Target();

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            check(target.signIn().send("DELETE", "/api/officers/" + id, null), "officer " + id + " not removed");
            spec.commandLine().getOut().println("Removed officer " + id + ".");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code bwc gateway officer list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the officers and their units.")
    static final class ListAll implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        GatewayApi.Target target = new GatewayApi.Target();

        @Override
        public Integer call() {
            GatewayApi.Reply r = check(target.signIn().get("/api/officers"), "cannot list the officers");
            PrintWriter out = spec.commandLine().getOut();
            out.printf(ROW, "OFFICER", "CALLSIGN", "NAME", "UNIT");
            for (Map<String, Object> o : GatewayApi.list(r)) {
                String unit = GatewayApi.text(o.get("unitId"));
                out.printf(
                        ROW,
                        GatewayApi.text(o.get("id")),
                        GatewayApi.text(o.get("callsign")),
                        GatewayApi.text(o.get("name")),
                        unit.isEmpty() ? "-" : unit);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code bwc gateway assign UNIT OFFICER}: the check-out at the start of a shift. */
    @Command(
            name = "assign",
            mixinStandardHelpOptions = true,
            description = {
                "Assign an officer to a unit (the check-out at the start of a shift): the unit's status, video overlay",
                "and new recordings carry the officer at once; a unit that is offline gets it when it is back."
            })
    static final class Assign implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        GatewayApi.Target target = new GatewayApi.Target();

        @Parameters(index = "0", paramLabel = "UNIT")
        String unit;

        @Parameters(index = "1", paramLabel = "OFFICER", description = "The officer's id in the directory.")
        String officer;

        @Override
        public Integer call() {
            GatewayApi.Reply r = check(
                    target.signIn().send("PUT", "/api/units/" + unit + "/officer", Map.of("officerId", officer)),
                    "officer " + officer + " not assigned to unit " + unit);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Assigned officer " + officer + " to unit " + unit + ": " + delivery(r) + ".");
            out.flush();
            return 0;
        }
    }

    /** {@code bwc gateway unassign UNIT}. */
    @Command(
            name = "unassign",
            mixinStandardHelpOptions = true,
            description = "Unassign the officer of a unit (the check-in at the end of a shift).")
    static final class Unassign implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        GatewayApi.Target target = new GatewayApi.Target();

        @Parameters(paramLabel = "UNIT")
        String unit;

        @Override
        public Integer call() {
            GatewayApi.Reply r = check(
                    target.signIn().send("DELETE", "/api/units/" + unit + "/officer", null),
                    "unit " + unit + " not unassigned");
            Object ended = r.json() instanceof Map<?, ?> m ? m.get("ended") : null;
            String who = ended instanceof Map<?, ?> e ? " (was " + GatewayApi.text(e.get("officerId")) + ")" : "";
            PrintWriter out = spec.commandLine().getOut();
            out.println("Unassigned unit " + unit + who + ": " + delivery(r) + ".");
            out.flush();
            return 0;
        }
    }
}
