/**
 * Dispatch: an operator places an incident, the online units are ranked by distance ({@link
 * org.openbwc.gateway.dispatch.CandidateRanking}), chosen units are sent the {@code dispatch} command, and each one's
 * progress (sent, delivered, acknowledged, arrived) is followed from replies and events and kept in the database
 * ({@link org.openbwc.gateway.dispatch.DispatchService}).
 */
package org.openbwc.gateway.dispatch;
