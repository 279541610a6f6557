package org.openbwc.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openbwc.device.DataFolder;
import org.openbwc.device.evidence.DeviceKey;
import org.openbwc.device.evidence.EvidenceExporter;
import org.openbwc.device.evidence.EvidenceVerifier;
import org.openbwc.device.evidence.VerificationResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bwc evidence verify|export}: check a recording's hashes, chain and signature, or turn it into one MP4. */
@Command(
        name = "evidence",
        mixinStandardHelpOptions = true,
        description = "Verify or export a recording folder (" + DataFolder.EVIDENCE + "/<recordingId>/).",
        subcommands = {EvidenceCommand.Verify.class, EvidenceCommand.Export.class})
final class EvidenceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path recordingDir(CommandLine cl, Path dir) {
        if (!Files.isDirectory(dir))
            throw new CommandLine.ParameterException(
                    cl, dir + " is not a folder (expected " + DataFolder.EVIDENCE + "/<recordingId>/)");
        return dir;
    }

    /** Every hash, the chain and the signature; exit 0 with a summary or 1 naming the first problem. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check every segment and fragment hash, the hash chain, and the manifest's Ed25519 signature.",
                "Exit 0 with a one-line summary, or exit 1 naming the first bad segment or field."
            })
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "A recording folder.")
        Path dir;

        @Option(
                names = "--key",
                paramLabel = "PEM",
                description = "The unit's public key file (" + DeviceKey.PUBLIC_KEY_FILE + "): "
                        + "also require the recording to be signed by exactly this key.")
        Path key;

        @Override
        public Integer call() throws IOException {
            Optional<PublicKey> expected = key == null ? Optional.empty() : Optional.of(readPublicKeyPem(key));
            VerificationResult r = new EvidenceVerifier().verify(recordingDir(spec.commandLine(), dir), expected);
            if (r.ok()) {
                spec.commandLine().getOut().println(r.message());
                return 0;
            }
            spec.commandLine().getErr().println(r.message());
            return 1;
        }
    }

    /** Reads a PEM "PUBLIC KEY" block (the unit's device-key.pub.pem). */
    static PublicKey readPublicKeyPem(Path pem) throws IOException {
        String text = Files.readString(pem);
        String base64 = text.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return DeviceKey.publicKeyFromBase64(base64);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException(pem + " is not an Ed25519 public key in PEM form: " + e.getMessage(), 2, e);
        }
    }

    /** One ordinary MP4 of the whole recording, without re-encoding. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description =
                    "Remux a recording into one MP4 (no re-encode) that any player and browser can open. Verifies it first.")
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "A recording folder.")
        Path dir;

        @Parameters(index = "1", paramLabel = "OUT.mp4", description = "The file to write.")
        Path out;

        @Override
        public Integer call() throws IOException {
            VerificationResult r =
                    new EvidenceVerifier().verify(recordingDir(spec.commandLine(), dir), Optional.empty());
            if (!r.ok()) {
                spec.commandLine().getErr().println("not exporting: " + r.message());
                return 1;
            }
            EvidenceExporter.Exported e = new EvidenceExporter().export(dir, out);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s: %d fragments, %.1f s, %d bytes (%s)%n",
                            e.file(), e.fragmentCount(), e.durationMicros() / 1e6, e.bytes(), e.format());
            return 0;
        }
    }
}
