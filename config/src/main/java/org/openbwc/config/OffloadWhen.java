package org.openbwc.config;

/** When a unit sends its sealed recordings to the evidence store; written {@code docked}, {@code any-link}, {@code never}. */
public enum OffloadWhen {
    /** Only while in its dock (the agency's network, mains power): field airtime and battery are kept for live work. */
    DOCKED,
    /** Whenever the gateway is reachable. */
    ANY_LINK,
    /** Never: recordings stay on the unit until it is read out by hand. */
    NEVER
}
