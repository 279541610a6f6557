/**
 * Offload: sending sealed recordings to the agency's evidence store over the tus protocol, on the gateway's units'
 * listener with the unit's certificate; SOS and flagged recordings first, then oldest; under a bandwidth cap; marked
 * offloaded only on the store's receipt, and space freed only from recordings with a receipt.
 */
package org.openbwc.device.offload;
