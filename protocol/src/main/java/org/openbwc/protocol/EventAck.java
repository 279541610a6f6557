package org.openbwc.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The gateway's receipt for events it has taken in from a unit, published QoS 1 on {@code bwc/v1/<unit>/ack/event}:
 * until it arrives, the unit keeps each event in its journal and sends it again, so "delivered" means received by
 * the agency, not merely by the broker.
 *
 * @param bootId the run that raised the events ({@link UnitEvent#bootId()})
 * @param seqs the events' numbers within that run, each acknowledged at most once per message
 */
public record EventAck(int version, String unitId, String bootId, List<Long> seqs) implements Payload {
    /** Keeps one acknowledgement well below the broker's packet limit. */
    public static final int MAX_SEQS = 1000;

    public EventAck {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        Objects.requireNonNull(bootId, "bootId is required");
        Payload.checkBootId(bootId);
        Objects.requireNonNull(seqs, "seqs is required");
        seqs = List.copyOf(seqs);
        if (seqs.isEmpty()) throw new IllegalArgumentException("seqs is empty (an acknowledgement names 1 or more)");
        if (seqs.size() > MAX_SEQS) {
            throw new IllegalArgumentException(
                    "seqs has " + seqs.size() + " entries (allowed: 1.." + MAX_SEQS + " per acknowledgement)");
        }
        for (Long seq : seqs) {
            if (seq == null || seq < 0) throw new IllegalArgumentException("seq " + seq + " is invalid (allowed: 0..)");
        }
    }
}
