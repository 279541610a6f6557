/**
 * The gateway's side of the evidence index: the database it opens, the recordings its units report into it, and
 * retention (the configured categories and the daily sweep).
 */
package org.openbwc.gateway.evidence;
