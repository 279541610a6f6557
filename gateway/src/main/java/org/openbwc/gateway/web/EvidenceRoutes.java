package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.evidence.AgencyKeys;
import org.openbwc.gateway.evidence.StoredMedia;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.CustodyEntry;
import org.openbwc.store.EvidenceIndexException;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.RecordingQuery;
import org.openbwc.store.objects.EvidenceObjects;

/**
 * The recordings API the Evidence page uses: search ({@code GET /api/recordings}), one recording with its segments,
 * markers and track, its media with HTTP range requests, its custody log, an export ZIP, and (by role) category and
 * legal hold. Every view and export is written to the recording's custody log and the audit log.
 */
public final class EvidenceRoutes {
    static final int DEFAULT_LIMIT = 200;
    static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    /** A page plays a recording with many range requests: one "viewed" entry per operator and recording per window. */
    static final Duration VIEW_WINDOW = Duration.ofMinutes(10);

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Pattern NEAR = Pattern.compile("(-?\\d+(?:\\.\\d+)?),(-?\\d+(?:\\.\\d+)?),(\\d+(?:\\.\\d+)?)");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private final RecordingCatalog catalog;
    private final EvidenceObjects objects;
    private final StoredMedia media;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Replies replies;
    private final Clock clock;
    private final Predicate<String> knownCategory;
    private final Map<String, Instant> lastViewed = new ConcurrentHashMap<>();

    /**
     * @param knownCategory whether a category name is one the agency's retention policy defines
     */
    public EvidenceRoutes(
            RecordingCatalog catalog,
            EvidenceObjects objects,
            AuditLog audit,
            ObjectMapper mapper,
            Clock clock,
            Predicate<String> knownCategory,
            AgencyKeys agencyKeys) {
        this.catalog = catalog;
        this.objects = objects;
        this.media = new StoredMedia(objects, agencyKeys);
        this.audit = audit;
        this.mapper = mapper;
        this.replies = new Replies(mapper);
        this.clock = clock;
        this.knownCategory = knownCategory;
    }

    /** {@code GET /api/recordings?unit=&officer=&from=&to=&category=&near=LAT,LON,METERS&limit=}. */
    void search(Context ctx) {
        Instant to = instant(ctx, "to", clock.instant());
        Instant from = instant(ctx, "from", to.minus(DEFAULT_WINDOW));
        Double lat = null, lon = null, radius = null;
        String near = ctx.queryParam("near");
        if (near != null && !near.isBlank()) {
            Matcher m = NEAR.matcher(near.trim());
            if (!m.matches()) throw new ApiError(400, "near must be LAT,LON,METERS, e.g. 52.52,13.40,500", null);
            lat = Double.parseDouble(m.group(1));
            lon = Double.parseDouble(m.group(2));
            radius = Double.parseDouble(m.group(3));
            if (lat < -90 || lat > 90 || lon < -180 || lon > 180 || radius <= 0 || radius > 1_000_000) {
                throw new ApiError(400, "near: latitude -90..90, longitude -180..180, radius 1..1000000 m", null);
            }
        }
        int limit = ctx.queryParam("limit") == null ? DEFAULT_LIMIT : Replies.points(ctx, 10_000);
        RecordingQuery q;
        try {
            q = new RecordingQuery(
                    blankToNull(ctx.queryParam("unit")),
                    blankToNull(ctx.queryParam("officer")),
                    blankToNull(ctx.queryParam("category")),
                    from,
                    to,
                    lat,
                    lon,
                    radius,
                    limit);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage(), null);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Recording r : catalog.search(q)) out.add(summary(r));
        replies.json(ctx, 200, out);
    }

    /** The list entry of a recording, as the API documents it. */
    static Map<String, Object> summary(Recording r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("unitId", r.unitId());
        m.put("officerId", r.officerId());
        m.put("startedAt", r.startedAt());
        m.put("endedAt", r.endedAt());
        m.put("durationSeconds", r.durationMicros() == null ? null : r.durationMicros() / 1e6);
        m.put("state", r.offloadState().wireName());
        m.put("verified", r.verified());
        m.put("category", r.category());
        m.put("hold", r.legalHold());
        return m;
    }

    /** {@code GET /api/recordings/{id}}: the summary plus segments, markers, track and what the store found. */
    void recording(Context ctx) {
        IndexedRecording r = find(ctx);
        Map<String, Object> m = summary(r.recording());
        m.put("endReason", r.recording().endReason());
        m.put("verificationProblem", r.recording().verificationProblem());
        m.put("keyFingerprint", r.recording().keyFingerprint());
        m.put("bytes", r.recording().bytes());
        m.put("segments", r.segments());
        m.put("markers", r.markers());
        m.put("track", r.track());
        boolean stored = r.recording().offloadState() == OffloadState.STORED;
        StoredMedia.Encryption encryption = stored ? encryption(r) : null;
        String refusal =
                encryption == null ? null : encryption.refusal(r.recording().id());
        m.put("playable", stored && refusal == null);
        m.put("encryptedTo", encryption == null ? null : encryption.keyId());
        if (refusal != null) m.put("notPlayable", refusal);
        replies.json(ctx, 200, m);
    }

    /** {@code GET /api/recordings/{id}/custody}: the log, first entry first, and whether its chain holds. */
    void custody(Context ctx) {
        IndexedRecording r = find(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordingId", r.recording().id());
        m.put("intact", catalog.verifyCustody(r.recording().id()).ok());
        m.put("entries", entries(catalog.custody(r.recording().id())));
        replies.json(ctx, 200, m);
    }

    /**
     * {@code GET /api/recordings/{id}/media[?segment=seg-000002.mp4]}: a segment (the first by default), each playable
     * on its own, with HTTP range requests so the browser can seek.
     */
    void media(Context ctx) throws IOException {
        IndexedRecording r = stored(ctx);
        String segment = ctx.queryParam("segment");
        if (segment == null) {
            if (r.segments().isEmpty())
                throw new ApiError(404, "recording " + r.recording().id() + " has no media", null);
            segment = r.segments().getFirst().name();
        }
        String name = segment;
        long stored = r.segments().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new ApiError(404, "recording " + r.recording().id() + " has no segment " + name, null))
                .bytes();
        String refusal = encryption(r).refusal(r.recording().id());
        if (refusal != null) throw new ApiError(409, refusal, null);
        StoredMedia.Segment played =
                media.segment(r.recording().unitId(), r.recording().id(), name, stored);
        long size = played.length();
        long start = 0;
        long end = size - 1;
        String range = ctx.header("Range");
        boolean partial = false;
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                ctx.header("Content-Range", "bytes */" + size);
                throw new ApiError(416, "unsupported range " + range, null);
            }
            if (m.group(1).isEmpty()) {
                start = Math.max(0, size - Long.parseLong(m.group(2)));
            } else {
                start = Long.parseLong(m.group(1));
                if (!m.group(2).isEmpty()) end = Math.min(end, Long.parseLong(m.group(2)));
            }
            if (start >= size || start > end) {
                ctx.header("Content-Range", "bytes */" + size);
                throw new ApiError(416, "range " + range + " is outside the " + size + " bytes", null);
            }
            partial = true;
        }
        if (start == 0) viewed(ctx, r.recording().id(), name);
        long length = end - start + 1;
        ctx.status(partial ? 206 : 200);
        ctx.contentType("video/mp4");
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", "private, no-store");
        ctx.header("Content-Length", Long.toString(length));
        if (partial) ctx.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        try (OutputStream out = ctx.res().getOutputStream()) {
            played.copy(start, length, out);
        }
    }

    /** Whether a stored recording is encrypted and this gateway can decrypt it. */
    private StoredMedia.Encryption encryption(IndexedRecording r) {
        try {
            return media.encryption(r.recording().unitId(), r.recording().id());
        } catch (IOException e) {
            throw new ApiError(503, "the evidence store could not be read: " + e.getMessage(), null);
        }
    }

    /** Writes "viewed" to custody and audit at most once per operator, recording and {@link #VIEW_WINDOW}. */
    private void viewed(Context ctx, String recordingId, String segment) {
        SignedIn who = WebAccess.operator(ctx);
        Instant now = clock.instant();
        String key = who.username() + "\u0000" + recordingId;
        Instant last = lastViewed.get(key);
        if (last != null && last.plus(VIEW_WINDOW).isAfter(now)) return;
        // Entries past their window say nothing any more: drop them so the map stays the size of recent viewing.
        lastViewed.values().removeIf(t -> !t.plus(VIEW_WINDOW).isAfter(now));
        lastViewed.put(key, now);
        catalog.appendCustody(recordingId, now, who.username(), ctx.ip(), CustodyAction.VIEWED, segment);
        audit.record(who.username(), "recording.view", recordingId, "ok", Map.of("ip", ctx.ip(), "segment", segment));
    }

    /**
     * {@code POST /api/recordings/{id}/export}: a ZIP of the recording as stored (segments, journal, manifest), its
     * custody log with the entry for this export, and a report of the store's verification, for
     * {@code bwc evidence verify} to check offline.
     */
    void export(Context ctx) throws IOException {
        IndexedRecording r = stored(ctx);
        SignedIn who = WebAccess.operator(ctx);
        Recording rec = r.recording();
        StoredMedia.Encryption encryption = encryption(r);
        boolean decrypting = encryption.encrypted() && encryption.decryptable();
        catalog.appendCustody(
                rec.id(),
                clock.instant(),
                who.username(),
                ctx.ip(),
                CustodyAction.EXPORTED,
                decrypting ? "zip, media decrypted with agency key " + encryption.keyId() : "zip");
        audit.record(who.username(), "recording.export", rec.id(), "ok", Map.of("ip", ctx.ip()));
        ctx.status(200);
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + rec.id() + ".zip\"");
        ctx.header("Cache-Control", "private, no-store");
        try (ZipOutputStream zip = new ZipOutputStream(ctx.res().getOutputStream())) {
            for (EvidenceObjects.StoredFile f : objects.list(rec.unitId(), rec.id())) {
                zip.putNextEntry(new ZipEntry(rec.id() + "/" + f.name()));
                try (InputStream in = objects.open(rec.unitId(), rec.id(), f.name(), 0, f.bytes())) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
            // Evidence as stored (verifiable with no key) and, where this gateway holds the agency key, the media to
            // watch: each piece opened and checked against its signed plaintext hash on the way.
            if (decrypting) {
                var decryptor = media.decryptor(rec.unitId(), rec.id());
                for (var segment : r.segments()) {
                    zip.putNextEntry(new ZipEntry(rec.id() + "/" + EXPORT_DECRYPTED + "/" + segment.name()));
                    try (InputStream in = decryptor.plainSegment(segment.name())) {
                        in.transferTo(zip);
                    }
                    zip.closeEntry();
                }
            }
            Map<String, Object> custody = new LinkedHashMap<>();
            custody.put("recordingId", rec.id());
            custody.put("intact", catalog.verifyCustody(rec.id()).ok());
            custody.put("entries", entries(catalog.custody(rec.id())));
            zip.putNextEntry(new ZipEntry(rec.id() + "/" + EXPORT_CUSTODY));
            zip.write(mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(custody));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(rec.id() + "/" + EXPORT_REPORT));
            zip.write(report(rec, encryption).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }

    /** Names of the files an export adds beside the recording's own. */
    public static final String EXPORT_CUSTODY = "custody.json";

    public static final String EXPORT_REPORT = "verification.txt";
    /** The folder of an export holding the media decrypted, where the gateway holds the agency key. */
    public static final String EXPORT_DECRYPTED = "decrypted";

    private String report(Recording r, StoredMedia.Encryption encryption) {
        String media = !encryption.encrypted()
                ? "Media: in plaintext, as the unit recorded it"
                : encryption.decryptable()
                        ? "Media: encrypted to agency key " + encryption.keyId() + " as stored; decrypted copies in "
                                + EXPORT_DECRYPTED + "/, each piece checked against the plaintext hash the unit signed"
                        : "Media: encrypted to agency key " + encryption.keyId() + "; this gateway holds no private key"
                                + " for it: bwc evidence export --agency-key agency.key <this folder> OUT.mp4";
        return String.join(
                "\n",
                "Recording " + r.id() + " of unit " + r.unitId() + ", officer " + r.officerId(),
                "Started " + r.startedAt() + ", ended " + r.endedAt() + ", end reason " + r.endReason(),
                "Store verification: "
                        + (Boolean.TRUE.equals(r.verified())
                                ? "passed (every segment hash, the journal's chain and the manifest signature)"
                                : "FAILED: " + r.verificationProblem()),
                "Signed by the unit key " + r.keyFingerprint(),
                media,
                "Exported " + clock.instant() + " from the evidence store " + objects.describe(),
                "Check it offline: bwc evidence verify <this folder> [--key unit-key.pem]",
                "");
    }

    /** {@code PUT /api/recordings/{id}/category} with {@code {"category": "arrest"}} (null to clear). */
    void category(Context ctx) {
        IndexedRecording r = find(ctx);
        JsonNode body = JsonBodies.object(ctx, mapper, 1024, "{\"category\": \"arrest\"}");
        JsonNode c = body.get("category");
        String category = c == null || c.isNull() ? null : c.asText();
        if (category != null && (!NAME.matcher(category).matches() || !knownCategory.test(category))) {
            throw new ApiError(400, "'" + category + "' is not a category of the retention policy", null);
        }
        SignedIn who = WebAccess.operator(ctx);
        change(ctx, () -> catalog.setCategory(r.recording().id(), category, who.username(), ctx.ip()));
        audit.record(
                who.username(),
                "recording.category",
                r.recording().id(),
                "ok",
                Map.of("ip", ctx.ip(), "category", String.valueOf(category)));
        replies.json(
                ctx, 200, summary(catalog.find(r.recording().id()).orElseThrow().recording()));
    }

    /**
     * {@code POST /api/recordings/{id}/hold} to set a legal hold and {@code DELETE} to lift it, both with
     * {@code {"reason"}}: the custody log says why either way.
     */
    void hold(Context ctx, boolean set) {
        IndexedRecording r = find(ctx);
        SignedIn who = WebAccess.operator(ctx);
        JsonNode body = JsonBodies.optionalObject(ctx, mapper, 2048, "{\"reason\": \"case 2026-1234\"}");
        String reason = body != null && body.hasNonNull("reason")
                ? body.get("reason").asText().strip()
                : null;
        if (reason == null || reason.isEmpty()) {
            throw new ApiError(
                    400,
                    set ? "a legal hold needs a reason" : "lifting a legal hold needs a reason (e.g. the case closed)",
                    null);
        }
        String why = reason;
        change(ctx, () -> catalog.setLegalHold(r.recording().id(), set, who.username(), ctx.ip(), why));
        audit.record(
                who.username(),
                set ? "recording.hold" : "recording.release",
                r.recording().id(),
                "ok",
                Map.of("ip", ctx.ip(), "reason", String.valueOf(why)));
        replies.json(
                ctx, 200, summary(catalog.find(r.recording().id()).orElseThrow().recording()));
    }

    private static void change(Context ctx, Runnable change) {
        try {
            change.run();
        } catch (EvidenceIndexException e) {
            throw new ApiError(409, e.getMessage(), null);
        }
    }

    private IndexedRecording find(Context ctx) {
        String id = ctx.pathParam("id");
        return catalog.find(id).orElseThrow(() -> new ApiError(404, "no recording " + id, null));
    }

    private IndexedRecording stored(Context ctx) {
        IndexedRecording r = find(ctx);
        if (r.recording().offloadState() != OffloadState.STORED) {
            throw new ApiError(
                    409,
                    "recording " + r.recording().id() + " is "
                            + r.recording().offloadState().wireName() + ": its media is not in the store",
                    r.recording().unitId());
        }
        return r;
    }

    private static Instant instant(Context ctx, String param, Instant fallback) {
        String text = ctx.queryParam(param);
        if (text == null || text.isBlank()) return fallback;
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new ApiError(400, param + " must be an ISO-8601 UTC time, e.g. 2026-12-07T10:00:00Z", null);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Custody entries as the API and exports show them: actions by their wire names. */
    static List<Map<String, Object>> entries(List<CustodyEntry> log) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CustodyEntry e : log) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", e.seq());
            m.put("at", e.at());
            m.put("actor", e.actor());
            m.put("address", e.address());
            m.put("action", e.action().wireName());
            m.put("details", e.details());
            m.put("prevHash", e.prevHash());
            m.put("hash", e.hash());
            out.add(m);
        }
        return out;
    }
}
