package org.openbwc.gateway.web;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.UnitLocation;

/**
 * The Jackson mapper of the gateway's HTTP API, event stream and audit log. It renders the wire contract's records
 * exactly as {@link org.openbwc.protocol.WireCodec} puts them on MQTT (ISO-8601 times, nulls written, event types by
 * wire name), so a payload reads the same in the browser as on the broker; {@code HttpJsonTest} holds the two to that.
 *
 * <p>The protocol module has no Jackson (a unit never loads it), so what its records need beyond Jackson's defaults is
 * said here, as mix-ins: annotations Jackson reads as if they were on the records themselves.
 */
public final class HttpJson {
    private HttpJson() {}

    /** A new mapper; they are thread-safe once configured, so the gateway makes one and shares it. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .addMixIn(EventType.class, EventTypeMixIn.class)
                .addMixIn(UnitLocation.class, UnitLocationMixIn.class)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }

    /** An event type is written and read by its wire name ({@code recording.started}), as {@code WireCodec} does. */
    private abstract static class EventTypeMixIn {
        @JsonValue
        abstract String wire();

        @JsonCreator
        static EventType fromWire(String wire) {
            throw new AssertionError("a mix-in only carries annotations; Jackson calls EventType.fromWire");
        }
    }

    /**
     * A location without {@code lat} or {@code lon} is rejected rather than read as 0 (as {@code WireCodec} rejects
     * it). The annotation sits where a record component's annotation lands: field, accessor, constructor parameter.
     */
    @SuppressWarnings("unused")
    private abstract static class UnitLocationMixIn {
        @JsonProperty(required = true)
        private double lat;

        @JsonProperty(required = true)
        private double lon;

        UnitLocationMixIn(
                int version,
                String unitId,
                @JsonProperty(required = true) double lat,
                @JsonProperty(required = true) double lon,
                Double accuracyMeters,
                Double altitudeMeters,
                Double speedMps,
                Double courseDegrees,
                Instant fixTime,
                long seq) {}

        @JsonProperty(required = true)
        abstract double lat();

        @JsonProperty(required = true)
        abstract double lon();
    }
}
