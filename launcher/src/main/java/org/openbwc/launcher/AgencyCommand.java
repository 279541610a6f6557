package org.openbwc.launcher;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bwc agency keygen|show}: the agency's key pair that recordings are encrypted to (see docs/security.md). */
@Command(
        name = "agency",
        mixinStandardHelpOptions = true,
        description = "Make or show the agency's key pair: recordings are encrypted to agency.pub, and only agency.key"
                + " decrypts them.",
        subcommands = {AgencyCommand.Keygen.class, AgencyCommand.Show.class})
public final class AgencyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code bwc agency keygen --out DIR}. */
    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = "Write a new agency key pair: DIR/agency.key (private, mode 600) and DIR/agency.pub (public,"
                    + " 644). Refuses to overwrite either file.")
    static final class Keygen implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "DIR",
                description = "Folder for agency.key and agency.pub; made (mode 700) if missing.")
        Path out;

        @Override
        public Integer call() {
            AgencyKeyPair pair = AgencyKeyPair.generate();
            try {
                AgencyKeyFiles.writeNew(out, pair);
            } catch (IllegalStateException | UncheckedIOException e) {
                throw new UserFacingException(e.getMessage(), 1, e);
            }
            Path key = out.resolve(AgencyKeyFiles.PRIVATE_KEY).toAbsolutePath();
            Path pub = out.resolve(AgencyKeyFiles.PUBLIC_KEY).toAbsolutePath();
            PrintWriter o = spec.commandLine().getOut();
            o.println("New agency key pair, key id " + pair.keyId());
            o.println("  private: " + key + "   (mode 600)");
            o.println("  public:  " + pub + "   (mode 644)");
            o.println("agency.key decrypts every recording encrypted to this key. Keep it only where evidence is"
                    + " decrypted (the gateway's encryption.privateKeys, an examiner's machine), never on a unit, and"
                    + " keep an escrow copy offline (e.g. on two USB sticks in separate safes): if it is lost, so are"
                    + " the recordings.");
            o.println("Give agency.pub to the gateway (encryption.publicKey), which hands it to units at enrolment.");
            o.flush();
            return 0;
        }
    }

    /** {@code bwc agency show FILE}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print the key id and type of an agency.key or agency.pub, to tell which key is which.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "An agency.key or agency.pub (PEM).")
        Path file;

        @Override
        public Integer call() {
            String pem;
            try {
                pem = AgencyKeyFiles.read(file);
            } catch (IllegalArgumentException e) {
                throw new UserFacingException(file + ": " + e.getMessage(), 1, e);
            }
            PrintWriter o = spec.commandLine().getOut();
            // The type is chosen by the PEM label, so that a wrong file gets the message of the kind it claims to be.
            if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
                AgencyKeyPair pair = parse(() -> AgencyKeyPair.fromPem(pem));
                o.println(file + ": agency private key (X25519), key id " + pair.keyId());
                o.println("  decrypts recordings encrypted to " + pair.keyId()
                        + "; keep it where evidence is decrypted and in escrow, never on a unit");
            } else {
                AgencyPublicKey key = parse(() -> AgencyPublicKey.fromPem(pem));
                o.println(file + ": agency public key (X25519), key id " + key.keyId());
                o.println("  units encrypt recordings to it; it cannot decrypt them");
            }
            o.flush();
            return 0;
        }

        private <T> T parse(java.util.function.Supplier<T> parser) {
            try {
                return parser.get();
            } catch (IllegalArgumentException e) {
                throw new UserFacingException(file + ": " + e.getMessage(), 1, e);
            }
        }
    }
}
