/**
 * Offload: recordings arriving from the units over the tus protocol on the units' listener, checked part by part
 * against the recording's signed manifest and hash journal, verified whole, then moved into the evidence store and the
 * index with their custody ({@link org.openbwc.gateway.offload.OffloadReceiver}).
 */
package org.openbwc.gateway.offload;
