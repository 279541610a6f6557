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
  "recording.failed": "recording failed",
  "recording.stop-armed": "recording stop armed", "marker": "marker", "sos.raised": "SOS raised",
  "sos.cleared": "SOS cleared", "stealth.on": "stealth on", "stealth.off": "stealth off", "locate": "locate",
  "battery.low": "battery low", "storage.low": "storage low", "storage.reserve": "storage reserve reached",
  "clock.unset": "clock not set", "camera.failed": "camera failed", "docked": "docked", "undocked": "undocked",
  "state.changed": "state changed", "key.missing": "evidence key missing",
};

export const ALERT_WORDS = {
  "sos": "SOS", "recording.started": "recording started", "battery.low": "battery low",
  "storage.low": "storage low", "clock.unset": "clock not set", "unit.offline": "unit offline",
  "recording.recovered": "recording recovered", "recording.failed": "recording failed",
  "camera.failed": "camera failed", "storage.reserve": "storage reserve reached", "unit.not-enrolled": "unit not enrolled",
  "unit.revoked": "revoked unit publishing", "evidence-key.differs": "evidence key differs from the pinned one",
  "key.missing": "evidence key missing",
  "uplink.refused": "live uplink refused", "uplink.duplicate": "second live uplink refused",
  "call.requested": "call request",
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
    // A page left for another stays in the back/forward cache with its connections open unless it closes them: after
    // six pages Chrome has no connection left for this host and every request of the page in front waits (measured:
    // the Evidence page's searches hung after the tests had walked through six pages). Closed on pagehide, opened
    // again when the page is shown from that cache.
    window.addEventListener("pagehide", () => this.suspend());
    window.addEventListener("pageshow", ev => { if (ev.persisted && this.started) this.open(); });
    // A silent connection (no heartbeat for 45 s) is as good as dead, e.g. after a network change.
    setInterval(() => {
      if (this.es && this.es.readyState === EventSource.OPEN && Date.now() - this.lastFrame > 45000) {
        this.drop("no heartbeat");
      }
    }, 5000);
  }

  start() { this.started = true; this.open(); return this; }

  /** Closes the connection without reconnecting (the page is being hidden). */
  suspend() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.es) { this.es.onerror = null; this.es.close(); this.es = null; }
    this.live = false;
  }

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
    on("dispatch", d => this.h.dispatch && this.h.dispatch(d));
    // The gateway ended the session (signed out elsewhere, account disabled, password reset): to the sign-in page.
    on("signed-out", () => { this.es = null; es.close(); goLogin(); });
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
// Alerts: banner, history, alarm sound, tab title / icon / desktop notification

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };
const ALERT_STATES = new Set(["open", "acknowledged", "resolved"]);

/** An alert's life-cycle state; older gateways send only `acknowledged`. */
export function alertState(a) {
  if (!a) return "open";
  if (ALERT_STATES.has(a.state)) return a.state;
  if (a.resolvedAt) return "resolved";
  return a.acknowledged ? "acknowledged" : "open";
}

/** The banner shows every open alert, and an acknowledged SOS until it is resolved. */
export function inBanner(a) {
  const s = alertState(a);
  return s === "open" || (s === "acknowledged" && a.type === "sos");
}

/** "15:43" (local). */
function hhmm(t) {
  const ms = toMillis(t);
  if (ms === null) return DASH;
  const d = new Date(ms);
  return pad2(d.getHours()) + ":" + pad2(d.getMinutes());
}

/** A <time> whose "hh:mm:ss · N ago" text the alert centre refreshes every second. */
function agedTime(t, className) {
  return el("time", { class: className, datetime: t || "", dataset: { ageOf: t || "" }, text: fmtWhen(t) });
}

/** Refreshes the age of every agedTime under root. */
export function refreshAges(root, now = Date.now()) {
  if (!root) return;
  for (const n of root.querySelectorAll("[data-age-of]")) setText(n, fmtWhen(n.dataset.ageOf, now));
}

/** The alarm tone (Web Audio), the sound badge in the top bar and a local mute. */
class Alarm {
  constructor() {
    this.ctx = null;
    this.enabled = false;
    this.sounding = false;
    this.muted = false;
    this.timer = null;
    this.onGesture = null;
    const unlock = () => this.unlock(true);
    document.addEventListener("pointerdown", unlock, true);
    document.addEventListener("keydown", unlock, true);
    document.addEventListener("click", unlock, true);
    // A kiosk browser started with autoplay allowed arms at once; elsewhere the badge asks for a click.
    this.unlock(false);
    this.updateHint();
  }

  unlock(gesture) {
    if (gesture && this.onGesture) this.onGesture();
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC || this.enabled) return;
    try {
      if (!this.ctx) this.ctx = new AC();
      const done = () => {
        if (this.ctx.state === "running" && !this.enabled) {
          this.enabled = true;
          this.updateHint();
          if (this.sounding && !this.muted) this.beep();
        }
      };
      if (this.ctx.state === "running") done();
      else if (gesture) this.ctx.resume().then(done, () => {});
    } catch (e) {
      console.warn("audio not available", e);
    }
  }

  updateHint() {
    const hint = $("#sound-hint");
    if (!hint) return;
    hint.hidden = this.enabled;
    setText(hint, this.sounding ? "Sound off – click to hear the alarm" : "Sound off – click to arm");
    hint.title = "The browser keeps the alarm silent until you click on the page once.";
    hint.classList.add("armable");
    hint.classList.toggle("urgent", this.sounding && !this.enabled);
  }

  setMuted(muted) {
    this.muted = muted;
    document.body.dataset.alarmMuted = muted ? "true" : "false";
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
    if (this.muted || !ctx || ctx.state !== "running") return;
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

const SOS_ICON = "data:image/svg+xml," + encodeURIComponent(
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>" +
  "<path d='M16 2 L31 29 H1 Z' fill='#c92a2a' stroke='#fff' stroke-width='2' stroke-linejoin='round'/>" +
  "<path d='M16 11 V20' stroke='#fff' stroke-width='4' stroke-linecap='round'/>" +
  "<circle cx='16' cy='25' r='2.3' fill='#fff'/></svg>");

/** While an SOS is open: "⚠ SOS unit – " before the tab title, a red tab icon, one desktop notification per SOS. */
class Attention {
  constructor() {
    this.baseTitle = document.title;
    this.link = null;
    this.createdLink = false;
    this.baseIcon = null;
    this.notified = new Set();
    this.on = false;
  }

  /** Asks for notification permission; only ever from a user gesture, as browsers require. */
  askPermission() {
    if (!("Notification" in window) || Notification.permission !== "default" || this.asked) return;
    this.asked = true;
    try { Promise.resolve(Notification.requestPermission()).catch(() => {}); } catch (e) { /* old API */ }
  }

  update(openSos, onClick) {
    if (openSos.length) {
      const ids = openSos.map(a => a.unitId || "?");
      const prefix = "⚠ SOS " + ids[0] + (ids.length > 1 ? " +" + (ids.length - 1) : "") + " – ";
      if (document.title !== prefix + this.baseTitle) document.title = prefix + this.baseTitle;
      this.setIcon(true);
    } else if (this.on) {
      document.title = this.baseTitle;
      this.setIcon(false);
    }
    this.on = openSos.length > 0;
    for (const a of openSos) this.notify(a, onClick);
  }

  setIcon(sos) {
    if (sos) {
      if (!this.link) {
        this.link = document.querySelector("link[rel~='icon']");
        if (!this.link) {
          this.link = el("link", { rel: "icon" });
          document.head.append(this.link);
          this.createdLink = true;
        }
        this.baseIcon = this.link.getAttribute("href");
        this.baseType = this.link.getAttribute("type");
      }
      this.link.setAttribute("type", "image/svg+xml");
      if (this.link.getAttribute("href") !== SOS_ICON) this.link.setAttribute("href", SOS_ICON);
      this.link.dataset.sos = "true";
    } else if (this.link) {
      if (this.createdLink) this.link.remove();
      else {
        if (this.baseIcon === null) this.link.removeAttribute("href"); else this.link.setAttribute("href", this.baseIcon);
        if (this.baseType === null) this.link.removeAttribute("type"); else this.link.setAttribute("type", this.baseType);
        delete this.link.dataset.sos;
      }
      this.link = null;
      this.createdLink = false;
    }
  }

  notify(a, onClick) {
    const id = String(a.id);
    if (this.notified.has(id)) return;
    this.notified.add(id);
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      const n = new Notification("SOS " + (a.unitId || ""), {
        body: [a.officerId ? "officer " + a.officerId : "", a.message || ""].filter(Boolean).join(" – "),
        tag: "openbwc-sos-" + id, requireInteraction: true, icon: SOS_ICON,
      });
      n.onclick = () => { window.focus(); if (onClick) onClick(a); n.close(); };
    } catch (e) {
      console.warn("desktop notification failed", e);
    }
  }
}

/** The fleet page's address that shows a unit on its map. */
export function mapUrl(unitId) { return "/#unit=" + enc(unitId); }

/**
 * Keeps every alert, renders #alert-banner and #alert-history, drives the alarm, the tab title and icon.
 * Banner: open alerts and acknowledged SOS (compact, until resolved); critical first, the rest folded into "+N more".
 * Options: showOnMap(unitId) (default: go to the fleet page's map), officerOf(unitId) for alerts without officerId,
 * onlineOf(unitId) (true, false, or undefined when unknown) so a banner player of an offline unit does not ask for
 * video it cannot get; the page tells later changes with unitOnline(unitId, online).
 */
export class AlertCenter {
  constructor({ historySize = 40, showOnMap, officerOf, onlineOf } = {}) {
    this.alerts = new Map();
    this.historySize = historySize;
    this.showOnMap = showOnMap || (unitId => location.assign(mapUrl(unitId)));
    this.officerOf = officerOf || (() => "");
    this.onlineOf = onlineOf || (() => undefined);
    this.banner = $("#alert-banner");
    this.history = $("#alert-history");
    this.alarm = new Alarm();
    this.attention = new Attention();
    this.alarm.onGesture = () => this.attention.askPermission();
    this.pending = new Set(); // alert ids with a request under way
    this.errors = new Map(); // alert id -> last error text
    this.boxes = new Map(); // alert id -> { box, live, form } kept across renders (video and a typed note survive)
    this.livePlayers = new Map(); // alert id -> { unitId, root, player }: an SOS plays its unit live in the banner
    this.expanded = false;
    this.headError = "";
    this.mutedFor = new Set(); // the open SOS ids a viewer muted locally; a new SOS sounds again
    document.body.dataset.alarm = "quiet";
    this.render();
    setInterval(() => { refreshAges(this.banner); refreshAges(this.history); }, 1000);
  }

  replaceAll(list) {
    this.alerts.clear();
    for (const a of list || []) if (a && a.id !== undefined && a.id !== null) this.alerts.set(String(a.id), a);
    this.render();
  }

  upsert(a) {
    if (!a || a.id === undefined || a.id === null) return;
    this.alerts.set(String(a.id), a);
    this.render();
  }

  /** What the banner shows, most urgent first: open SOS, acknowledged SOS, other critical, then the rest. */
  bannerAlerts() {
    const rank = a => a.type === "sos" ? (alertState(a) === "open" ? 0 : 1) : 2;
    return Array.from(this.alerts.values()).filter(inBanner).sort((a, b) =>
      ((SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3)) || (rank(a) - rank(b)) ||
      ((toMillis(b.time) || 0) - (toMillis(a.time) || 0)));
  }

  /** Kept for callers of the old name: the alerts still open. */
  unacknowledged() { return this.bannerAlerts().filter(a => alertState(a) === "open"); }

  render() {
    const shown = this.bannerAlerts();
    const openSos = shown.filter(a => a.type === "sos" && alertState(a) === "open");
    for (const id of Array.from(this.mutedFor)) if (!openSos.some(a => String(a.id) === id)) this.mutedFor.delete(id);
    this.alarm.setMuted(openSos.length > 0 && openSos.every(a => this.mutedFor.has(String(a.id))));
    this.alarm.set(openSos.length > 0);
    this.attention.update(openSos.map(a => this.withOfficer(a)), a => this.showOnMap(String(a.unitId)));
    if (this.banner) this.renderBanner(shown, openSos);
    this.pruneLive(shown);
    if (this.history) this.renderHistory();
  }

  withOfficer(a) {
    if (a.officerId || !a.unitId) return a;
    const o = this.officerOf(String(a.unitId));
    return o ? Object.assign({}, a, { officerId: o }) : a;
  }

  renderBanner(shown, openSos) {
    // A unit's other alerts (its going offline, say) fold behind its SOS: the SOS box already says it.
    const sosUnits = new Set(shown.filter(a => a.type === "sos").map(a => String(a.unitId)));
    const behindSos = a => a.type !== "sos" && sosUnits.has(String(a.unitId));
    const critical = shown.filter(a => a.severity === "critical" && !behindSos(a));
    const rest = shown.filter(a => a.severity !== "critical" || behindSos(a));
    // Non-critical alerts fold away when a critical one is up (or there are many), so the emergency keeps the room.
    const keepOut = critical.length ? 0 : 2;
    const folded = rest.length > keepOut ? rest.slice(keepOut) : [];
    const visible = critical.concat(rest.slice(0, rest.length - folded.length));
    const nodes = [this.bannerHead(shown, openSos, folded)];
    for (const a of visible) nodes.push(this.alertBox(a));
    if (folded.length && this.expanded) for (const a of folded) nodes.push(this.alertBox(a));
    // Re-order only where needed: a moved node loses focus (a note being typed) and restarts nothing else.
    let node = this.banner.firstChild;
    for (const n of nodes) {
      if (node !== n) this.banner.insertBefore(n, node);
      else node = node.nextSibling;
    }
    while (node) { const next = node.nextSibling; node.remove(); node = next; }
    const ids = new Set(shown.map(a => String(a.id)));
    for (const id of Array.from(this.boxes.keys())) if (!ids.has(id)) this.boxes.delete(id);
    this.banner.hidden = shown.length === 0;
    this.banner.dataset.count = String(shown.length);
  }

  bannerHead(shown, openSos, folded) {
    if (!this.head) this.head = el("div", { class: "alert-banner-head" });
    const open = shown.filter(a => alertState(a) === "open").length;
    const taken = shown.length - open;
    const parts = [el("span", { class: "alert-count", text:
      (open ? open + (open === 1 ? " open alert" : " open alerts") : "") +
      (open && taken ? " · " : "") + (taken ? taken + " SOS in hand" : "") })];
    if (canCommand()) {
      const info = shown.filter(a => a.severity === "info" && alertState(a) === "open").length;
      if (info) {
        const b = el("button", { type: "button", class: "ack-info", text: "Acknowledge all info (" + info + ")" });
        if (this.pending.has("ack-info")) b.disabled = true;
        b.addEventListener("click", () => this.ackInfo());
        parts.push(b);
      }
    } else if (open) {
      parts.push(el("span", { class: "viewer-note", text: "A supervisor must acknowledge" }));
      if (openSos.length) {
        const muted = openSos.every(a => this.mutedFor.has(String(a.id)));
        const b = el("button", { type: "button", class: "alarm-mute", "aria-pressed": String(muted),
          text: muted ? "Unmute alarm" : "Mute alarm (this screen)" });
        b.addEventListener("click", () => {
          if (muted) this.mutedFor.clear();
          else for (const a of openSos) this.mutedFor.add(String(a.id));
          this.render();
        });
        parts.push(b);
      }
    }
    if (folded.length) {
      // In the head line, not below the alerts: it costs no height, and stays visible when the banner scrolls.
      const more = el("button", {
        type: "button", class: "alert-more", "aria-expanded": String(this.expanded),
        text: this.expanded ? "Fold " + folded.length + " less urgent" : "+" + folded.length + " more (" + foldSummary(folded) + ")",
      });
      more.addEventListener("click", () => { this.expanded = !this.expanded; this.render(); });
      parts.push(more);
    }
    if (this.headError) parts.push(el("span", { class: "alert-error", text: this.headError }));
    this.head.replaceChildren(...parts);
    return this.head;
  }

  /** One alert in the banner: the box is kept across renders, its text and buttons rebuilt. */
  alertBox(a0) {
    const a = this.withOfficer(a0);
    const id = String(a.id);
    const state = alertState(a);
    let rec = this.boxes.get(id);
    if (!rec) {
      rec = { box: el("div", {}), main: el("div", { class: "alert-main" }), actions: el("div", { class: "alert-actions" }),
              form: null };
      rec.box.append(rec.main, rec.actions);
      this.boxes.set(id, rec);
    }
    const { box } = rec;
    const sos = a.type === "sos";
    const compact = sos && state === "acknowledged";
    box.className = "alert sev-" + (a.severity || "info") + (compact ? " compact" : "");
    Object.assign(box.dataset, { alertId: id, type: a.type || "", severity: a.severity || "info", state });
    if (a.severity === "critical" && state === "open") box.setAttribute("role", "alert"); else box.removeAttribute("role");

    const line = [el("span", { class: "alert-type", text: alertWords(a.type) }),
      a.unitId ? el("a", { class: "alert-unit", href: unitUrl(a.unitId), text: a.unitId }) : null];
    if (sos && a.officerId) line.push(el("span", { class: "alert-officer", text: "(officer " + a.officerId + ")" }));
    if (compact) {
      line.push(el("span", { class: "alert-taken",
        text: ", taken by " + (a.acknowledgedBy || "someone") + " " + hhmm(a.acknowledgedAt) }));
      if (a.ackNote) line.push(el("span", { class: "alert-note", text: "“" + a.ackNote + "”" }));
    }
    line.push(agedTime(a.time, "alert-time"));
    const main = [el("div", { class: "alert-line" }, ...line)];
    const msg = alertMessage(a);
    const offline = sos ? this.offlineAlertOf(a.unitId) : null;
    if (offline) {
      main.push(el("div", { class: "alert-offline" }, el("strong", { text: "Unit offline" }),
        " since ", agedTime(offline.time, "alert-offline-time"), " – last known state and position shown"));
    } else if (msg && !compact) {
      main.push(el("div", { class: "alert-message", text: msg, title: msg }));
    }
    const err = this.errors.get(id);
    if (err) main.push(el("div", { class: "alert-error", role: "status", text: err }));
    rec.main.replaceChildren(...main);

    if (sos && canCommand() && a.unitId) {
      box.classList.add("has-live");
      const live = this.liveView(id, String(a.unitId));
      if (box.firstChild !== live) box.insertBefore(live, box.firstChild);
    }

    const busy = this.pending.has(id);
    const buttons = [];
    if (a.unitId) {
      buttons.push(el("button", { type: "button", class: "show-map", text: "Show on map",
        onclick: ev => { ev.stopPropagation(); this.showOnMap(String(a.unitId)); } }));
    }
    if (canCommand()) {
      if (state === "open") {
        buttons.push(el("button", { type: "button", class: "ack", text: "Acknowledge", disabled: busy,
          onclick: ev => { ev.stopPropagation(); this.ack(id); } }));
      }
      if (a.type === "call.requested" && a.unitId && state !== "resolved") {
        // Opens the unit's live view with Talk pressed; the call resolves the alert.
        buttons.push(el("button", { type: "button", class: "answer", text: "Answer",
          onclick: ev => { ev.stopPropagation(); location.assign("/live/" + enc(String(a.unitId)) + "?answer=1"); } }));
      }
      if (sos) {
        buttons.push(el("button", { type: "button", class: "resolve", text: "Resolve…", disabled: busy,
          "aria-expanded": String(!!(rec.form && !rec.form.hidden)),
          onclick: ev => { ev.stopPropagation(); this.openResolve(id); } }));
      }
    }
    rec.actions.replaceChildren(...buttons);
    if (rec.form && box.lastChild !== rec.form) box.append(rec.form);
    return box;
  }

  /** The unresolved "unit offline" alert of a unit, if any: its SOS box says the unit went offline, and when. */
  offlineAlertOf(unitId) {
    let found = null;
    for (const a of this.alerts.values()) {
      if (a.type === "unit.offline" && String(a.unitId) === String(unitId) && alertState(a) !== "resolved" &&
          (!found || (toMillis(a.time) || 0) > (toMillis(found.time) || 0))) found = a;
    }
    return found;
  }

  /** The inline resolve form of an alert: a required note for an SOS, then POST .../resolve. */
  openResolve(id) {
    const rec = this.boxes.get(id);
    if (!rec) return;
    if (!rec.form) {
      const input = el("input", { type: "text", name: "note", class: "resolve-note", maxlength: "500",
        placeholder: "What happened? (required)", "aria-label": "resolution note", autocomplete: "off" });
      const err = el("span", { class: "form-error", role: "status" });
      const form = el("form", { class: "resolve-form" },
        el("label", {}, el("span", { text: "Resolution note" }), input),
        el("button", { type: "submit", class: "resolve-submit", text: "Resolve" }),
        el("button", { type: "button", class: "resolve-cancel btn-quiet", text: "Cancel",
          onclick: () => { form.hidden = true; this.render(); } }),
        err);
      form.addEventListener("submit", ev => {
        ev.preventDefault();
        const note = input.value.trim();
        if (!note) { setText(err, "A note is required to resolve an SOS."); input.focus(); return; }
        this.resolve(id, note, err);
      });
      form.addEventListener("click", ev => ev.stopPropagation());
      rec.form = form;
      rec.box.append(form);
    }
    rec.form.hidden = false;
    this.render();
    const input = rec.form.querySelector("input");
    if (input) input.focus();
  }

  /** The banner's live player for an SOS (kept across re-renders, so the video never restarts). */
  liveView(id, unitId) {
    let lp = this.livePlayers.get(id);
    if (lp && lp.unitId !== unitId) { lp.player.stop(); lp.root.remove(); lp = null; }
    if (!lp) {
      const { root, video } = createLiveView(unitId, { className: "alert-live" });
      lp = { unitId, root, player: attachLivePlayer(video, unitId, { online: this.onlineOf(unitId) }) };
      this.livePlayers.set(id, lp);
    }
    return lp.root;
  }

  /** A unit went offline or came back: its banner players stop asking for video, or ask again. */
  unitOnline(unitId, online) {
    for (const lp of this.livePlayers.values()) if (lp.unitId === String(unitId)) lp.player.setUnitOnline(online);
  }

  /** Stops the banner players of SOS alerts that left the banner (resolved here or elsewhere, or gone). */
  pruneLive(shown) {
    const keep = new Set(shown.filter(a => a.type === "sos").map(a => String(a.id)));
    for (const [id, lp] of this.livePlayers) {
      if (keep.has(id) && canCommand() && this.banner) continue;
      lp.player.stop();
      lp.root.remove();
      this.livePlayers.delete(id);
    }
  }

  async act(id, path, body, failWord) {
    if (this.pending.has(id)) return null;
    this.pending.add(id);
    this.errors.delete(id);
    this.render();
    try {
      const updated = await api("/api/alerts/" + enc(id) + path, { method: "POST", body });
      this.pending.delete(id);
      if (updated && updated.id !== undefined) this.alerts.set(String(updated.id), updated);
      this.render();
      return updated || {};
    } catch (e) {
      this.pending.delete(id);
      this.errors.set(id, failWord + " failed: " + e.message);
      this.render();
      return null;
    }
  }

  async ack(id) {
    const a = await this.act(id, "/ack", {}, "acknowledge");
    if (a && a.id === undefined && this.alerts.has(id)) {
      // An answer without the alert (older gateway): the stream brings it; show it as taken meanwhile.
      this.upsert(Object.assign({}, this.alerts.get(id), { acknowledged: true, state: "acknowledged",
        acknowledgedBy: session.username, acknowledgedAt: new Date().toISOString() }));
    }
  }

  async resolve(id, note, errEl) {
    setText(errEl, "");
    const a = await this.act(id, "/resolve", { note }, "resolve");
    const rec = this.boxes.get(id);
    if (a === null) {
      if (errEl) setText(errEl, this.errors.get(id) || "resolve failed");
      return;
    }
    if (rec && rec.form) { rec.form.hidden = true; rec.form.reset(); }
    this.render();
  }

  async ackInfo() {
    if (this.pending.has("ack-info")) return;
    this.pending.add("ack-info");
    this.headError = "";
    this.render();
    try {
      await api("/api/alerts/ack-info", { method: "POST", body: {} });
      const list = await api("/api/alerts");
      if (Array.isArray(list)) this.replaceAll(list);
    } catch (e) {
      this.headError = "acknowledge all info failed: " + e.message;
    } finally {
      this.pending.delete("ack-info");
      this.render();
    }
  }

  renderHistory() {
    const last = a => Math.max(toMillis(a.resolvedAt) || 0, toMillis(a.acknowledgedAt) || 0, toMillis(a.time) || 0);
    const list = Array.from(this.alerts.values()).sort((a, b) => last(b) - last(a)).slice(0, this.historySize);
    const items = list.map(a0 => {
      const a = this.withOfficer(a0);
      const state = alertState(a);
      const li = el("li", {
        class: state + (state !== "open" ? " acked" : "") + " sev-" + (a.severity || "info"),
        dataset: { alertId: String(a.id), type: a.type || "", severity: a.severity || "info", state },
      });
      let what;
      if (state === "resolved") {
        what = "resolved by " + (a.resolvedBy === "unit" ? "the unit" : a.resolvedBy || "someone") + " " +
          (a.resolvedAt ? fmtTime(a.resolvedAt) : "") + (a.resolveNote ? ": " + a.resolveNote : "");
      } else if (state === "acknowledged") {
        what = "acknowledged by " + (a.acknowledgedBy || "someone") + " " +
          (a.acknowledgedAt ? fmtTime(a.acknowledgedAt) : "") + (a.ackNote ? ": " + a.ackNote : "");
      } else {
        what = "open";
      }
      li.append(
        agedTime(a.time, "h-time"),
        a.unitId ? el("a", { href: unitUrl(a.unitId), text: a.unitId }) : el("span", { text: DASH }),
        el("span", { class: "h-type", text: alertWords(a.type) + (a.type === "sos" && a.officerId ? " (officer " + a.officerId + ")" : "") }),
        el("span", { class: "h-ack", text: what.trim(), title: what.trim() }),
      );
      if (a.message) li.title = a.message;
      return li;
    });
    if (!items.length) items.push(el("li", { class: "empty", text: "no alerts" }));
    this.history.replaceChildren(...items);
  }
}

/** The alert's message without what the banner line already says: "SOS raised on bwc-003, officer 471 (SOS button
 *  held)" becomes "SOS button held". */
function alertMessage(a) {
  const m = String(a.message || "");
  if (a.type !== "sos") return m;
  const rest = m.replace(/^SOS (raised|active) on \S+?(, officer [^(]*?)?(?= \(|$)/, "").trim();
  return rest.replace(/^\((.*)\)$/, "$1");
}

function foldSummary(list) {
  const n = s => list.filter(a => a.severity === s).length;
  const parts = [];
  if (n("critical")) parts.push(n("critical") + " critical");
  if (n("warning")) parts.push(n("warning") + " warning");
  if (n("info")) parts.push(n("info") + " info");
  return parts.join(", ") || list.length + " other";
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
  // The banner above the map comes and goes: keep Leaflet's idea of the map size current (it fires "resize").
  if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize({ pan: false })).observe(container);
  return map;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * The marker shape of each display state, so that state reads without colour too: SOS a triangle with "!",
 * recording a filled circle with a white dot, offline a hollow dashed ring, stealth a square, revoked a crossed square.
 */
const MARKER_SHAPES = {
  sos: { shape: "triangle", glyph: "!" },
  recording: { shape: "circle", dot: true },
  post_event: { shape: "circle", glyph: "…" },
  buffering: { shape: "circle" },
  sleep: { shape: "circle", glyph: "z" },
  stealth: { shape: "square", glyph: "S" },
  offline: { shape: "ring" },
  unknown: { shape: "circle", glyph: "?" },
  revoked: { shape: "square", glyph: "×" },
};

function svg(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** The SVG drawn for a display state (colours come from the stylesheet by data-state). */
export function markerShape(ds) {
  const spec = MARKER_SHAPES[ds] || MARKER_SHAPES.unknown;
  const s = svg("svg", { viewBox: "0 0 24 24", class: "shape shape-" + spec.shape, "aria-hidden": "true" });
  if (spec.shape === "triangle") s.append(svg("path", { class: "body", d: "M12 1.5 L23 21.5 H1 Z" }));
  else if (spec.shape === "square") s.append(svg("rect", { class: "body", x: 2.5, y: 2.5, width: 19, height: 19, rx: 3 }));
  else s.append(svg("circle", { class: "body", cx: 12, cy: 12, r: spec.shape === "ring" ? 8.5 : 10 }));
  if (spec.dot) s.append(svg("circle", { class: "glyph-dot", cx: 12, cy: 12, r: 4 }));
  if (spec.glyph) {
    const t = svg("text", { class: "glyph", x: 12, y: spec.shape === "triangle" ? 19 : 16.5, "text-anchor": "middle" });
    t.textContent = spec.glyph;
    s.append(t);
  }
  return s;
}

/**
 * The divIcon element for a unit: div.unit-marker[data-id][data-state] > div.um (moved when fanned out) >
 * span.dot (the state's shape) + span.label; span.leg joins a fanned-out marker to its true position.
 */
export function unitIcon(id) {
  const L = window.L;
  const root = el("div", { class: "um" }, el("span", { class: "dot" }), el("span", { class: "label", text: id }));
  const wrap = el("div", { class: "um-wrap" }, el("span", { class: "leg", hidden: true }), root);
  return L.divIcon({ className: "unit-marker", html: wrap, iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -12] });
}

/** Creates a unit marker whose element carries class unit-marker and data-id/data-state. */
export function unitMarker(u, latlng) {
  const L = window.L;
  const m = L.marker(latlng, { icon: unitIcon(u.id), title: u.id, riseOnHover: true, keyboard: true });
  m._ds = displayState(u);
  m._u = u;
  m.on("add", () => { m._shapeOf = null; paintMarker(m); });
  return m;
}

/** Z-order by urgency: an SOS above everything, even when its unit is offline (last known position). */
function markerZ(ds) {
  return ds === "sos" ? 1000 : ds === "recording" || ds === "post_event" ? 500 : ds === "offline" || ds === "revoked" ? -100 : 0;
}

/**
 * The view shows last known values, not live ones: the unit is offline (older gateways do not say `lastKnown`), or
 * the gateway cannot see the fleet (`staleSince`).
 */
export function showsLastKnown(u) {
  if (!u || u.revoked) return false;
  return u.lastKnown === true || (u.online === false && u.lastKnown === undefined);
}

function paintMarker(m) {
  const e = m.getElement();
  if (!e) return;
  const u = m._u || {};
  const ds = m._ds;
  e.dataset.id = u.id;
  if (e.dataset.state !== ds) e.dataset.state = ds;
  const lastKnown = showsLastKnown(u);
  if (lastKnown) e.dataset.lastKnown = "true"; else delete e.dataset.lastKnown;
  const dot = e.querySelector(".dot");
  if (dot && m._shapeOf !== ds) { dot.replaceChildren(markerShape(ds)); m._shapeOf = ds; }
  const label = e.querySelector(".label");
  if (label) setText(label, String(u.id) + (lastKnown ? " · last known" : ""));
  const words = (STATE_WORDS[ds] || ds) + (lastKnown ? ", last known position" : "");
  e.setAttribute("aria-label", u.id + ": " + words);
  e.title = u.id + " – " + words;
}

/** Updates a unit marker's display state (data-state, shape, label) and z-order. */
export function setMarkerState(m, u) {
  m._ds = displayState(u);
  m._u = u;
  paintMarker(m);
  m.setZIndexOffset(markerZ(m._ds));
}

/** Moves a marker's drawing by (dx, dy) pixels from its true position, with a leg back to it; (0, 0) puts it back. */
export function setMarkerOffset(m, dx, dy, groupSize = 1) {
  m._offset = [dx, dy];
  const e = m.getElement();
  if (!e) return;
  const um = e.querySelector(".um");
  const leg = e.querySelector(".leg");
  const moved = dx !== 0 || dy !== 0;
  if (um) um.style.transform = moved ? "translate(" + dx.toFixed(1) + "px, " + dy.toFixed(1) + "px)" : "";
  if (leg) {
    leg.hidden = !moved;
    if (moved) {
      leg.style.width = Math.hypot(dx, dy).toFixed(1) + "px";
      leg.style.transform = "rotate(" + Math.atan2(dy, dx).toFixed(4) + "rad)";
    }
  }
  if (groupSize > 1) e.dataset.group = String(groupSize); else delete e.dataset.group;
}

/**
 * Fans out markers drawn within `px` pixels of each other (same spot or nearly) on a small circle around their
 * centre, each with a leg to its true position, so no unit hides another. Returns the groups of more than one.
 */
export function spreadOverlapping(map, markers, px = 22) {
  const items = markers.filter(m => m && map.hasLayer(m))
    .map(m => ({ m, p: map.latLngToLayerPoint(m.getLatLng()) }))
    .sort((a, b) => String(a.m._u && a.m._u.id).localeCompare(String(b.m._u && b.m._u.id), undefined, { numeric: true }));
  const groups = [];
  for (const it of items) {
    const g = groups.find(g => g.items.some(o => o.p.distanceTo(it.p) < px));
    if (g) g.items.push(it); else groups.push({ items: [it] });
  }
  const multi = [];
  for (const g of groups) {
    const n = g.items.length;
    if (n === 1) { setMarkerOffset(g.items[0].m, 0, 0); continue; }
    const cx = g.items.reduce((s, it) => s + it.p.x, 0) / n, cy = g.items.reduce((s, it) => s + it.p.y, 0) / n;
    const r = Math.max(24, (n * 30) / (2 * Math.PI));
    g.items.forEach((it, i) => {
      const ang = -Math.PI / 2 + (2 * Math.PI * i) / n;
      setMarkerOffset(it.m, cx + r * Math.cos(ang) - it.p.x, cy + r * Math.sin(ang) - it.p.y, n);
    });
    multi.push(g.items.map(it => it.m));
  }
  return multi;
}

export function hasLocation(u) {
  return !!(u && u.location && isNum(u.location.lat) && isNum(u.location.lon));
}

/** Ticks fn every second, aligned to the wall clock second. */
export function everySecond(fn) {
  const tick = () => { try { fn(Date.now()); } catch (e) { console.error(e); } setTimeout(tick, 1000 - (Date.now() % 1000) + 5); };
  setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
}
