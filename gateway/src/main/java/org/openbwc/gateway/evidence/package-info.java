/** The gateway's side of the evidence index: the database it opens, and the recordings its units report into it. */
package org.openbwc.gateway.evidence;
