/**
 * Live video on demand: {@link org.openbwc.gateway.live.LiveService} asks units to stream and hands out grants, a
 * {@link org.openbwc.gateway.live.LiveRelay} fans one unit's stream out to its viewers, {@link
 * org.openbwc.gateway.live.HlsWindow} keeps the same stream as HLS. The HTTP and WebSocket ends are in {@code web}.
 */
package org.openbwc.gateway.live;
