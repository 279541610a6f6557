package org.openbwc.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON encoding of the wire contract: ISO-8601 UTC times, unknown fields ignored, size and version checked. */
public final class WireCodec {
    /** Default ceiling for one payload; status and events are a few hundred bytes. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final ObjectMapper mapper;
    private final int maxBytes;

    public WireCodec() { this(DEFAULT_MAX_BYTES); }

    public WireCodec(int maxBytes) {
        if (maxBytes < 256) throw new IllegalArgumentException("maxBytes " + maxBytes + " is too small (allowed: >= 256)");
        this.maxBytes = maxBytes;
        this.mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }

    /** The mapper configured for the contract, for adapters that render payloads as JSON (e.g. an HTTP API). */
    public ObjectMapper mapper() { return mapper; }

    public byte[] encode(Payload payload) {
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + payload.getClass().getSimpleName(), e);
        }
    }

    public <T extends Payload> T decode(byte[] bytes, Class<T> type) throws MalformedPayloadException {
        String what = type.getSimpleName();
        if (bytes == null || bytes.length == 0) throw new MalformedPayloadException(what + ": empty payload", null);
        if (bytes.length > maxBytes) {
            throw new MalformedPayloadException(what + ": payload of " + bytes.length + " bytes exceeds the limit of " + maxBytes, null);
        }
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) throw new MalformedPayloadException(what + ": payload is JSON null", null);
            return value;
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedPayloadException(what + ": " + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "?" : e.getPath().getLast().getFieldName();
            String reason = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Cannot map `null`")
                    ? "field '" + field + "' is missing or null"
                    : "field '" + field + "': " + firstLine(e.getOriginalMessage());
            throw new MalformedPayloadException(what + ": " + reason, e);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException(what + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new MalformedPayloadException(what + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable JSON";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
