package org.openbwc.protocol;

import org.openbwc.json.JsonBinder;
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.openbwc.json.JsonWriter;

/**
 * JSON encoding of the wire contract: ISO-8601 UTC times, every field written (null where absent), unknown fields
 * ignored on reading, size and version checked. Built on the project's own small JSON binder, not a general JSON
 * library, because a unit counts every loaded class against its memory budget.
 */
public final class WireCodec {
    /** Default ceiling for one payload; status and events are a few hundred bytes. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final int maxBytes;

    public WireCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    public WireCodec(int maxBytes) {
        if (maxBytes < 256)
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is too small (allowed: >= 256)");
        this.maxBytes = maxBytes;
    }

    /** The largest payload {@link #decode} reads; a reader can refuse a bigger one before holding on to it. */
    public int maxBytes() {
        return maxBytes;
    }

    public byte[] encode(Payload payload) {
        return JsonWriter.compact(JsonBinder.toPlain(payload));
    }

    public <T extends Payload> T decode(byte[] bytes, Class<T> type) throws MalformedPayloadException {
        String what = type.getSimpleName();
        if (bytes == null || bytes.length == 0) throw new MalformedPayloadException(what + ": empty payload", null);
        if (bytes.length > maxBytes) {
            throw new MalformedPayloadException(
                    what + ": payload of " + bytes.length + " bytes exceeds the limit of " + maxBytes, null);
        }
        Object tree;
        try {
            tree = JsonReader.parse(bytes);
        } catch (JsonException e) {
            throw new MalformedPayloadException(what + ": not JSON: " + e.getMessage(), e);
        }
        if (tree == null) throw new MalformedPayloadException(what + ": payload is JSON null", null);
        try {
            return JsonBinder.bind(tree, type);
        } catch (JsonException | IllegalArgumentException | ClassCastException | NullPointerException e) {
            // Whatever a hostile payload makes the binder throw is the payload's fault, reported as such.
            throw new MalformedPayloadException(what + ": " + e.getMessage(), e);
        }
    }
}
