/** Alerts: raised from what units publish, kept until an operator acknowledges them. */
package org.openbwc.gateway.alerts;
