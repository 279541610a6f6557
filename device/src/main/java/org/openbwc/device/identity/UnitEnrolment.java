package org.openbwc.device.identity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openbwc.config.EnrolmentConfig;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.openbwc.json.JsonWriter;
import org.openbwc.pki.CertificateRequests;
import org.openbwc.pki.Fingerprints;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.KeyPairs;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;
import org.tinylog.Logger;

/**
 * A unit's first boot: makes its TLS key pair on the unit, sends a certificate request, its one-time token and its
 * Ed25519 evidence key to the gateway ({@code POST <enrolment.url>/api/enrol}, trusting only a server whose chain holds
 * the CA with the pinned fingerprint, host name checked), checks what comes back, and writes {@code unit.key} (600),
 * {@code ca.crt}, {@code agency.pub} (644, the agency key recordings are encrypted to, when the gateway sends one) and
 * {@code unit.crt} into {@code <dataDir>/keys/}. Runs on its own thread and retries with growing
 * delays while the gateway cannot be reached; a refusal is retried only after a long pause (the token file is re-read,
 * so a new token from an administrator is picked up), and a revoked unit stops trying. The unit records meanwhile;
 * its MQTT link reads the key files at each connection attempt, so it connects once they are there.
 */
public final class UnitEnrolment implements AutoCloseable {
    /** How long to wait between attempts. */
    public record Delays(Duration first, Duration max, Duration afterRefusal) {
        public static final Delays DEFAULT =
                new Delays(Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(10));
    }

    /** What one attempt came to. */
    enum Outcome {
        ENROLLED,
        /** Not reachable, or it answered with a server error: try again soon. */
        UNREACHABLE,
        /** The gateway (or what answered in its place) refused or could not be trusted: try again much later. */
        REFUSED,
        /** The gateway says the unit is revoked: never again. */
        REVOKED
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** A reply carries two certificates: a few KiB. */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    private final String unitId;
    private final String tag;
    private final EnrolmentConfig config;
    private final UnitKeyFiles files;
    private final String evidenceKeyPem;
    private final String pinnedFingerprint;
    private final Delays delays;
    private final HttpClient http;
    private final KeyPair keys;
    private final ScheduledExecutorService thread;
    private volatile boolean enrolled;
    private volatile boolean stopped;
    private Duration backoff;

    UnitEnrolment(String unitId, EnrolmentConfig config, UnitKeyFiles files, PublicKey evidenceKey, Delays delays) {
        if (!config.enabled()) throw new IllegalArgumentException("enrolment is not configured (no enrolment.url)");
        this.unitId = Objects.requireNonNull(unitId, "unitId is required");
        this.tag = "[" + unitId + "] ";
        this.config = config;
        this.files = Objects.requireNonNull(files, "files is required");
        this.evidenceKeyPem = Pem.text(Objects.requireNonNull(evidenceKey, "evidenceKey is required"));
        this.pinnedFingerprint = Fingerprints.normalise(config.caFingerprint());
        this.delays = delays;
        this.backoff = delays.first();
        this.http = HttpClient.newBuilder()
                .sslContext(TlsContexts.pinned(pinnedFingerprint))
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        // One key pair for every attempt: a retry must not leave a trail of keys, and the key never leaves the unit.
        this.keys = KeyPairs.newTlsKeyPair();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "enrolment-" + unitId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts enrolling in the background when enrolment is configured and the unit has no identity yet.
     *
     * @param evidenceKey the unit's Ed25519 evidence-signing key, which the gateway pins
     * @return the running enrolment; empty when there is nothing to do
     */
    public static Optional<UnitEnrolment> startIfNeeded(
            String unitId, EnrolmentConfig config, Path keysFolder, PublicKey evidenceKey) {
        return startIfNeeded(unitId, config, new UnitKeyFiles(keysFolder), evidenceKey, Delays.DEFAULT);
    }

    static Optional<UnitEnrolment> startIfNeeded(
            String unitId, EnrolmentConfig config, UnitKeyFiles files, PublicKey evidenceKey, Delays delays) {
        if (!config.enabled() || files.present()) return Optional.empty();
        UnitEnrolment e = new UnitEnrolment(unitId, config, files, evidenceKey, delays);
        Logger.info(
                "{}no TLS identity in {} yet: enrolling at {} (agency CA {})",
                e.tag,
                files.folder(),
                config.url(),
                e.pinnedFingerprint);
        e.schedule(Duration.ZERO);
        return Optional.of(e);
    }

    /** Whether the key files are written. */
    public boolean enrolled() {
        return enrolled;
    }

    @Override
    public void close() {
        stopped = true;
        thread.shutdownNow();
    }

    private void schedule(Duration delay) {
        if (stopped) return;
        try {
            thread.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void run() {
        Outcome outcome;
        try {
            outcome = attempt();
        } catch (RuntimeException e) {
            Logger.error(e, "{}enrolment attempt failed unexpectedly; trying again later", tag);
            outcome = Outcome.REFUSED;
        }
        switch (outcome) {
            case ENROLLED -> thread.shutdown();
            case REVOKED -> {
                Logger.error("{}the agency revoked this unit; it does not try to enrol again", tag);
                thread.shutdown();
            }
            case REFUSED -> {
                backoff = delays.first();
                Logger.info(
                        "{}next enrolment attempt in {} s",
                        tag,
                        delays.afterRefusal().toSeconds());
                schedule(delays.afterRefusal());
            }
            case UNREACHABLE -> {
                Duration wait = backoff;
                backoff = backoff.multipliedBy(2).compareTo(delays.max()) > 0 ? delays.max() : backoff.multipliedBy(2);
                Logger.debug("{}next enrolment attempt in {} ms", tag, wait.toMillis());
                schedule(wait);
            }
        }
    }

    /** One enrolment attempt; writes the key files only when everything checks out. */
    Outcome attempt() {
        if (stopped) return Outcome.REFUSED;
        Optional<String> token = readToken();
        if (token.isEmpty()) return Outcome.REFUSED;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unitId", unitId);
        body.put("token", token.get());
        body.put("csr", Pem.text(CertificateRequests.create(keys, unitId)));
        body.put("evidenceKey", evidenceKeyPem);
        URI uri = URI.create(stripSlash(config.url()) + "/api/enrol");
        HttpResponse<byte[]> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(REQUEST_TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(JsonWriter.compact(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            if (!isTlsFailure(e)) {
                Logger.info("{}gateway {} not reachable for enrolment ({}); retrying", tag, uri, rootMessage(e));
                return Outcome.UNREACHABLE;
            }
            Logger.warn(
                    "{}enrolment at {} refused by the unit: the server could not be trusted ({}); check"
                            + " enrolment.caFingerprint against `bwc pki show` and enrolment.url against the gateway's"
                            + " pki.serverHosts",
                    tag,
                    uri,
                    rootMessage(e));
            return Outcome.REFUSED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.REFUSED;
        }
        int status = response.statusCode();
        Map<String, Object> reply = parse(response.body());
        if (status != 200) {
            String reason = reply.get("error") instanceof String s ? s : "HTTP " + status;
            if (status == 409) {
                Logger.warn("{}enrolment refused by the gateway ({}): {}", tag, status, reason);
                return Outcome.REVOKED;
            }
            if (status >= 500 || status == 429) {
                Logger.info("{}gateway cannot enrol the unit now ({}): {}; retrying", tag, status, reason);
                return Outcome.UNREACHABLE;
            }
            Logger.info("{}enrolment refused by the gateway ({}): {}", tag, status, reason);
            return Outcome.REFUSED;
        }
        return store(reply);
    }

    private Outcome store(Map<String, Object> reply) {
        try {
            if (!(reply.get("certificate") instanceof String certPem) || !(reply.get("ca") instanceof String caPem)) {
                throw new IllegalArgumentException("the reply lacks \"certificate\" or \"ca\"");
            }
            List<X509Certificate> chain = Pem.parseCertificates(certPem, "the gateway's certificate");
            List<X509Certificate> cas = Pem.parseCertificates(caPem, "the gateway's CA");
            if (chain.isEmpty() || cas.isEmpty()) throw new IllegalArgumentException("no certificate in the reply");
            X509Certificate ca = cas.get(0);
            X509Certificate cert = chain.get(0);
            String caFingerprint = Fingerprints.sha256(ca);
            if (!caFingerprint.equals(pinnedFingerprint)) {
                throw new IllegalArgumentException("the CA it sent (" + caFingerprint
                        + ") is not the pinned one (enrolment.caFingerprint " + pinnedFingerprint + ")");
            }
            cert.verify(ca.getPublicKey());
            if (!cert.getPublicKey().equals(keys.getPublic())) {
                throw new IllegalArgumentException("the certificate is not for the key this unit made");
            }
            if (!Identity.of(cert).equals(Optional.of(new Identity(unitId, IdentityRole.UNIT)))) {
                throw new IllegalArgumentException("the certificate names "
                        + cert.getSubjectX500Principal().getName() + ", not this unit");
            }
            AgencyPublicKey agencyKey = null;
            if (reply.get("agencyKey") instanceof String agencyPem) {
                try {
                    agencyKey = AgencyPublicKey.fromPem(agencyPem);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("its agencyKey is not usable: " + e.getMessage(), e);
                }
            }
            Files.createDirectories(files.folder());
            Pem.writePrivateKey(files.keyFile(), keys.getPrivate());
            Pem.writeCertificates(files.caFile(), ca);
            // Before the certificate: once the unit counts as enrolled, its next recording looks for this key.
            if (agencyKey != null) {
                AgencyKeyFiles.writePublicKey(files.agencyKeyFile(), agencyKey);
                Logger.info(
                        "{}agency key {} received: recordings are encrypted to it ({})",
                        tag,
                        agencyKey.keyId(),
                        files.agencyKeyFile());
            } else {
                Logger.info(
                        "{}the gateway sent no agency key (it has no encryption.publicKey); {}",
                        tag,
                        Files.exists(files.agencyKeyFile())
                                ? "the one in " + files.agencyKeyFile() + " stays"
                                : "none written (evidence.agencyKey in the unit's config can name one)");
            }
            // The certificate last: the files count as present only once all three are there.
            Pem.writeCertificates(files.certificateFile(), cert);
            enrolled = true;
            Logger.info(
                    "{}enrolled: certificate {} from the agency CA {} until {}; evidence key {} pinned by the gateway",
                    tag,
                    cert.getSerialNumber().toString(16),
                    caFingerprint,
                    cert.getNotAfter().toInstant(),
                    reply.get("evidenceKeyFingerprint"));
            return Outcome.ENROLLED;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            Logger.warn("{}enrolment reply not accepted, nothing written: {}", tag, e.getMessage());
            return Outcome.REFUSED;
        } catch (IOException | java.io.UncheckedIOException e) {
            Logger.error("{}cannot write the unit's key files in {}: {}", tag, files.folder(), e.getMessage());
            return Outcome.REFUSED;
        }
    }

    private Optional<String> readToken() {
        Path file = Path.of(config.tokenFile());
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                Logger.warn("{}enrolment token file {} is empty", tag, file.toAbsolutePath());
                return Optional.empty();
            }
            return Optional.of(token);
        } catch (IOException e) {
            Logger.warn(
                    "{}cannot read the enrolment token file {} ({}); an administrator issues one with `bwc gateway unit"
                            + " add {}`",
                    tag,
                    file.toAbsolutePath(),
                    e.getMessage(),
                    unitId);
            return Optional.empty();
        }
    }

    private static Map<String, Object> parse(byte[] body) {
        if (body.length == 0 || body.length > MAX_REPLY_BYTES) return Map.of();
        try {
            Object tree = JsonReader.parse(body);
            if (tree instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
        } catch (JsonException e) {
            // not JSON: the status alone tells
        }
        return Map.of();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * Whether the server's certificate was not trusted (not from the pinned CA, or not for the host name): a
     * CertificateException under the handshake failure. A handshake cut short by a server that is not up is not one.
     */
    private static boolean isTlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateException) return true;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
