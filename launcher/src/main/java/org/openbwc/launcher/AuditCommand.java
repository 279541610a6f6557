package org.openbwc.launcher;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.audit.AuditKeys;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.audit.AuditVerification;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bwc gateway audit verify}: checks the audit log's keyed chain and signed checkpoints. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Check the monitoring room's audit log (<dataDir>/audit.log).",
        subcommands = AuditCommand.Verify.class)
public final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code bwc gateway audit verify --config gateway.yaml}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Verify every line of the audit log: its chain (HMAC-SHA256 with <dataDir>/keys/audit.key; plain",
                "SHA-256 before the log was keyed), its sequence numbers and its checkpoints' Ed25519 signatures.",
                "Exit 0 when intact, 1 naming the first line that is not."
            })
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The gateway's YAML file.")
        Path config;

        @Option(
                names = "--public-key",
                paramLabel = "FILE",
                description = "The checkpoints' public key, e.g. a copy kept off the gateway"
                        + " (default: <dataDir>/keys/audit-signing.pub).")
        Path publicKey;

        @Override
        public Integer call() {
            GatewayConfig gw = Configs.loadGateway(config);
            Path log = Path.of(gw.dataDir()).resolve("audit.log");
            Path keys = gw.keysDir();
            if (!Files.exists(log)) throw new UserFacingException("no audit log at " + log.toAbsolutePath(), 2);
            if (!Files.exists(keys.resolve(AuditKeys.MAC_KEY_FILE)))
                throw new UserFacingException(
                        "no audit key at "
                                + keys.resolve(AuditKeys.MAC_KEY_FILE).toAbsolutePath(),
                        2);
            AuditVerification v;
            try {
                v = AuditLog.verify(
                        log,
                        AuditKeys.readMacKey(keys),
                        publicKey == null ? AuditKeys.readPublicKey(keys) : AuditKeys.readPublicKeyFile(publicKey));
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new UserFacingException(e.getMessage(), 2, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            String counts = v.entries() + " entries (" + v.unkeyedEntries() + " from before the log was keyed), "
                    + v.checkpoints() + " signed checkpoints"
                    + (v.tornLines() > 0 ? ", " + v.tornLines() + " torn lines from power cuts" : "")
                    + (v.lastCheckpointAt() == null
                            ? ""
                            : ", the last at seq " + v.lastCheckpointSeq() + " (" + v.lastCheckpointAt() + ")");
            if (v.intact()) {
                out.println("Audit log " + log.toAbsolutePath() + " is intact: " + counts + ", last seq " + v.lastSeq()
                        + ".");
                out.flush();
                return 0;
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println("Audit log " + log.toAbsolutePath() + " is NOT intact: " + v.problem()
                    + ". Verified before it: " + counts + ", up to seq " + v.lastSeq() + ".");
            err.flush();
            return 1;
        }
    }
}
