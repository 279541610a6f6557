package org.openbwc.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.identity.EnrolledUnit;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.pki.AgencyCa;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bwc gateway unit add|list|revoke}: the agency's units in {@code <dataDir>/units.json}, shared with a running
 * gateway (which picks up changes within seconds).
 */
@Command(
        name = "unit",
        mixinStandardHelpOptions = true,
        description = "Enrol, list and revoke the agency's units (kept in dataDir/units.json).",
        subcommands = {UnitCommand.Add.class, UnitCommand.ListAll.class, UnitCommand.Revoke.class})
public final class UnitCommand implements Runnable {
    /** Where the add command suggests the token file goes on a unit. */
    static final String TOKEN_FILE = "/etc/bwc/enrolment.token";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every unit subcommand needs. */
    static final class Target {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The gateway's YAML file.")
        Path config;

        GatewayConfig load() {
            return Configs.loadGateway(config);
        }

        static UnitDirectory directory(GatewayConfig gw) {
            try {
                return UnitDirectory.open(Path.of(gw.dataDir()), Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new UserFacingException(e.getMessage(), 2, e);
            }
        }

        /** The enrolment service over the config's directory and CA; without a CA, tokens would be useless. */
        EnrolmentService service(GatewayConfig gw) {
            AgencyCa ca = PkiCommand.open(gw);
            return EnrolmentService.of(gw, directory(gw), ca, Clock.systemUTC());
        }
    }

    /** {@code bwc gateway unit add UNIT-ID}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Issue a one-time enrolment token (valid 24 hours) for a unit and print what to put in its config.",
                "For an enrolled unit, the token lets it enrol again with a new key."
            })
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Parameters(paramLabel = "UNIT-ID", description = "The unit's id (its unitId): 1-64 of A-Z a-z 0-9 _ -.")
        String unitId;

        @Override
        public Integer call() {
            GatewayConfig gw = target.load();
            EnrolmentService service = target.service(gw);
            UnitDirectory.IssuedToken token;
            try {
                token = service.add(unitId);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (IllegalStateException e) {
                throw new UserFacingException(e.getMessage(), 1, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Enrolment token for " + unitId + " (one enrolment, valid until " + token.expiresAt() + "):");
            out.println();
            out.println("  " + token.token());
            out.println();
            if (token.reenrolment()) {
                out.println(unitId + " is enrolled already: with this token it enrols again with a new key; its current"
                        + " certificate stays valid until you revoke it.");
            }
            out.println("Write the token into a file on the unit, readable only by the unit's user (e.g. " + TOKEN_FILE
                    + "), and set in the unit's config:");
            out.println("  enrolment:");
            out.println("    url: " + enrolmentUrl(gw));
            out.println("    tokenFile: " + TOKEN_FILE);
            out.println("    caFingerprint: \"" + service.caFingerprint().orElseThrow() + "\"");
            out.println("The token is shown only here; the gateway keeps only its hash.");
            out.flush();
            return 0;
        }

        /** The gateway's units' listener as a unit reaches it: the first server host name, on http.unitPort. */
        static String enrolmentUrl(GatewayConfig gw) {
            List<String> hosts = gw.pki().serverHostList();
            String host = hosts.isEmpty() ? gw.http().host() : hosts.get(0);
            if (host.contains(":")) host = "[" + host + "]";
            return "https://" + host + ":" + gw.http().unitPort();
        }
    }

    /** {@code bwc gateway unit list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the units: state, enrolment time, certificate serial and expiry, evidence key.")
    static final class ListAll implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            GatewayConfig gw = target.load();
            UnitDirectory directory = Target.directory(gw);
            PrintWriter out = spec.commandLine().getOut();
            List<EnrolledUnit> all = directory.all();
            if (all.isEmpty()) {
                out.println("No units in " + directory.file() + "; add one with `bwc gateway unit add UNIT-ID`");
            } else {
                out.printf(
                        "%-20s %-9s %-24s %-34s %-24s %s%n",
                        "UNIT", "STATE", "ENROLLED AT", "CERTIFICATE SERIAL", "CERTIFICATE EXPIRES", "EVIDENCE KEY");
            }
            for (EnrolledUnit u : all) {
                out.printf(
                        "%-20s %-9s %-24s %-34s %-24s %s%n",
                        u.id(),
                        u.state().wire(),
                        dash(u.enrolledAt()),
                        dash(u.certificateSerial()),
                        dash(u.certificateExpiresAt()),
                        dash(u.evidenceKeyFingerprint()));
            }
            out.flush();
            return 0;
        }

        private static String dash(Object o) {
            return o == null ? "-" : o.toString();
        }
    }

    /** {@code bwc gateway unit revoke UNIT-ID}. */
    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = {
                "Revoke a unit: a running gateway disconnects it within seconds and refuses it from then on;",
                "the CRL (dataDir/pki/crl.pem) is rewritten for external brokers. A revoked id is never readmitted."
            })
    static final class Revoke implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Parameters(paramLabel = "UNIT-ID")
        String unitId;

        @Override
        public Integer call() {
            GatewayConfig gw = target.load();
            EnrolmentService service = target.service(gw);
            EnrolledUnit u = service.revoke(unitId)
                    .orElseThrow(() -> new UserFacingException(
                            "no unit '" + unitId + "' in " + service.directory().file(), 1));
            PrintWriter out = spec.commandLine().getOut();
            out.println("Revoked " + unitId + " at " + u.revokedAt() + " ("
                    + u.serials().size()
                    + " certificates listed in " + gw.pkiDir().resolve("crl.pem") + ", valid "
                    + EnrolmentService.CRL_VALIDITY.toDays() + " days; a running gateway rewrites it at start).");
            out.println("A running gateway disconnects the unit within seconds and drops whatever it still sends.");
            out.flush();
            return 0;
        }
    }
}
