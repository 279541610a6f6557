// openbwc monitoring room: code shared by every page (ES module, served at /assets/app.js).
// API client with auth redirect, live event stream with resync, formatting helpers, alert banner and alarm sound,
// map helpers. Text from the API only ever reaches the DOM through textContent / attributes, never innerHTML.
"use strict";

import { createLiveView, attachLivePlayer } from "/assets/live.js";

// ---------------------------------------------------------------------------------------------------------------
// Small DOM helpers

/** Creates an element: el("td", {class: "x", dataset: {id: "U1"}, text: "hi"}, child, ...). */
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k === "dataset") Object.assign(e.dataset, v);
      else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else if (k in e && typeof v !== "string") e[k] = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** Sets textContent only when it changed (keeps selections and avoids needless layout). */
export function setText(node, text) {
  const t = text === null || text === undefined ? "" : String(text);
  if (node.textContent !== t) node.textContent = t;
}

// ---------------------------------------------------------------------------------------------------------------
// API client

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body || {};
  }
}

/** The login page address that brings the operator back here afterwards. */
export function loginUrl() {
  return "/login?next=" + encodeURIComponent(location.pathname + location.search + location.hash);
}

let redirecting = false;
/** The session is gone: go to the login page (once) and never settle, so no caller shows an error meanwhile. */
export function goLogin() {
  if (!redirecting) {
    redirecting = true;
    location.assign(loginUrl());
  }
  return new Promise(() => {});
}

/** A post-login target: only a same-origin absolute path ("/..." but not "//..." or "/\..."). */
export function safeNext(next) {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f]/.test(next)) return "/";
  try {
    const u = new URL(next, location.origin);
    if (u.origin !== location.origin) return "/";
    return u.pathname + u.search + u.hash;
  } catch (e) {
    return "/";
  }
}

/**
 * Calls the gateway API. Resolves with the parsed JSON body (null for 204), rejects with ApiError carrying the
 * operator message of the error body; a 401 goes to the login page instead.
 */
export async function api(path, { method = "GET", body, redirectOn401 = true, signal } = {}) {
  const init = { method, credentials: "same-origin", headers: { "Accept": "application/json" }, signal };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new ApiError(0, "gateway not reachable (" + method + " " + path + ")", {});
  }
  if (res.status === 401 && redirectOn401) return goLogin();
  let data = null;
  const text = await res.text().catch(() => "");
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (!res.ok) {
    const msg = data && typeof data.error === "string" && data.error
      ? data.error
      : "HTTP " + res.status + " " + (res.statusText || "") + " on " + method + " " + path;
    throw new ApiError(res.status, msg, data);
  }
  return data;
}

export const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------------------------
// Formatting

export const DASH = "–";

// The gateway's clock as this page sees it: every snapshot carries serverTime, and timers computed from the unit's or
// the gateway's times (recordingSince, lastSeen) would be off by the PC's clock error without this correction.
let clockSkewMs = 0;

/**
 * Notes the gateway's time (ISO text) as received now; LiveStream calls it on every snapshot. Pages may call it
 * themselves with any other serverTime they receive.
 */
export function noteServerTime(iso, receivedAt = Date.now()) {
  const ms = toMillis(iso);
  if (ms !== null) clockSkewMs = ms - receivedAt;
}

/** The gateway's clock now (epoch ms); `now` is a reading of this page's clock (Date.now()). */
export function serverNow(now = Date.now()) { return now + clockSkewMs; }

/** How far the gateway's clock is ahead of this PC's (ms; negative when behind). */
export function clockSkew() { return clockSkewMs; }

export function isNum(v) { return typeof v === "number" && Number.isFinite(v); }

/** Parses an API time (ISO-8601 text, or epoch milliseconds/seconds as a number) to epoch millis, or null. */
export function toMillis(t) {
  if (t === null || t === undefined || t === "") return null;
  if (typeof t === "number") return t < 1e11 ? t * 1000 : t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

const pad2 = n => String(n).padStart(2, "0");

/** "14:03:27" (local time). */
export function fmtTime(t) {
  const ms = toMillis(t);
  if (ms === null) return DASH;
  const d = new Date(ms);
  return pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + ":" + pad2(d.getSeconds());
}

/** "2024-05-01 14:03:27", or just the time for today. */
export function fmtDateTime(t, { alwaysDate = false } = {}) {
  const ms = toMillis(t);
  if (ms === null) return DASH;
  const d = new Date(ms);
  const now = new Date();
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  const time = fmtTime(ms);
  if (sameDay && !alwaysDate) return time;
  return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + " " + time;
}

/** Recording-style duration: "0:42", "12:05", "1:02:03". */
export function fmtDuration(ms) {
  if (!isNum(ms) || ms < 0) return DASH;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h > 0 ? h + ":" + pad2(m) + ":" + pad2(sec) : m + ":" + pad2(sec);
}

/** "2 h 10 m", "45 m". */
export function fmtMinutes(min) {
  if (!isNum(min) || min < 0) return DASH;
  min = Math.round(min);
  const h = Math.floor(min / 60), m = min % 60;
  return h > 0 ? h + " h " + m + " m" : m + " m";
}

/** "3 s ago", "5 min ago", "2 h 10 min ago"; `now` is the page's clock (Date.now()), corrected by the skew. */
export function fmtAgo(t, now = Date.now()) {
  const ms = toMillis(t);
  if (ms === null) return DASH;
  return fmtAge(serverNow(now) - ms);
}

/** An age in words: "3 s ago", "5 min ago", "2 h 10 min ago", "3 d ago". */
function fmtAge(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + " s ago";
  if (s < 3600) return Math.floor(s / 60) + " min ago";
  if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min ago";
  return Math.floor(s / 86400) + " d ago";
}

/**
 * A moment for people: local time with its age, "15:39:38 · 2 min ago" (with the date when not today). Use it
 * wherever an API time is shown, never the raw ISO text.
 */
export function fmtWhen(t, now = Date.now()) {
  const ms = toMillis(t);
  if (ms === null) return DASH;
  return fmtDateTime(ms) + " · " + fmtAgo(ms, now);
}

export function fmtBytes(b) {
  if (!isNum(b)) return DASH;
  const gib = b / 1073741824;
  if (gib >= 1) return gib.toFixed(gib >= 100 ? 0 : 1) + " GiB";
  const mib = b / 1048576;
  if (mib >= 1) return mib.toFixed(0) + " MiB";
  return Math.round(b / 1024) + " KiB";
}

/** "57 % · 2 h 10 m" (+ charging/docked marks). */
export function fmtBattery(b) {
  if (!b || !isNum(b.percent)) return DASH;
  let s = b.percent + " %";
  if (isNum(b.minutesLeft)) s += " · " + fmtMinutes(b.minutesLeft);
  if (b.docked) s += " ⌂";
  else if (b.charging) s += " ⚡";
  return s;
}

export function storagePercent(s) {
  if (!s || !isNum(s.freeBytes) || !isNum(s.totalBytes) || s.totalBytes <= 0) return null;
  return Math.round((s.freeBytes / s.totalBytes) * 100);
}

/** "41.2 GiB · 64 %" free. */
export function fmtStorage(s) {
  if (!s || !isNum(s.freeBytes)) return DASH;
  const p = storagePercent(s);
  return fmtBytes(s.freeBytes) + (p === null ? "" : " · " + p + " %");
}

export function fmtPercent(v) { return isNum(v) ? Math.round(v) + " %" : DASH; }

export function fmtBool(v, yes = "yes", no = "no") {
  return v === true ? yes : v === false ? no : DASH;
}

/**
 * Display state: a unit the agency revoked shows as revoked whatever it last said (its messages are dropped), then sos
 * wins, then offline, then stealth, then the state lower-cased ("unknown" if none yet).
 */
export function displayState(u) {
  if (!u) return "unknown";
  if (u.revoked) return "revoked";
  if (u.sos) return "sos";
  if (u.online === false || u.state === "OFFLINE") return "offline";
  if (u.stealth) return "stealth";
  return u.state ? String(u.state).toLowerCase() : "unknown";
}

export const STATE_WORDS = {
  sos: "SOS", recording: "RECORDING", post_event: "POST-EVENT", buffering: "BUFFERING", sleep: "SLEEP",
  stealth: "STEALTH", offline: "OFFLINE", unknown: "UNKNOWN", revoked: "REVOKED",
};

/** Sort rank of display states, most urgent first. */
export const STATE_RANK = { sos: 0, recording: 1, post_event: 2, stealth: 3, buffering: 4, sleep: 5, unknown: 6, offline: 7,
  revoked: 8 };

export function isRecording(u) { return !!u && (u.state === "RECORDING" || u.state === "POST_EVENT"); }

/**
 * Pre-event media at the start of the current recording, in ms (whole seconds), or null: the gateway's preEventMillis,
 * else (older gateways) what the unit's recordingMillis holds beyond the time since the trigger, both by the unit's
 * own clock.
 */
export function preEventMillis(u) {
  if (!isRecording(u) && !(u && u.lastKnown && isRecordingState(u.lastState))) return null;
  let p = null;
  if (isNum(u.preEventMillis)) {
    p = u.preEventMillis;
  } else if (u.preEventMillis !== null) { // null: the gateway says none
    const since = toMillis(u.recordingSince), at = toMillis(u.lastStatusTime);
    if (isNum(u.recordingMillis) && since !== null && at !== null) {
      p = Math.round((u.recordingMillis - (at - since)) / 1000) * 1000;
    }
  }
  return steadyPreEvent(u, p);
}

// Each status derives the pre-event anew, to within a fragment: it could read 29 s, then 30 s, then 29 s. It is one
// fixed amount per recording, so show the largest seen for the recording (it settles at once, and never wobbles).
const preEventSeen = new Map(); // unit id + recording id -> ms

function steadyPreEvent(u, p) {
  const key = String(u.id) + "\n" + (u.recordingId || u.recordingSince || "");
  const seen = preEventSeen.get(key);
  const best = Math.max(isNum(p) ? p : 0, seen || 0);
  if (best > 0 && best !== seen) {
    if (preEventSeen.size > 1000) preEventSeen.clear();
    preEventSeen.set(key, best);
  }
  return best >= 1000 ? best : null;
}

function isRecordingState(s) { return s === "RECORDING" || s === "POST_EVENT"; }

/**
 * Time since the recording was started (the trigger), ticking every second: the gateway's now minus recordingSince,
 * pre-event excluded (see preEventMillis). null when not recording. `now` is this page's clock (Date.now());
 * receivedAt (when the view arrived) is only used for views without recordingSince.
 */
export function recordingElapsed(u, receivedAt, now = Date.now()) {
  if (!isRecording(u)) return null;
  const since = toMillis(u.recordingSince);
  if (since !== null) return Math.max(0, serverNow(now) - since);
  if (!isNum(u.recordingMillis)) return null;
  return Math.max(0, u.recordingMillis - (preEventMillis(u) || 0) + Math.max(0, now - (receivedAt || now)));
}

/** "+30 s pre-event", or "" when the recording has none (or it is unknown). */
export function fmtPreEvent(u) {
  const p = preEventMillis(u);
  return p === null ? "" : "+" + Math.round(p / 1000) + " s pre-event";
}

/**
 * State text such as "RECORDING 2:06 +30 s pre-event", "SOS · RECORDING 0:42", "SOS · OFFLINE",
 * "OFFLINE · was RECORDING".
 */
export function fmtStateText(u, receivedAt, now = Date.now()) {
  const ds = displayState(u);
  let s = STATE_WORDS[ds] || ds.toUpperCase();
  const rec = recordingElapsed(u, receivedAt, now);
  if (rec !== null) {
    if (ds === "sos" || ds === "stealth") s += " · " + (STATE_WORDS[String(u.state).toLowerCase()] || u.state);
    s += " " + fmtDuration(rec);
    const pre = fmtPreEvent(u);
    if (pre) s += " " + pre;
  } else if (ds === "sos" && isOffline(u)) {
    s += " · OFFLINE";
  } else if (ds === "offline" && u && u.lastState && u.lastState !== "OFFLINE" && isRecordingState(u.lastState)) {
    s += " · was " + (STATE_WORDS[String(u.lastState).toLowerCase()] || u.lastState);
  }
  return s;
}

/** The unit is offline (the gateway lost it), whatever else it says. */
export function isOffline(u) { return !!u && (u.online === false || u.state === "OFFLINE"); }

/**
 * When the unit went offline (epoch ms): the gateway's offlineSince, else its lastSeen; null while online.
 */
export function offlineSince(u) {
  if (!isOffline(u)) return null;
  return toMillis(u.offlineSince) ?? toMillis(u.lastSeen);
}

/** An API error in plain words for people (no HTTP verbs or paths); `what` names the action, e.g. "Live video". */
export function fmtApiError(e, what = "") {
  const status = e && isNum(e.status) ? e.status : -1;
  const msg = e && e.message ? String(e.message) : String(e || "");
  const pre = what ? what + ": " : "";
  if (status === 0) return pre + "the gateway cannot be reached (network or gateway down).";
  if (status === 403) return pre + "your role (" + session.role + ") may not do this; ask a supervisor.";
  if (status === 404) return pre + "not found" + (msg && !/^HTTP /.test(msg) ? " (" + msg + ")" : "") + ".";
  if (status === 503) return pre + "the gateway cannot do this right now; try again in a moment.";
  if (status === 504) return pre + "no answer in time.";
  if (status >= 500) return pre + "the gateway had a problem (" + status + ").";
  return pre + (/^HTTP /.test(msg) ? "the gateway refused (" + status + ")." : msg);
}

export const EVENT_WORDS = {
  "recording.started": "recording started", "recording.stopped": "recording stopped",
  "recording.sealed": "recording sealed", "recording.recovered": "recording recovered",
  "recording.stop-armed": "recording stop armed", "marker": "marker", "sos.raised": "SOS raised",
  "sos.cleared": "SOS cleared", "stealth.on": "stealth on", "stealth.off": "stealth off", "locate": "locate",
  "battery.low": "battery low", "storage.low": "storage low", "storage.reserve": "storage reserve reached",
  "clock.unset": "clock not set", "camera.failed": "camera failed", "docked": "docked", "undocked": "undocked",
  "state.changed": "state changed", "key.missing": "evidence key missing",
};

export const ALERT_WORDS = {
  "sos": "SOS", "recording.started": "recording started", "battery.low": "battery low",
  "storage.low": "storage low", "clock.unset": "clock not set", "unit.offline": "unit offline",
  "recording.recovered": "recording recovered", "camera.failed": "camera failed",
  "storage.reserve": "storage reserve reached", "unit.not-enrolled": "unit not enrolled",
  "unit.revoked": "revoked unit publishing", "evidence-key.differs": "evidence key differs from the pinned one",
  "storage.reserve": "storage reserve reached", "key.missing": "evidence key missing",
  "uplink.refused": "live uplink refused", "uplink.duplicate": "second live uplink refused",
};

export function eventWords(type) { return EVENT_WORDS[type] || String(type || "event").replace(/[._-]/g, " "); }
export function alertWords(type) { return ALERT_WORDS[type] || String(type || "alert").replace(/[._-]/g, " "); }

export function unitUrl(id) { return "/units/" + enc(id); }

// ---------------------------------------------------------------------------------------------------------------
// Session, top bar

export const session = { username: "", role: "viewer" };
export function canCommand() { return session.role === "supervisor" || session.role === "admin"; }

/** Loads /api/me (401 goes to login) and fills the top bar's user, role and sign-out. */
export async function initSession() {
  const me = await api("/api/me");
  session.username = me && me.username ? String(me.username) : "";
  session.role = me && me.role ? String(me.role) : "viewer";
  document.body.dataset.role = session.role;
  const userEl = $("#user");
  if (userEl) {
    userEl.replaceChildren(el("span", { class: "user-name", text: session.username }),
      el("span", { class: "role role-" + session.role, text: session.role }));
  }
  const out = $("#sign-out");
  if (out) {
    out.addEventListener("click", async () => {
      out.disabled = true;
      try { await api("/api/logout", { method: "POST", redirectOn401: false }); } catch (e) { /* gone anyway */ }
      location.assign("/login");
    });
  }
  return session;
}

/** Shows a page-level error line (e.g. the unit page's 404) in #page-error. */
export function showPageError(msg) {
  const box = $("#page-error");
  if (!box) return;
  if (!msg) { box.hidden = true; box.textContent = ""; return; }
  box.textContent = msg;
  box.hidden = false;
}

// ---------------------------------------------------------------------------------------------------------------
// Live event stream with resync

const CONN_TEXT = { connecting: "connecting…", live: "live", lost: "connection lost — reconnecting…" };

export function setConn(state) {
  const c = $("#conn");
  if (c) {
    c.dataset.state = state;
    setText(c, CONN_TEXT[state] || state);
    c.title = state === "live" ? "live updates from the gateway" : state === "lost"
      ? "the gateway cannot be reached; what you see may be out of date" : "connecting to the gateway";
  }
  document.body.dataset.conn = state;
}

/**
 * One live connection to /api/events. handlers: snapshot({units, alerts, serverTime}), unit(UnitView), event(UnitEvent),
 * removed({id}), alert(Alert). Every (re)connect starts with a snapshot that replaces all client state.
 */
export class LiveStream {
  constructor(handlers) {
    this.h = handlers;
    this.es = null;
    this.backoff = 500;
    this.timer = null;
    this.lastFrame = 0;
    this.live = false;
    this.everLive = false;
    setConn("connecting");
    // A silent connection (no heartbeat for 45 s) is as good as dead, e.g. after a network change.
    setInterval(() => {
      if (this.es && this.es.readyState === EventSource.OPEN && Date.now() - this.lastFrame > 45000) {
        this.drop("no heartbeat");
      }
    }, 5000);
  }

  start() { this.open(); return this; }

  open() {
    clearTimeout(this.timer);
    this.timer = null;
    const es = new EventSource("/api/events");
    this.es = es;
    this.lastFrame = Date.now();
    const on = (name, fn) => es.addEventListener(name, m => {
      if (this.es !== es) return;
      this.lastFrame = Date.now();
      let data;
      try { data = JSON.parse(m.data); } catch (e) { console.warn("bad " + name + " frame", e); return; }
      try { fn(data); } catch (e) { console.error("handling " + name + " frame failed", e); }
    });
    on("snapshot", d => {
      noteServerTime(d.serverTime);
      this.h.snapshot && this.h.snapshot({ units: Array.isArray(d.units) ? d.units : [],
                                            alerts: Array.isArray(d.alerts) ? d.alerts : [],
                                            serverTime: d.serverTime || null }, this.everLive);
      this.live = true;
      this.everLive = true;
      this.backoff = 500;
      setConn("live");
    });
    on("unit", d => this.h.unit && this.h.unit(d));
    on("event", d => this.h.event && this.h.event(d));
    on("removed", d => this.h.removed && this.h.removed(d));
    on("alert", d => this.h.alert && this.h.alert(d));
    es.addEventListener("open", () => { this.lastFrame = Date.now(); });
    // Heartbeat comments do not raise events, but "message" catches unnamed frames.
    es.addEventListener("message", () => { this.lastFrame = Date.now(); });
    es.onerror = () => {
      if (this.es !== es) return;
      this.live = false;
      setConn("lost");
      if (es.readyState === EventSource.CLOSED) this.drop("closed");
      // else: CONNECTING, the browser retries by itself; the snapshot marks it live again.
    };
  }

  /** Ends the current connection and opens a new one after a backoff (checking the session first). */
  drop(why) {
    if (this.es) { this.es.onerror = null; this.es.close(); this.es = null; }
    this.live = false;
    setConn("lost");
    if (this.timer) return;
    const wait = this.backoff;
    this.backoff = Math.min(5000, this.backoff * 2);
    this.timer = setTimeout(async () => {
      try {
        const res = await fetch("/api/me", { credentials: "same-origin", headers: { "Accept": "application/json" } });
        if (res.status === 401) { goLogin(); return; }
      } catch (e) { /* gateway still down: the stream attempt below fails and we back off again */ }
      this.timer = null;
      this.open();
    }, wait);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Alerts: banner, history, alarm sound

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };

class Alarm {
  constructor() {
    this.ctx = null;
    this.enabled = false;
    this.sounding = false;
    this.timer = null;
    const unlock = () => this.unlock();
    document.addEventListener("pointerdown", unlock, true);
    document.addEventListener("keydown", unlock, true);
    document.addEventListener("click", unlock, true);
  }

  unlock() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      if (!this.ctx) this.ctx = new AC();
      const done = () => {
        if (this.ctx.state === "running" && !this.enabled) {
          this.enabled = true;
          this.updateHint();
        }
      };
      if (this.ctx.state !== "running") this.ctx.resume().then(done, () => {});
      else done();
    } catch (e) {
      console.warn("audio not available", e);
    }
  }

  updateHint() {
    const hint = $("#sound-hint");
    if (hint) {
      hint.hidden = this.enabled;
      hint.classList.toggle("urgent", this.sounding && !this.enabled);
    }
  }

  set(sounding) {
    document.body.dataset.alarm = sounding ? "sounding" : "quiet";
    if (sounding === this.sounding) { this.updateHint(); return; }
    this.sounding = sounding;
    clearInterval(this.timer);
    this.timer = null;
    if (sounding) {
      this.beep();
      this.timer = setInterval(() => this.beep(), 1000);
    }
    this.updateHint();
  }

  beep() {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== "running") return;
    const t = ctx.currentTime;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "square";
    osc.frequency.setValueAtTime(880, t);
    osc.frequency.setValueAtTime(660, t + 0.25);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.18, t + 0.02);
    gain.gain.setValueAtTime(0.18, t + 0.46);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.5);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.52);
  }
}

/** Keeps every alert, renders #alert-banner (unacknowledged) and #alert-history, drives the alarm. */
export class AlertCenter {
  constructor({ historySize = 40 } = {}) {
    this.alerts = new Map();
    this.historySize = historySize;
    this.banner = $("#alert-banner");
    this.history = $("#alert-history");
    this.alarm = new Alarm();
    this.pendingAck = new Set();
    this.ackErrors = new Map();
    this.livePlayers = new Map(); // alert id -> { unitId, root, player }: SOS alerts play the unit live in the banner
    document.body.dataset.alarm = "quiet";
    this.render();
  }

  replaceAll(list) {
    this.alerts.clear();
    for (const a of list || []) if (a && a.id !== undefined && a.id !== null) this.alerts.set(String(a.id), a);
    this.render();
  }

  upsert(a) {
    if (!a || a.id === undefined || a.id === null) return;
    this.alerts.set(String(a.id), a);
    if (a.acknowledged) this.ackErrors.delete(String(a.id));
    this.render();
  }

  unacknowledged() {
    return Array.from(this.alerts.values()).filter(a => !a.acknowledged).sort((a, b) =>
      ((SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3)) ||
      ((toMillis(b.time) || 0) - (toMillis(a.time) || 0)));
  }

  render() {
    const open = this.unacknowledged();
    this.alarm.set(open.some(a => a.type === "sos"));
    if (this.banner) {
      const items = open.map(a => this.alertElement(a));
      const head = open.length
        ? el("div", { class: "alert-banner-head" },
            el("span", { text: open.length + (open.length === 1 ? " open alert" : " open alerts") }))
        : null;
      this.banner.replaceChildren(...(head ? [head] : []), ...items);
      this.banner.hidden = open.length === 0;
    }
    this.pruneLive(open);
    if (this.history) this.renderHistory();
  }

  alertElement(a) {
    const id = String(a.id);
    const box = el("div", {
      class: "alert sev-" + (a.severity || "info"),
      dataset: { alertId: id, type: a.type || "", severity: a.severity || "info" },
      role: a.severity === "critical" ? "alert" : null,
    });
    box.append(
      el("span", { class: "alert-type", text: alertWords(a.type) }),
      el("a", { class: "alert-unit", href: unitUrl(a.unitId), text: a.unitId || DASH }),
      el("time", { class: "alert-time", datetime: a.time || "", text: fmtDateTime(a.time) }),
      el("span", { class: "alert-message", text: a.message || "" }),
    );
    const err = this.ackErrors.get(id);
    if (err) box.append(el("span", { class: "alert-error", text: err }));
    if (this.banner && a.type === "sos" && canCommand() && a.unitId) {
      box.classList.add("has-live");
      box.append(this.liveView(id, String(a.unitId)));
    }
    if (canCommand()) {
      const btn = el("button", { type: "button", class: "ack", text: "Acknowledge" });
      if (this.pendingAck.has(id)) btn.disabled = true;
      btn.addEventListener("click", ev => { ev.stopPropagation(); this.ack(id); });
      box.append(btn);
    }
    return box;
  }

  /** The banner's live player for an open SOS alert (kept across re-renders, so the video never restarts). */
  liveView(id, unitId) {
    let lp = this.livePlayers.get(id);
    if (lp && lp.unitId !== unitId) { lp.player.stop(); lp = null; }
    if (!lp) {
      const { root, video } = createLiveView(unitId, { className: "alert-live" });
      lp = { unitId, root, player: attachLivePlayer(video, unitId) };
      this.livePlayers.set(id, lp);
    }
    return lp.root;
  }

  /** Stops the banner players of alerts that are no longer open (acknowledged here or elsewhere, or gone). */
  pruneLive(open) {
    const keep = new Set(open.filter(a => a.type === "sos").map(a => String(a.id)));
    for (const [id, lp] of this.livePlayers) {
      if (keep.has(id) && canCommand() && this.banner) continue;
      lp.player.stop();
      lp.root.remove();
      this.livePlayers.delete(id);
    }
  }

  async ack(id) {
    if (this.pendingAck.has(id)) return;
    this.pendingAck.add(id);
    this.ackErrors.delete(id);
    this.render();
    try {
      const updated = await api("/api/alerts/" + enc(id) + "/ack", { method: "POST", body: {} });
      this.pendingAck.delete(id);
      const a = updated && updated.id !== undefined ? updated
        : Object.assign({}, this.alerts.get(id), { acknowledged: true, acknowledgedBy: session.username });
      if (!a.acknowledged) a.acknowledged = true;
      this.upsert(a);
    } catch (e) {
      this.pendingAck.delete(id);
      this.ackErrors.set(id, "acknowledge failed: " + e.message);
      this.render();
    }
  }

  renderHistory() {
    const list = Array.from(this.alerts.values()).sort((a, b) =>
      (Math.max(toMillis(b.acknowledgedAt) || 0, toMillis(b.time) || 0)) -
      (Math.max(toMillis(a.acknowledgedAt) || 0, toMillis(a.time) || 0))).slice(0, this.historySize);
    const items = list.map(a => {
      const li = el("li", {
        class: (a.acknowledged ? "acked" : "open") + " sev-" + (a.severity || "info"),
        dataset: { alertId: String(a.id), type: a.type || "", severity: a.severity || "info" },
      });
      li.append(
        el("time", { datetime: a.time || "", text: fmtTime(a.time) }),
        el("a", { href: unitUrl(a.unitId), text: a.unitId || DASH }),
        el("span", { class: "h-type", text: alertWords(a.type) }),
        el("span", { class: "h-ack", text: a.acknowledged
          ? "✓ " + (a.acknowledgedBy || "someone") + (a.acknowledgedAt ? " " + fmtTime(a.acknowledgedAt) : "")
          : "open" }),
      );
      if (a.message) li.title = a.message;
      return li;
    });
    if (!items.length) items.push(el("li", { class: "empty", text: "no alerts" }));
    this.history.replaceChildren(...items);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Maps (Leaflet is loaded as a classic script before the page modules)

/** Creates a Leaflet map in `container` from /api/map config; falls back to a plain grid when tiles fail. */
export function createMap(container, cfg, options = {}) {
  const L = window.L;
  const center = cfg && cfg.center && isNum(cfg.center.lat) && isNum(cfg.center.lon)
    ? [cfg.center.lat, cfg.center.lon] : [52.52, 13.405];
  const zoom = cfg && isNum(cfg.zoom) ? cfg.zoom : 13;
  container.classList.add("map-surface");
  const map = L.map(container, Object.assign({ zoomControl: true, attributionControl: true, preferCanvas: false },
    options)).setView(center, zoom);
  const note = el("div", { class: "tiles-note", text: "map tiles unavailable", hidden: true });
  container.append(note);
  const noTiles = on => {
    note.hidden = !on;
    container.classList.toggle("no-tiles", on);
  };
  const tileUrl = cfg && typeof cfg.tileUrl === "string" ? cfg.tileUrl.trim() : "";
  if (!tileUrl) {
    noTiles(true);
  } else {
    let lastError = 0;
    const layer = L.tileLayer(tileUrl, { attribution: cfg.attribution || "", maxZoom: 19, crossOrigin: false });
    layer.on("tileerror", () => { lastError = Date.now(); noTiles(true); });
    layer.on("tileload", () => { if (Date.now() - lastError > 10000) noTiles(false); });
    layer.addTo(map);
  }
  if (map.attributionControl) map.attributionControl.setPrefix(false);
  // The banner above the map comes and goes: keep Leaflet's idea of the map size current.
  if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize({ pan: false })).observe(container);
  return map;
}

/** The divIcon element for a unit: div.unit-marker[data-id][data-state] > span.dot + span.label. */
export function unitIcon(id) {
  const L = window.L;
  const root = el("div", {}, el("span", { class: "dot" }), el("span", { class: "label", text: id }));
  return L.divIcon({ className: "unit-marker", html: root, iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -12] });
}

/** Creates a unit marker whose element carries class unit-marker and data-id/data-state. */
export function unitMarker(u, latlng) {
  const L = window.L;
  const m = L.marker(latlng, { icon: unitIcon(u.id), title: u.id, riseOnHover: true, keyboard: true });
  const ds = displayState(u);
  m.on("add", () => { const e = m.getElement(); if (e) { e.dataset.id = u.id; e.dataset.state = m._ds || ds; } });
  m._ds = ds;
  return m;
}

/** Updates a unit marker's display state (data-state) and z-order. */
export function setMarkerState(m, u) {
  const ds = displayState(u);
  m._ds = ds;
  const e = m.getElement();
  if (e) { e.dataset.id = u.id; if (e.dataset.state !== ds) e.dataset.state = ds; }
  m.setZIndexOffset(ds === "sos" ? 1000 : ds === "recording" || ds === "post_event" ? 500 : ds === "offline" || ds === "revoked" ? -100 : 0);
}

export function hasLocation(u) {
  return !!(u && u.location && isNum(u.location.lat) && isNum(u.location.lon));
}

/** Ticks fn every second, aligned to the wall clock second. */
export function everySecond(fn) {
  const tick = () => { try { fn(Date.now()); } catch (e) { console.error(e); } setTimeout(tick, 1000 - (Date.now() % 1000) + 5); };
  setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
}
