package org.openbwc.gateway.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson mapper of the gateway's HTTP API, event stream and audit log. It renders the wire contract's records
 * exactly as {@link org.openbwc.protocol.WireCodec} puts them on MQTT (ISO-8601 times, nulls written, event types by
 * wire name), so a payload reads the same in the browser as on the broker; {@code HttpJsonTest} holds the two to that.
 */
public final class HttpJson {
    private HttpJson() {}

    /** A new mapper; they are thread-safe once configured, so the gateway makes one and shares it. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }
}
