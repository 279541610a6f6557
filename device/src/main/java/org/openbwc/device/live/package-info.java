/**
 * Live video out of the unit: {@link org.openbwc.device.live.LiveUplink} pushes the encoder's fragment stream to the
 * gateway over a WebSocket, {@link org.openbwc.device.live.MediaServerPush} remuxes it to an external media server;
 * both start at the newest pre-event GOP and share {@link org.openbwc.device.live.GopDropQueue}, which drops whole
 * GOPs when the network is slower than the video.
 */
package org.openbwc.device.live;
