package org.openbwc.device.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The unit's TLS context, made from its key files once and made again only when one of them changes (re-enrolment, a
 * technician's copy).
 *
 * <p>Making one is not free on a unit: the JDK puts the key in a PKCS#12 store whose password derivation runs twice
 * (10,000 rounds of HMAC-SHA256 each) under the unit's C1-only JIT, and a new context has an empty session cache, so
 * every connection made with it pays a full handshake. The offload asked for one per request and spent about a tenth
 * of its CPU there (bench/README.md, issue 15).
 */
public final class UnitTlsContext implements Supplier<SSLContext> {
    private final UnitKeyFiles files;
    private List<Object> madeFrom;
    private SSLContext context;

    public UnitTlsContext(UnitKeyFiles files) {
        this.files = Objects.requireNonNull(files, "files is required");
    }

    /**
     * The context for the files as they are now.
     *
     * @throws IllegalStateException naming what is missing when the unit is not enrolled
     */
    @Override
    public synchronized SSLContext get() {
        List<Object> now = stamps();
        if (context == null || !now.equals(madeFrom)) {
            context = files.tlsContext();
            madeFrom = now;
        }
        return context;
    }

    /** Each file's size, modification time and file key: a rewrite in place changes one of them. */
    private List<Object> stamps() {
        List<Object> out = new ArrayList<>();
        for (Path p : List.of(files.keyFile(), files.certificateFile(), files.caFile())) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.add(a.size());
                out.add(a.lastModifiedTime());
                out.add(a.fileKey());
            } catch (IOException e) {
                out.add(null); // missing: files.tlsContext() says so
            }
        }
        return out;
    }
}
