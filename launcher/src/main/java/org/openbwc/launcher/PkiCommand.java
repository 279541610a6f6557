package org.openbwc.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.openbwc.config.GatewayConfig;
import org.openbwc.pki.AgencyCa;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bwc pki init|import|show}: the agency CA in the gateway's data directory, and the fingerprint units pin. */
@Command(
        name = "pki",
        mixinStandardHelpOptions = true,
        description = "Make, import or show the agency CA that identifies gateways and units (<dataDir>/pki/).",
        subcommands = {PkiCommand.Init.class, PkiCommand.Import.class, PkiCommand.Show.class})
public final class PkiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The gateway config every pki subcommand reads. */
    static final class Target {
        @Option(
                names = "--config",
                required = true,
                paramLabel = "FILE",
                description = "The gateway's YAML file; the CA lives in its dataDir/pki.")
        Path config;

        GatewayConfig load() {
            return Configs.loadGateway(config);
        }
    }

    /** Prints what a technician compares: the fingerprint first, then subject and validity. */
    static void describe(PrintWriter out, AgencyCa ca, Path folder) {
        X509Certificate cert = ca.certificate();
        out.println("Agency CA in " + folder.toAbsolutePath());
        out.println("  fingerprint (SHA-256): " + ca.fingerprint());
        out.println("  subject:               " + cert.getSubjectX500Principal().getName());
        out.println("  valid:                 " + cert.getNotBefore().toInstant() + " to "
                + cert.getNotAfter().toInstant());
        out.println("Units pin the fingerprint in their config: enrolment.caFingerprint.");
        out.flush();
    }

    /** {@code bwc pki init}. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Make a new agency CA (EC P-256, 20 years); refuses if one exists.")
    static final class Init implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            GatewayConfig gw = target.load();
            AgencyCa ca;
            try {
                ca = AgencyCa.create(gw.pkiDir(), gw.pki().agencyName(), Clock.systemUTC());
            } catch (IllegalStateException e) {
                throw new UserFacingException(e.getMessage(), 1, e);
            }
            describe(spec.commandLine().getOut(), ca, gw.pkiDir());
            return 0;
        }
    }

    /** {@code bwc pki import --cert F --key F}. */
    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Use the agency's own CA: copy its certificate and key (PEM) into dataDir/pki.")
    static final class Import implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "The CA certificate (PEM).")
        Path cert;

        @Option(
                names = "--key",
                required = true,
                paramLabel = "FILE",
                description = "The CA's private key (PEM, unencrypted).")
        Path key;

        @Override
        public Integer call() {
            GatewayConfig gw = target.load();
            AgencyCa ca;
            try {
                ca = AgencyCa.importFrom(gw.pkiDir(), cert, key, Clock.systemUTC());
            } catch (IllegalStateException | IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new UserFacingException(e.getMessage(), 1, e);
            }
            describe(spec.commandLine().getOut(), ca, gw.pkiDir());
            return 0;
        }
    }

    /** {@code bwc pki show}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print the agency CA's fingerprint, subject and validity.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            GatewayConfig gw = target.load();
            describe(spec.commandLine().getOut(), open(gw), gw.pkiDir());
            return 0;
        }
    }

    /** The CA of a gateway's config, or a message saying how to make one. */
    static AgencyCa open(GatewayConfig gw) {
        try {
            return AgencyCa.open(gw.pkiDir(), Clock.systemUTC());
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new UserFacingException(e.getMessage(), 1, e);
        }
    }
}
