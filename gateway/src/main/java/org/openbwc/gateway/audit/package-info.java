/** The audit log: who did what in the monitoring room, one hash-chained JSON line per action. */
package org.openbwc.gateway.audit;
