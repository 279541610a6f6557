package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.fleet.Admission;
import org.openbwc.gateway.offload.OffloadReceipt;
import org.openbwc.gateway.offload.OffloadReceiver;
import org.openbwc.gateway.offload.OffloadRefusedException;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;

/**
 * Offload over HTTP, on the units' listener: the tus 1.0.0 protocol (core and creation) for each file of a recording
 * ({@code POST /api/offload/uploads}, then {@code HEAD} and {@code PATCH} on the upload), and the recording's receipt
 * ({@code GET /api/offload/recordings/{id}}, {@code POST .../complete}). The caller is the unit its TLS client
 * certificate names, and only while it is admitted; it can touch only its own recordings.
 */
public final class OffloadRoutes {
    static final String TUS_VERSION = "1.0.0";
    static final String UPLOADS = "/api/offload/uploads";

    private final OffloadReceiver receiver;
    private final Admission admission;
    private final AuditLog audit;
    private final Replies replies;

    public OffloadRoutes(OffloadReceiver receiver, Admission admission, AuditLog audit, ObjectMapper mapper) {
        this.receiver = receiver;
        this.admission = admission;
        this.audit = audit;
        this.replies = new Replies(mapper);
    }

    /** {@code OPTIONS /api/offload/uploads}: what this server speaks. */
    void options(Context ctx) {
        ctx.header("Tus-Resumable", TUS_VERSION);
        ctx.header("Tus-Version", TUS_VERSION);
        ctx.header("Tus-Extension", "creation");
        ctx.status(204);
    }

    /** {@code POST /api/offload/uploads} with {@code Upload-Length} and metadata {@code recording}, {@code file}. */
    void create(Context ctx) {
        tus(ctx, () -> {
            String unit = unit(ctx);
            Map<String, String> meta = metadata(ctx.header("Upload-Metadata"));
            String recording = required(meta, "recording");
            String file = required(meta, "file");
            long length = number(ctx.header("Upload-Length"), "Upload-Length");
            long offset = receiver.create(unit, recording, file, length, ctx.ip());
            ctx.header("Location", UPLOADS + "/" + recording + "/" + file);
            ctx.header("Upload-Offset", Long.toString(offset));
            ctx.status(201);
        });
    }

    /** {@code HEAD /api/offload/uploads/{recording}/{file}}: the bytes confirmed so far. */
    void head(Context ctx) {
        tus(ctx, () -> {
            String unit = unit(ctx);
            String recording = ctx.pathParam("recording");
            String file = ctx.pathParam("file");
            long offset = receiver.offset(unit, recording, file);
            ctx.header("Upload-Offset", Long.toString(offset));
            ctx.header("Cache-Control", "no-store");
            ctx.status(200);
        });
    }

    /** {@code PATCH /api/offload/uploads/{recording}/{file}}: one part at {@code Upload-Offset}. */
    void patch(Context ctx) {
        tus(ctx, () -> {
            String unit = unit(ctx);
            String type = ctx.header("Content-Type");
            if (type == null || !type.startsWith("application/offset+octet-stream")) {
                throw new OffloadRefusedException(415, "a part must be sent as application/offset+octet-stream");
            }
            long offset = number(ctx.header("Upload-Offset"), "Upload-Offset");
            long next = receiver.append(
                    unit,
                    ctx.pathParam("recording"),
                    ctx.pathParam("file"),
                    offset,
                    ctx.req().getInputStream(),
                    ctx.ip());
            ctx.header("Upload-Offset", Long.toString(next));
            ctx.status(204);
        });
    }

    /** {@code GET /api/offload/recordings/{id}}: the receipt of a stored recording; 404 while it is not stored. */
    void receipt(Context ctx) {
        try {
            Optional<OffloadReceipt> receipt = receiver.receipt(unit(ctx), ctx.pathParam("id"));
            if (receipt.isEmpty()) throw new ApiError(404, "recording " + ctx.pathParam("id") + " is not stored", null);
            replies.json(ctx, 200, receipt.get());
        } catch (OffloadRefusedException e) {
            throw new ApiError(e.status(), e.getMessage(), null);
        }
    }

    /** {@code POST /api/offload/recordings/{id}/complete}: verify, store, index; answers with the receipt. */
    void complete(Context ctx) {
        String recording = ctx.pathParam("id");
        String unit = null;
        try {
            unit = unit(ctx);
            OffloadReceipt receipt = receiver.complete(unit, recording, ctx.ip());
            audit.record(
                    "unit:" + unit,
                    "recording.offload",
                    recording,
                    "ok",
                    Map.of("ip", ctx.ip(), "bytes", receipt.bytes()));
            replies.json(ctx, 200, receipt);
        } catch (OffloadRefusedException e) {
            if (e.status() == 422 || e.status() == 403) {
                audit.record(
                        unit == null ? "unknown" : "unit:" + unit,
                        "recording.offload",
                        recording,
                        "refused",
                        Map.of("ip", ctx.ip(), "problem", e.getMessage()));
            }
            throw new ApiError(e.status(), e.getMessage(), unit);
        } catch (IOException e) {
            throw new ApiError(
                    503, "the evidence store could not take recording " + recording + ": " + e.getMessage(), unit);
        }
    }

    /** The admitted unit the request's client certificate names. */
    private String unit(Context ctx) throws OffloadRefusedException {
        Optional<Identity> identity = ClientIdentity.of(ctx.req());
        if (identity.isEmpty() || identity.get().role() != IdentityRole.UNIT) {
            throw new OffloadRefusedException(
                    401, "offload needs the unit's TLS client certificate, on the units' listener");
        }
        String unit = identity.get().id();
        Admission.Verdict verdict = admission.verdict(unit);
        if (verdict != Admission.Verdict.ADMITTED) {
            throw new OffloadRefusedException(
                    403,
                    "unit " + unit + " is " + verdict.name().toLowerCase(java.util.Locale.ROOT)
                            + ": it may not offload");
        }
        return unit;
    }

    private interface TusStep {
        void run() throws OffloadRefusedException, IOException;
    }

    /** A tus request: the version header both ways, and refusals as the status with the reason as plain text. */
    private static void tus(Context ctx, TusStep step) {
        ctx.header("Tus-Resumable", TUS_VERSION);
        String version = ctx.header("Tus-Resumable");
        try {
            if (!TUS_VERSION.equals(version)) {
                ctx.header("Tus-Version", TUS_VERSION);
                throw new OffloadRefusedException(412, "this server speaks tus " + TUS_VERSION);
            }
            step.run();
        } catch (OffloadRefusedException e) {
            ctx.status(e.status()).contentType("text/plain; charset=utf-8").result(e.getMessage());
        } catch (IOException e) {
            ctx.status(503).contentType("text/plain; charset=utf-8").result("staging failed: " + e.getMessage());
        }
    }

    /** The tus metadata header: comma-separated {@code key base64value} pairs. */
    static Map<String, String> metadata(String header) throws OffloadRefusedException {
        Map<String, String> out = new HashMap<>();
        if (header == null || header.isBlank()) return out;
        for (String pair : header.split(",")) {
            String[] kv = pair.trim().split(" ", 2);
            if (kv[0].isEmpty()) continue;
            try {
                out.put(
                        kv[0],
                        kv.length == 2
                                ? new String(Base64.getDecoder().decode(kv[1].trim()), StandardCharsets.UTF_8)
                                : "");
            } catch (IllegalArgumentException e) {
                throw new OffloadRefusedException(400, "Upload-Metadata: '" + kv[0] + "' is not base64");
            }
        }
        return out;
    }

    private static String required(Map<String, String> meta, String key) throws OffloadRefusedException {
        String value = meta.get(key);
        if (value == null || value.isBlank()) {
            throw new OffloadRefusedException(400, "Upload-Metadata needs '" + key + "'");
        }
        return value;
    }

    private static long number(String header, String name) throws OffloadRefusedException {
        try {
            return Long.parseLong(header == null ? "" : header.trim());
        } catch (NumberFormatException e) {
            throw new OffloadRefusedException(400, name + " must be a whole number of bytes");
        }
    }
}
