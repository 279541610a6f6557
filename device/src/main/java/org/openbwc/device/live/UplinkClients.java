package org.openbwc.device.live;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openbwc.device.identity.UnitKeyFiles;
import org.tinylog.Logger;

/**
 * The HTTP clients the live uplink connects with: over {@code wss://} one that presents the unit's certificate
 * ({@link UnitKeyFiles}) and trusts only the agency CA, so the gateway knows which unit streams; over {@code ws://} a
 * plain one. Each is built on first use only (a unit nobody watches spends no memory on TLS), and the TLS client is
 * built again when the key files change, so a unit that enrols or is re-issued a certificate while running streams
 * with its new identity without a restart.
 */
public final class UplinkClients {
    private final UnitKeyFiles keys;
    private HttpClient plain;
    private HttpClient mutual;
    private List<Object> mutualStamp;

    public UplinkClients(UnitKeyFiles keys) {
        this.keys = keys;
    }

    /**
     * The client for {@code url}.
     *
     * @throws IllegalStateException naming the missing files when a wss:// URL meets a unit that is not enrolled
     */
    public synchronized HttpClient forUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("wss")) {
            if (plain == null) plain = HttpClient.newHttpClient();
            return plain;
        }
        List<Object> stamp = stamp();
        if (mutual == null || !stamp.equals(mutualStamp)) {
            if (mutual != null) Logger.info("the unit's key files changed; the live uplink uses them from now on");
            // tlsContext() says which file is missing when the unit is not enrolled.
            mutual = HttpClient.newBuilder().sslContext(keys.tlsContext()).build();
            mutualStamp = stamp;
        }
        return mutual;
    }

    /** Size and modification time of each key file: a re-issued certificate or a new CA changes at least one. */
    private List<Object> stamp() {
        List<Object> out = new ArrayList<>();
        for (Path p : List.of(keys.keyFile(), keys.certificateFile(), keys.caFile())) {
            try {
                FileTime modified = Files.getLastModifiedTime(p);
                out.add(modified);
                out.add(Files.size(p));
            } catch (IOException e) {
                out.add("missing");
            }
        }
        return out;
    }
}
