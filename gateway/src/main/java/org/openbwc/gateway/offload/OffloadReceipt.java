package org.openbwc.gateway.offload;

/**
 * The store's answer for a whole recording: stored and verified, with the chain head it checked, so the unit frees
 * space only for a recording whose every fragment the agency holds.
 *
 * @param state {@code stored} (the only state a receipt is given for)
 * @param chainHead the manifest's hash-chain head the store verified; the unit compares it with its own
 * @param bytes bytes the recording takes in the store
 */
public record OffloadReceipt(
        String recordingId, String unitId, String state, boolean verified, String chainHead, long bytes) {}
