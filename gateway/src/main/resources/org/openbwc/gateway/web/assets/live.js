// openbwc monitoring room: live video player (ES module, served at /assets/live.js).
// Media Source Extensions fed from the gateway's WebSocket relay (HLS fallback for browsers without MSE), stays at the
// live edge, shows glass-to-glass latency, reconnects with backoff.
//
// DOM contract (for pages and automated checks):
//   div.live-view[data-unit-id][data-state]              container, created around the video if missing
//     video.live-player[data-unit-id][data-state]        state: connecting | playing | stalled | ended | error |
//                                                        offline (told by setUnitOnline(false); no requests meanwhile)
//           [data-latency-ms]                            glass-to-glass latency, integer ms (while playing)
//           [data-first-frame-ms]                        ms from attach / "Watch again" click to the first rendered frame
//           [data-viewers] [data-reconnects] [data-error] [data-end-reason]
//     div.live-overlay
//       span.live-badge[data-state][data-level]          "LIVE · 420 ms"; level good | fair | poor
//       span.live-viewers                                "2 viewers"
//       button.live-mute                                 toggles sound (the player starts muted so autoplay works)
//       div.live-message[data-kind]                      connecting / error / "stream ended: <reason>" text
//         span.live-message-text, button.live-again      "Watch again" (after end or stop()), "Try again" (after an
//                                                        error a retry may fix; none after a 403: no role to watch)
"use strict";

import { el, api, enc, setText } from "/assets/app.js";

const EDGE_MAX_S = 1.2;         // further behind the newest buffered frame than this: jump
const EDGE_TARGET_S = 0.25;     // ... to this far behind it
const CATCHUP_FROM_S = 0.6;     // between this and EDGE_MAX_S behind: play a little faster until back at the edge
const CATCHUP_UNTIL_S = 0.35;
const CATCHUP_RATE = 1.15;
// During a voice call the room must hear the officer soon: the player keeps closer to the newest buffered frame.
const CALL_EDGE = { max: 0.6, target: 0.1, from: 0.22, until: 0.12 };
const KEEP_BEHIND_S = 10;       // buffer kept behind the playhead
const TICK_MS = 250;
const REPORT_MS = 2000;         // latency report to the gateway
const STALL_MS = 1500;          // playhead did not move for this long: stalled
const SILENCE_MS = 10000;       // no media from the relay for this long: reconnect
const MAX_QUEUE = 75;           // fragments waiting for the SourceBuffer (~15 s): give up and rejoin at a keyframe
// Pauses before the next POST /api/live/{id} after trouble; an offline unit is not asked at all (setUnitOnline).
const BACKOFF_MS = [2000, 4000, 8000, 16000, 30000];

const MS = () => window.MediaSource || window.ManagedMediaSource || null;

/** How this browser can play live video: "mse", "hls" (native HLS, e.g. older iOS Safari) or null. */
export function liveSupport(video = document.createElement("video")) {
  if (MS()) return "mse";
  if (video.canPlayType && video.canPlayType("application/vnd.apple.mpegurl")) return "hls";
  return null;
}

export function liveUrl(unitId) { return "/live/" + enc(unitId); }

/**
 * Creates div.live-view > video.live-player + overlay, not yet playing. Pass {id} to give the video an id,
 * {className} for an extra class on the container.
 */
export function createLiveView(unitId, { id, className } = {}) {
  const video = el("video", { class: "live-player", id: id || null, dataset: { unitId: unitId || "" } });
  const root = el("div", { class: "live-view" + (className ? " " + className : ""), dataset: { unitId: unitId || "" } }, video);
  buildOverlay(root);
  return { root, video };
}

function buildOverlay(root) {
  let ov = root.querySelector(":scope > .live-overlay");
  if (ov) return ov;
  ov = el("div", { class: "live-overlay" },
    el("div", { class: "live-top" },
      el("span", { class: "live-badge", dataset: { state: "connecting" }, text: "CONNECTING…" }),
      el("span", { class: "live-viewers" }),
      el("button", { type: "button", class: "live-mute", title: "sound off — click to listen", text: "sound off" })),
    el("div", { class: "live-message", role: "status", "aria-live": "polite" },
      el("span", { class: "live-message-text" }),
      el("button", { type: "button", class: "live-again", hidden: true, text: "Watch again" })));
  root.append(ov);
  return ov;
}

/**
 * Plays unit `unitId` live in `video`. Returns {stop(), restart(), setUnitOnline(online), state}. Options:
 *   onState(state, {message, latencyMs, viewers})  on every state change (connecting/playing/stalled/ended/error)
 *   onLatency(ms)                                   every 250 ms while playing
 *   t0                                              performance.now() time of the user's click (default: now)
 *   online                                          false when the unit is known to be offline at attach time
 *
 * setUnitOnline(online): callers that follow the unit's status (SSE `unit` events: `online`) pass it on every
 * update. false stops every request for the unit (no POST /api/live retries against an offline unit) and shows
 * "unit offline"; true, after false, connects again at once (a stream that ended or failed meanwhile too), unless
 * the operator stopped watching. Calling it with the same value again does nothing.
 */
// Leaving the page ends every stream it watches: the gateway's audit log and idle stop must see the viewer go, also
// when the browser keeps the page in its back/forward cache.
const running = new Set();
window.addEventListener("pagehide", () => { for (const p of running) p.shutdown(); });
window.addEventListener("pageshow", e => {
  if (e.persisted) for (const p of running) if (!p.stopped && !p.unitOffline) p.restart();
});

export function attachLivePlayer(video, unitId, opts = {}) {
  const p = new LivePlayer(video, String(unitId), opts);
  running.add(p);
  if (opts.online === false) p.setUnitOnline(false);
  else p.start(opts.t0);
  return {
    stop: () => { p.stop(); running.delete(p); },
    restart: t0 => p.restart(t0),
    setUnitOnline: online => p.setUnitOnline(online),
    get state() { return p.state; },
    get latencyMs() { return p.latency; },
    /** Sends a binary message on the viewer socket (the supervisor's voice during a call); false when not open. */
    send: data => p.sendBinary(data),
    /** During a voice call: stay closer to the live edge (less delay, more risk of a stall). */
    callEdge: on => { p.callEdge = !!on; },
    video,
  };
}

/** Why POST /api/live/{id} failed, in words for the operator (the gateway's text names routes and HTTP verbs). */
function grantError(status, e) {
  if (status === 0) return "The gateway cannot be reached.";
  if (status === 404) return "The gateway does not know this unit.";
  if (status === 409) return "The unit is offline.";
  if (status === 503) return "The unit's live picture is not available right now.";
  if (status === 504) return "The unit did not start its live picture in time.";
  const msg = e && e.message ? String(e.message) : "";
  return msg && !/^HTTP /.test(msg) ? msg.charAt(0).toUpperCase() + msg.slice(1) + "." : "The live picture could not start.";
}

class LivePlayer {
  constructor(video, unitId, opts) {
    this.video = video;
    this.unitId = unitId;
    this.opts = opts;
    this.state = "";
    this.gen = 0;
    this.ws = null;
    this.abort = null;
    this.retryTimer = null;
    this.tickTimer = null;
    this.attempt = 0;
    this.reconnects = 0;
    this.latency = null;
    this.mse = null;          // { ms, sb, url, queue, pairs, haveInit, mime }
    this.hls = false;
    this.unitOffline = false; // told by setUnitOnline(false): no requests until it is back

    video.classList.add("live-player");
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("playsinline", "");
    video.disablePictureInPicture = true;
    video.dataset.unitId = unitId;

    let root = video.closest(".live-view");
    if (!root) {
      root = el("div", { class: "live-view" });
      video.replaceWith(root);
      root.append(video);
    }
    root.dataset.unitId = unitId;
    this.root = root;
    const ov = buildOverlay(root);
    this.badge = ov.querySelector(".live-badge");
    this.viewersEl = ov.querySelector(".live-viewers");
    this.msgBox = ov.querySelector(".live-message");
    this.msgText = ov.querySelector(".live-message-text");
    this.againBtn = ov.querySelector(".live-again");
    this.muteBtn = ov.querySelector(".live-mute");
    setText(this.viewersEl, "");

    this.onAgain = ev => { ev.stopPropagation(); this.restart(ev.timeStamp); };
    this.onMute = ev => {
      ev.stopPropagation();
      video.muted = !video.muted;
      if (!video.muted) video.volume = 1;
      this.renderMute();
    };
    this.againBtn.addEventListener("click", this.onAgain);
    this.muteBtn.addEventListener("click", this.onMute);
    this.renderMute();

    // first-frame fallbacks and state from the media element itself
    this.onMediaEvent = ev => this.mediaEvent(ev);
    for (const t of ["playing", "timeupdate", "waiting", "error"]) video.addEventListener(t, this.onMediaEvent);
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  start(t0) {
    this.stopped = false;
    this.ended = false;
    if (this.unitOffline) { this.showOffline(); return; }
    this.attempt = 0;
    this.t0 = typeof t0 === "number" && Number.isFinite(t0) ? t0 : performance.now();
    this.firstFrame = false;
    this.firstPlaying = 0;
    clearTimeout(this.fallbackTimer);
    this.fallbackTimer = null;
    delete this.video.dataset.firstFrameMs;
    delete this.video.dataset.endReason;
    delete this.video.dataset.error;
    this.watchFirstFrame();
    clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.lastReport = 0;
    this.connect();
  }

  sendBinary(data) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try { ws.send(data); return true; } catch (e) { return false; }
  }

  restart(t0) {
    this.shutdown();
    this.start(t0);
  }

  /** The caller's news about the unit: offline pauses every request, back online resumes (see attachLivePlayer). */
  setUnitOnline(online) {
    online = online !== false;
    if (online === !this.unitOffline && this.state) return;
    this.unitOffline = !online;
    if (this.stopped) return; // the operator stopped watching: their "Watch again" decides
    if (!online) {
      this.shutdown();
      this.ended = false;
      this.showOffline();
    } else {
      this.start();
    }
  }

  showOffline() {
    this.setState("offline", "The unit is offline; its live picture comes back when it does.", { kind: "info" });
  }

  stop() {
    if (this.stopped) return;
    this.shutdown();
    this.stopped = true;
    this.video.dataset.endReason = "stopped";
    this.setState("ended", "stopped watching", { again: true, kind: "stopped" });
  }

  /** Closes everything that runs: fetch, socket, timers, MediaSource. */
  shutdown() {
    this.gen++;
    if (this.abort) { this.abort.abort(); this.abort = null; }
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.closeSocket();
    this.teardownMedia();
    this.setLatency(null);
    this.setViewers(null);
  }

  closeSocket(code = 1000, reason = "") {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onmessage = ws.onclose = ws.onerror = ws.onopen = null;
      try { ws.close(code, reason); } catch (e) { /* already closed */ }
    }
  }

  teardownMedia() {
    const m = this.mse;
    this.mse = null;
    this.hls = false;
    if (m && m.url) URL.revokeObjectURL(m.url);
    if (m || this.video.getAttribute("src")) {
      this.video.removeAttribute("src");
      try { this.video.load(); } catch (e) { /* nothing loaded */ }
    }
  }

  // ------------------------------------------------------------------------------------------------ connecting

  async connect() {
    const gen = ++this.gen;
    this.setState("connecting", this.attempt ? "reconnecting…" : "connecting…");
    const support = liveSupport(this.video);
    if (!support) {
      this.fail("This browser cannot play live video (no Media Source Extensions and no HLS).");
      return;
    }
    const ac = new AbortController();
    this.abort = ac;
    let grant;
    try {
      // A 401 goes to the login page (api() never settles then).
      grant = await api("/api/live/" + enc(this.unitId), { method: "POST", signal: ac.signal });
    } catch (e) {
      if (gen !== this.gen || (e && e.name === "AbortError")) return;
      const status = e && e.status;
      if (status === 403) this.fail("Live video is for supervisors.", { again: false });
      else if (status === 400 || status === 404) this.fail(grantError(status, e));
      else this.retry(grantError(status, e), status === 409 || status === 503 || status === 504 ? "error" : "connecting");
      return;
    } finally {
      if (this.abort === ac) this.abort = null;
    }
    if (gen !== this.gen) return;
    if (grant && typeof grant.external === "string" && /^https?:\/\//.test(grant.external)) {
      // The fleet streams through an external media server: play its HLS where the browser can, else say where it is.
      if (this.video.canPlayType && this.video.canPlayType("application/vnd.apple.mpegurl")) {
        this.hls = true;
        this.gotStart = true;
        this.video.src = grant.external;
        this.lastData = performance.now();
        this.play();
        this.hlsGen = gen;
      } else {
        this.video.dataset.external = grant.external;
        this.fail("This unit streams through the media server: open " + grant.external + " in an HLS player (VLC, Safari).");
      }
      return;
    }
    if (!grant || typeof grant.ws !== "string" || !grant.ws.startsWith("/")) {
      this.retry("The gateway sent no stream address.");
      return;
    }
    if (support === "hls") this.playHls(grant, gen);
    else this.openSocket(grant, gen);
  }

  openSocket(grant, gen) {
    let ws;
    try {
      ws = new WebSocket(location.origin.replace(/^http/, "ws") + grant.ws);
    } catch (e) {
      this.retry("The video connection could not be opened.");
      return;
    }
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.lastData = performance.now();
    this.gotStart = false;
    ws.onmessage = ev => {
      if (this.ws !== ws || gen !== this.gen) return;
      if (typeof ev.data === "string") this.onText(ev.data);
      else this.onBinary(ev.data);
    };
    ws.onerror = () => { /* a close event follows */ };
    ws.onclose = ev => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped || this.ended || gen !== this.gen) return;
      this.retry(this.gotStart ? "The video connection was lost." : "The gateway refused the video connection" +
        (ev.code && ev.code !== 1006 ? " (" + ev.code + (ev.reason ? " " + ev.reason : "") + ")." : "."));
    };
  }

  /** Unexpected trouble: try again (new token, new socket) after a growing pause. */
  retry(message, state = "connecting") {
    if (this.stopped || this.ended || this.unitOffline) return;
    this.gen++;
    this.closeSocket();
    clearTimeout(this.retryTimer);
    const wait = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    this.setLatency(null);
    if (state === "error") this.video.dataset.error = message;
    const secs = Math.max(1, Math.round(wait / 1000));
    this.setState(state, message + " Trying again in " + secs + " s.", { kind: state === "error" ? "error" : "info" });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.reconnects++;
      this.video.dataset.reconnects = String(this.reconnects);
      this.connect();
    }, wait);
  }

  /** Trouble that a retry cannot fix (no permission, unknown unit, unsupported codec). */
  fail(message, { again = true } = {}) {
    this.shutdown();
    this.video.dataset.error = message;
    this.setState("error", message, { again, kind: "error" });
  }

  // ------------------------------------------------------------------------------------------------ relay messages

  onText(text) {
    let msg;
    try { msg = JSON.parse(text); } catch (e) { console.warn("live: bad message", text); return; }
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "start") {
      this.gotStart = true;
      const mime = typeof msg.mime === "string" && msg.mime ? msg.mime : 'video/mp4; codecs="avc1.42c01f"';
      const M = MS();
      if (!M.isTypeSupported(mime)) {
        this.fail("This browser cannot decode the unit's video (" + mime + ").");
        return;
      }
      if (Number.isFinite(msg.width) && Number.isFinite(msg.height)) {
        this.video.dataset.size = msg.width + "x" + msg.height;
      }
      this.setupMedia(mime);
    } else if (msg.type === "stats") {
      if (Number.isFinite(msg.viewers)) this.setViewers(msg.viewers);
    } else if (msg.type === "end") {
      const reason = typeof msg.reason === "string" && msg.reason ? msg.reason : "the stream stopped";
      this.ended = true;
      this.gen++;
      this.closeSocket();
      this.setLatency(null);
      this.setViewers(null);
      this.video.dataset.endReason = reason;
      this.setState("ended", "stream ended: " + reason, { again: true, kind: "ended" });
    }
  }

  onBinary(buf) {
    const m = this.mse;
    if (!m || !(buf instanceof ArrayBuffer) || buf.byteLength < 16) return;
    const dv = new DataView(buf);
    const capture = Number(dv.getBigInt64(0));
    const mediaStart = Number(dv.getBigInt64(8));
    const data = new Uint8Array(buf, 16);
    this.lastData = performance.now();
    if (mediaStart < 0) {
      // A second init segment: the unit's encoder restarted (new timeline, maybe new parameters). Start over.
      if (m.haveInit) { this.setupMedia(m.mime); return this.onBinary(buf); }
      m.haveInit = true;
      m.queue.push({ data });
    } else {
      if (!m.haveInit) return;
      m.queue.push({ data, capture, mediaStart });
      if (m.queue.length > MAX_QUEUE) { this.retry("The player fell behind the stream."); return; }
    }
    this.pump();
  }

  // ------------------------------------------------------------------------------------------------ Media Source

  setupMedia(mime) {
    if (this.mse && this.mse.url) URL.revokeObjectURL(this.mse.url);
    const M = MS();
    const ms = new M();
    const m = { ms, sb: null, url: "", queue: [], pairs: [], haveInit: false, mime, removing: false };
    this.mse = m;
    if (window.ManagedMediaSource && ms instanceof window.ManagedMediaSource) this.video.disableRemotePlayback = true;
    ms.addEventListener("sourceopen", () => {
      if (this.mse !== m) return;
      URL.revokeObjectURL(m.url);
      m.url = "";
      try {
        const sb = ms.addSourceBuffer(mime);
        sb.mode = "segments";
        sb.addEventListener("updateend", () => { if (this.mse === m) { this.keepLive(); this.pump(); } });
        sb.addEventListener("error", () => { if (this.mse === m) this.retry("The video could not be decoded."); });
        m.sb = sb;
      } catch (e) {
        this.fail("The player cannot take the unit's video (" + mime + "): " + e.message);
        return;
      }
      this.pump();
    }, { once: true });
    m.url = URL.createObjectURL(ms);
    this.video.src = m.url;
  }

  /** Feeds the SourceBuffer one queued operation at a time (never while it is updating). */
  pump() {
    const m = this.mse;
    if (!m || !m.sb || m.sb.updating || m.ms.readyState !== "open") return;
    const item = m.queue.shift();
    if (!item) { this.trim(); return; }
    if (item.remove) {
      try { m.sb.remove(item.start, item.end); } catch (e) { console.warn("live: remove failed", e); }
      return;
    }
    try {
      m.sb.appendBuffer(item.data);
      if (item.mediaStart !== undefined) {
        m.pairs.push({ m: item.mediaStart, c: item.capture });
        if (m.pairs.length > 600) m.pairs.splice(0, m.pairs.length - 600);
      }
    } catch (e) {
      if (e.name === "QuotaExceededError") {
        const ct = this.video.currentTime;
        const b = m.sb.buffered;
        if (b.length && b.start(0) < ct - 1) {
          m.queue.unshift(item);
          m.queue.unshift({ remove: true, start: 0, end: ct - 1 });
          this.pump();
          return;
        }
        this.retry("The player ran out of buffer space.");
      } else {
        this.retry("The video could not be played (" + e.message + ").");
      }
    }
  }

  /** Keeps the memory bounded: drops what lies more than KEEP_BEHIND_S behind the playhead. */
  trim() {
    const m = this.mse;
    if (!m || !m.sb || m.sb.updating) return;
    const b = m.sb.buffered;
    const ct = this.video.currentTime;
    if (b.length && b.start(0) < ct - KEEP_BEHIND_S - 2) {
      try { m.sb.remove(0, ct - KEEP_BEHIND_S); } catch (e) { /* busy: next time */ }
    }
  }

  /** Stay at the live edge: jump forward when too far behind, or when the playhead sits before the newest range. */
  keepLive() {
    const m = this.mse;
    const v = this.video;
    if (!m || !m.sb) return;
    const b = v.buffered;
    if (!b.length) return;
    const start = b.start(b.length - 1), end = b.end(b.length - 1);
    const ct = v.currentTime;
    const edge = this.callEdge ? CALL_EDGE : { max: EDGE_MAX_S, target: EDGE_TARGET_S, from: CATCHUP_FROM_S, until: CATCHUP_UNTIL_S };
    if (ct < start || ct > end + 0.5 || end - ct > edge.max) {
      const to = Math.max(start, end - edge.target);
      if (Math.abs(to - ct) > 0.05) {
        v.currentTime = to;
        this.jumps = (this.jumps || 0) + 1;
      }
    }
    // A viewer joins with the GOP so far (up to a second old): catch up smoothly instead of staying that far behind.
    const behind = end - v.currentTime;
    if (behind > edge.from && v.playbackRate !== CATCHUP_RATE) v.playbackRate = CATCHUP_RATE;
    else if (behind < edge.until && v.playbackRate !== 1) v.playbackRate = 1;
    if (v.paused && v.readyState >= 2) this.play();
  }

  play() {
    const p = this.video.play();
    if (p && p.catch) p.catch(e => {
      if (e && e.name === "NotAllowedError") this.setMessage("click the video to start playback", { kind: "info" });
    });
  }

  // ------------------------------------------------------------------------------------------------ HLS fallback

  playHls(grant, gen) {
    if (typeof grant.hls !== "string" || !grant.hls.startsWith("/")) { this.fail("the gateway offers no HLS stream"); return; }
    this.hls = true;
    this.gotStart = true;
    this.video.src = grant.hls;
    this.lastData = performance.now();
    this.play();
    this.hlsGen = gen;
  }

  // ------------------------------------------------------------------------------------------------ timing

  watchFirstFrame() {
    const v = this.video;
    const myGen = this.startGen = (this.startGen || 0) + 1;
    if (typeof v.requestVideoFrameCallback === "function") {
      const cb = (now, meta) => {
        if (this.startGen !== myGen || this.firstFrame) return;
        if (!(v.currentTime > 0) && !(meta && meta.mediaTime > 0)) { v.requestVideoFrameCallback(cb); return; }
        const at = meta && Number.isFinite(meta.expectedDisplayTime) ? meta.expectedDisplayTime : now;
        this.recordFirstFrame(at, "frame-callback");
      };
      v.requestVideoFrameCallback(cb);
    }
  }

  recordFirstFrame(at, how) {
    if (this.firstFrame) return;
    this.firstFrame = true;
    this.video.dataset.firstFrameMs = String(Math.max(0, Math.round(at - this.t0)));
    this.video.dataset.firstFrameBy = how;
  }

  mediaEvent(ev) {
    const v = this.video;
    if (this.stopped || !v.getAttribute("src")) return;
    if (ev.type === "error") {
      if (this.state === "ended" || this.state === "error") return;
      const err = v.error;
      this.retry("The video failed" + (err && err.message ? " (" + err.message + ")." : "."));
      return;
    }
    if ((ev.type === "playing" || ev.type === "timeupdate") && v.currentTime > 0 && !v.paused) {
      this.lastAdvance = performance.now();
      if (!this.firstFrame) {
        // No frame callbacks in this browser, or they did not fire: take the first sign of playback.
        if (typeof v.requestVideoFrameCallback !== "function") this.recordFirstFrame(performance.now(), ev.type);
        else if (!this.fallbackTimer) {
          this.fallbackTimer = setTimeout(() => {
            this.fallbackTimer = null;
            if (!this.firstFrame && v.currentTime > 0) this.recordFirstFrame(this.firstPlaying || performance.now(), "playing");
          }, 1000);
        }
        if (!this.firstPlaying) this.firstPlaying = performance.now();
      }
      if (this.state === "connecting" || this.state === "stalled") this.setState("playing");
    }
  }

  tick() {
    const v = this.video;
    const now = performance.now();
    if (this.stopped || this.ended) return;
    if (this.mse) {
      this.keepLive();
      this.pump();
    }
    // moving?
    const ct = v.currentTime;
    if (ct !== this.lastCt) {
      this.lastCt = ct;
      if (ct > 0 && !v.paused) {
        this.lastAdvance = now;
        if (this.state === "connecting" || this.state === "stalled") this.setState("playing");
      }
    } else if (this.state === "playing" && now - (this.lastAdvance || now) > STALL_MS) {
      this.setState("stalled", "waiting for video…", { kind: "info" });
    }
    if (this.state === "playing" && this.attempt && now - (this.playingSince || now) > 5000) {
      this.attempt = 0; // a good while of playback: the next trouble starts the backoff from the beginning
    }
    // relay silent?
    if (this.ws && this.ws.readyState === WebSocket.OPEN && now - this.lastData > SILENCE_MS) {
      this.retry("No video from the gateway for " + Math.round(SILENCE_MS / 1000) + " s.");
      return;
    }
    // glass-to-glass latency
    let lat = null;
    if (this.mse && (this.state === "playing" || this.state === "stalled")) {
      const pairs = this.mse.pairs;
      const ctMs = ct * 1000;
      let k = -1;
      for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i].m <= ctMs) { k = i; break; }
      if (k >= 0) {
        const p = pairs[k];
        if (p.c > 0) lat = Math.round(Date.now() - (p.c + (ctMs - p.m)));
        if (k > 40) pairs.splice(0, k - 40); // entries well behind the playhead are not needed any more
      }
    } else if (this.hls && this.state === "playing" && typeof v.getStartDate === "function") {
      const sd = v.getStartDate();
      const t = sd && sd.getTime ? sd.getTime() : NaN;
      if (Number.isFinite(t) && t > 0) lat = Math.round(Date.now() - (t + ct * 1000));
    }
    this.setLatency(lat);
    if (lat !== null && this.ws && this.ws.readyState === WebSocket.OPEN && now - this.lastReport >= REPORT_MS) {
      this.lastReport = now;
      try { this.ws.send(JSON.stringify({ type: "latency", ms: lat })); } catch (e) { /* closing */ }
    }
  }

  // ------------------------------------------------------------------------------------------------ display

  setLatency(ms) {
    this.latency = ms;
    const v = this.video;
    if (ms === null) {
      delete v.dataset.latencyMs;
      delete this.badge.dataset.level;
    } else {
      v.dataset.latencyMs = String(ms);
      this.badge.dataset.level = ms < 1000 ? "good" : ms < 3000 ? "fair" : "poor";
    }
    this.renderBadge();
    if (ms !== null && this.opts.onLatency) {
      try { this.opts.onLatency(ms); } catch (e) { console.error(e); }
    }
  }

  renderBadge() {
    const s = this.state;
    let t;
    if (s === "playing") t = this.latency !== null ? "LIVE · " + this.latency + " ms" : "LIVE";
    else if (s === "stalled") t = "STALLED";
    else if (s === "ended") t = "ENDED";
    else if (s === "error") t = "NO VIDEO";
    else if (s === "offline") t = "UNIT OFFLINE";
    else t = "CONNECTING…";
    this.badge.dataset.state = s || "connecting";
    setText(this.badge, t);
  }

  setViewers(n) {
    this.viewers = n;
    if (n === null) delete this.video.dataset.viewers;
    else this.video.dataset.viewers = String(n);
    setText(this.viewersEl, n === null ? "" : n === 1 ? "1 viewer" : n + " viewers");
  }

  setMessage(text, { again = false, kind = "info" } = {}) {
    setText(this.msgText, text || "");
    this.msgBox.hidden = !text;
    this.msgBox.dataset.kind = kind;
    this.againBtn.hidden = !again;
    setText(this.againBtn, kind === "error" ? "Try again" : "Watch again");
  }

  renderMute() {
    const m = this.video.muted;
    setText(this.muteBtn, m ? "sound off" : "♪ sound on");
    this.muteBtn.title = m ? "sound off — click to listen" : "sound on — click to mute";
    this.muteBtn.setAttribute("aria-pressed", String(!m));
  }

  setState(state, message = "", { again = false, kind } = {}) {
    const changed = state !== this.state;
    this.state = state;
    this.video.dataset.state = state;
    this.root.dataset.state = state;
    if (state === "playing") {
      if (changed) this.playingSince = performance.now();
      this.setMessage("");
    } else {
      this.setMessage(message, { again, kind: kind || (state === "error" ? "error" : "info") });
    }
    if (state !== "error" && state !== "ended") delete this.video.dataset.error;
    if (state === "ended" || state === "error" || state === "offline") this.muteBtn.hidden = true;
    else this.muteBtn.hidden = false;
    this.renderBadge();
    if (changed && this.opts.onState) {
      try { this.opts.onState(state, { message, latencyMs: this.latency, viewers: this.viewers }); } catch (e) { console.error(e); }
    }
  }
}
