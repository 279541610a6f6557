// Unit page (/units/{id}): live status, trail map, timeline, recordings, commands.
import {
  $, el, setText, api, enc, ApiError, DASH, isNum, toMillis, fmtTime, fmtDateTime, fmtAgo, fmtWhen, fmtDuration,
  fmtBattery, fmtStorage, fmtPercent, fmtBool, fmtStateText, fmtPreEvent, fmtApiError, displayState, isRecording,
  isOffline, offlineSince, recordingElapsed, eventWords, initSession, canCommand, LiveStream, AlertCenter, createMap,
  unitMarker, setMarkerState, hasLocation, everySecond, showPageError,
} from "/assets/app.js";
import { createLiveView, attachLivePlayer, liveUrl } from "/assets/live.js";

const TRAIL_POINTS = 100;
const TIMELINE_SIZE = 300;

const unitId = (() => {
  const m = location.pathname.match(/^\/units\/([^/]+)\/?$/);
  try { return m ? decodeURIComponent(m[1]) : ""; } catch (e) { return m ? m[1] : ""; }
})();

const alerts = new AlertCenter();
let unit = null;          // latest UnitView
let receivedAt = 0;       // local time it arrived
let known = false;        // the gateway knows this unit
let map = null, marker = null, line = null, mapFitted = false;
let trail = [];           // [[lat, lon]...]
const events = new Map(); // key -> UnitEvent
let recordingsTimer = null;

setText($("#unit-id"), unitId || DASH);
$("#recordings-evidence").href = "/evidence?unit=" + enc(unitId);
document.title = (unitId || "Unit") + " · openbwc monitoring room";

// ---------------------------------------------------------------------------------------------------------------
// Status panel

function field(name) { return $('#status [data-field="' + name + '"]'); }

function renderStatus(now = Date.now()) {
  const stateEl = $("#status .state");
  if (!unit) {
    stateEl.dataset.state = known ? "unknown" : "offline";
    setText(stateEl, known ? "UNKNOWN" : "NOT KNOWN TO THE GATEWAY");
    return;
  }
  const u = unit;
  const ds = displayState(u);
  stateEl.dataset.state = ds;
  document.body.dataset.unitState = ds;
  setText(stateEl, fmtStateText(u, receivedAt, now));
  setText($("#unit-officer"), u.officerId ? "Officer " + u.officerId : "");
  setText(field("lastSeen"), u.lastSeen ? fmtWhen(u.lastSeen, now) : DASH);
  // Offline: the gateway keeps the unit's last live values; they are marked, with their age, so nobody takes a
  // battery from ten minutes ago for the battery now.
  // The gateway's own link to the units can be down too (staleSince): then everything is last known, for every unit.
  const since = offlineSince(u);
  const blind = since === null ? toMillis(u.staleSince) : null;
  const stale = (since !== null && (u.lastKnown === true || u.lastKnown === undefined)) || blind !== null;
  const note = $("#last-known");
  note.hidden = since === null && blind === null;
  if (since !== null) {
    setText(note, "Offline since " + fmtWhen(since, now) + "." +
      (stale && u.lastSeen ? " Values marked “last known” are from " + fmtWhen(u.lastSeen, now) + "." : ""));
  } else if (blind !== null) {
    setText(note, "The gateway has lost its link to the units since " + fmtWhen(blind, now) +
      ": values marked “last known” are from before then.");
  }
  const lastKnown = (name, text) => {
    const dd = field(name);
    const mark = stale && text !== DASH;
    dd.classList.toggle("stale", mark);
    setText(dd, mark ? text + " · last known" : text);
  };
  setText(field("officer"), u.officerId || DASH);
  setText(field("online"), since === null ? fmtBool(u.online, "online", "OFFLINE") : "OFFLINE since " + fmtTime(since));
  field("online").classList.toggle("warn", since !== null);
  lastKnown("battery", fmtBattery(u.battery));
  field("battery").classList.toggle("warn", !!(u.battery && isNum(u.battery.percent) && u.battery.percent <= 20));
  lastKnown("storage", u.storage ? fmtStorage(u.storage) + " of " + fmtBytesShort(u.storage.totalBytes) : DASH);
  lastKnown("offload", fmtBacklog(u.offloadBacklog));
  setText(field("signal"), since !== null ? DASH : fmtPercent(u.signalPercent));
  lastKnown("recording", recordingText(u, since, now));
  lastKnown("stealth", fmtBool(u.stealth, "ON", "off"));
  field("stealth").classList.toggle("hl", !!u.stealth);
  setText(field("live"), fmtBool(u.live, "streaming", "no"));
  setText(field("viewers"), isNum(u.viewers) ? String(u.viewers) : DASH);
  setText(field("clockSet"), fmtBool(u.clockSet, "yes", "NOT SET"));
  field("clockSet").classList.toggle("warn", u.clockSet === false);
  setText(field("droppedFrames"), isNum(u.droppedFrames) ? String(u.droppedFrames) : DASH);
  field("droppedFrames").classList.toggle("warn", isNum(u.droppedFrames) && u.droppedFrames > 0);
  setText(field("firmware"), u.firmware || DASH);
  const loc = u.location;
  lastKnown("location", hasLocation(u)
    ? loc.lat.toFixed(5) + ", " + loc.lon.toFixed(5) +
      (isNum(loc.accuracyMeters) ? " ±" + Math.round(loc.accuracyMeters) + " m" : "") +
      (isNum(loc.speedMps) ? " · " + Math.round(loc.speedMps * 3.6) + " km/h" : "") +
      (loc.fixTime ? " · fix " + fmtAgo(loc.fixTime, now) : "")
    : DASH);
  setText(field("lastStatusTime"), u.lastStatusTime ? fmtDateTime(u.lastStatusTime) : DASH);
  field("lastStatusTime").title = u.lastStatusTime ? fmtWhen(u.lastStatusTime, now) + " (the unit's clock)" : "";
  renderOfflineCommands(since, blind);
}

/** "bwc-1-0042 · 2:06 +30 s pre-event · since 15:39:33", or what was last known of it while offline. */
function recordingText(u, since, now) {
  if (since !== null) {
    const last = u.lastState || "";
    if (!u.recordingId || (last !== "RECORDING" && last !== "POST_EVENT")) return u.lastKnown ? "not recording" : DASH;
    return u.recordingId + " · was recording" +
      (u.recordingSince ? " since " + fmtDateTime(u.recordingSince) : "");
  }
  if (!u.recordingId) return isRecording(u) ? "recording" : "not recording";
  const rec = recordingElapsed(u, receivedAt, now);
  const pre = fmtPreEvent(u);
  return u.recordingId + (rec !== null ? " · " + fmtDuration(rec) + (pre ? " " + pre : "") : "") +
    (u.recordingSince ? " · since " + fmtDateTime(u.recordingSince) : "");
}

function fmtBytesShort(b) {
  if (!isNum(b)) return DASH;
  return (b / 1073741824).toFixed(b >= 107374182400 ? 0 : 1) + " GiB";
}

// ---------------------------------------------------------------------------------------------------------------
// Map

function renderMap() {
  if (!map) return;
  if (unit && hasLocation(unit)) {
    const ll = [unit.location.lat, unit.location.lon];
    if (!marker) {
      marker = unitMarker(unit, ll).addTo(map);
    } else {
      marker.setLatLng(ll);
    }
    setMarkerState(marker, unit);
    if (mapFitted && !map.getBounds().pad(-0.1).contains(ll)) map.panTo(ll);
  } else if (marker) {
    marker.remove();
    marker = null;
  }
  if (trail.length > 1) {
    if (!line) line = window.L.polyline(trail, { color: "#1c7ed6", weight: 4, opacity: 0.7, interactive: false }).addTo(map);
    else line.setLatLngs(trail);
  } else if (line) {
    line.remove();
    line = null;
  }
  if (!mapFitted) {
    const pts = trail.slice();
    if (unit && hasLocation(unit)) pts.push([unit.location.lat, unit.location.lon]);
    // Not animated: Leaflet drops a second fit that arrives while the first one's zoom animation runs.
    const bounds = pts.length ? window.L.latLngBounds(pts) : null;
    if (bounds && !bounds.getNorthEast().equals(bounds.getSouthWest())) {
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 17, animate: false });
      mapFitted = true;
    } else if (bounds) {
      map.setView(pts[0], 16, { animate: false });
      mapFitted = true;
    }
  }
}

function extendTrail() {
  if (!unit || !hasLocation(unit)) return;
  const last = trail[trail.length - 1];
  if (last && last[0] === unit.location.lat && last[1] === unit.location.lon) return;
  trail.push([unit.location.lat, unit.location.lon]);
  if (trail.length > TRAIL_POINTS) trail.splice(0, trail.length - TRAIL_POINTS);
}

async function loadTrail() {
  try {
    const pts = await api("/api/units/" + enc(unitId) + "/trail");
    trail = (Array.isArray(pts) ? pts : []).filter(p => p && isNum(p.lat) && isNum(p.lon))
      .map(p => [p.lat, p.lon]).slice(-TRAIL_POINTS);
    extendTrail();
    renderMap();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return;
    console.warn("trail not available:", e.message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Timeline

function eventKey(ev) {
  return isNum(ev.seq) ? "s" + ev.seq : "t" + ev.time + "|" + ev.type + "|" + (ev.cause || "");
}

function renderTimeline() {
  const list = Array.from(events.values()).sort((a, b) =>
    ((toMillis(b.time) || 0) - (toMillis(a.time) || 0)) || ((b.seq || 0) - (a.seq || 0))).slice(0, TIMELINE_SIZE);
  const ol = $("#timeline");
  const items = list.map(ev => {
    const li = el("li", { dataset: { type: ev.type || "", seq: isNum(ev.seq) ? String(ev.seq) : null },
                           class: "ev-" + String(ev.type || "").replace(/[^a-z0-9]+/gi, "-") });
    li.append(
      el("time", { datetime: ev.time || "", title: fmtDateTime(ev.time, { alwaysDate: true }), text: fmtDateTime(ev.time) }),
      el("span", { class: "ev-type", text: eventWords(ev.type) }),
      el("span", { class: "ev-cause", text: ev.cause || "" }),
    );
    if (ev.state) li.append(el("span", { class: "ev-state", text: String(ev.state) }));
    const d = ev.details && typeof ev.details === "object" ? Object.entries(ev.details) : [];
    if (d.length) {
      const dl = el("span", { class: "ev-details" });
      for (const [k, v] of d) dl.append(el("span", { class: "kv" }, el("b", { text: k }), " ", String(v)));
      li.append(dl);
    }
    return li;
  });
  if (!items.length) items.push(el("li", { class: "empty", text: "No events yet." }));
  ol.replaceChildren(...items);
}

async function loadEvents() {
  try {
    const list = await api("/api/units/" + enc(unitId) + "/events");
    events.clear();
    for (const ev of Array.isArray(list) ? list : []) events.set(eventKey(ev), ev);
    renderTimeline();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) { renderTimeline(); return; }
    showPageError(fmtApiError(e, "Events unavailable"));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Recordings

/** The API's recordings say whether pre-event media was kept (preEvent), not how much: seconds when it does. */
function preEventCell(r) {
  if (isNum(r.preEventMillis)) return Math.round(r.preEventMillis / 1000) + " s";
  return fmtBool(r.preEvent, "yes", "no");
}

/** The unit's check of a sealed recording; a recording the unit could not write (recording.failed) says so and why. */
function verifiedCell(r) {
  const v = r.verified;
  const title = r.problem || null;
  if (v == null && typeof r.problem === "string" && r.problem.startsWith("failed:"))
    return el("td", { class: "verified failed", text: "✗ " + r.problem, title });
  if (v === true) return el("td", { class: "verified ok", text: "✓ verified", title });
  if (v === false) return el("td", { class: "verified failed", text: "✗ FAILED", title });
  return el("td", { class: "verified pending", text: "pending", title });
}

async function loadRecordings() {
  const tbody = $("#recordings tbody");
  try {
    const list = await api("/api/units/" + enc(unitId) + "/recordings");
    const rows = (Array.isArray(list) ? list : []).map(r => {
      const running = !r.stoppedAt;
      let dur = isNum(r.durationMillis) ? r.durationMillis : null;
      if (dur === null && running && toMillis(r.startedAt) !== null) dur = null;
      const tr = el("tr", { dataset: { recordingId: r.recordingId || "" }, class: running ? "running" : "" });
      tr.append(
        el("td", { class: "rec-id" }, r.recordingId
          ? el("a", { href: "/recordings/" + enc(r.recordingId), title: "in the evidence store (once offloaded)",
            text: r.recordingId })
          : DASH),
        el("td", { class: "when", dataset: { at: r.startedAt || "" }, text: r.startedAt ? fmtWhen(r.startedAt) : DASH,
                   title: r.startedAt ? fmtDateTime(r.startedAt, { alwaysDate: true }) : null }),
        el("td", { text: running ? "recording…" : fmtDateTime(r.stoppedAt),
                   title: r.stoppedAt ? fmtDateTime(r.stoppedAt, { alwaysDate: true }) : null }),
        el("td", { class: "num", text: dur !== null ? fmtDuration(dur) : DASH }),
        el("td", { text: r.trigger || DASH }),
        el("td", { class: "num", text: preEventCell(r) }),
        el("td", { class: r.recovered ? "warn" : "", text: r.recovered ? "recovered" : "no" }),
        verifiedCell(r),
      );
      tr.title = [isNum(r.segments) ? r.segments + " segments" : "", isNum(r.bytes) ? fmtStorage({ freeBytes: r.bytes }) : ""]
        .filter(Boolean).join(" · ");
      return tr;
    });
    tbody.replaceChildren(...rows);
    $("#recordings-empty").hidden = rows.length > 0;
    setText($("#recordings-empty"), "No recordings.");
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) { tbody.replaceChildren(); return; }
    $("#recordings-empty").hidden = false;
    setText($("#recordings-empty"), fmtApiError(e, "Recordings unavailable"));
  }
}

/** The unit's dispatch history, newest first: each step's time, and how it ended. */
async function loadDispatches() {
  const tbody = $("#dispatches tbody");
  try {
    const list = await api("/api/units/" + enc(unitId) + "/dispatches");
    const rows = (Array.isArray(list) ? list : []).map(d => {
      const u = (d.units || [])[0] || {};
      const outcome = d.status === "cancelled" ? "cancelled by " + (d.cancelledBy || DASH)
        : u.problem ? u.problem : u.arrived ? "arrived" : "open";
      const when = t => el("td", { text: t ? fmtDateTime(t) : DASH });
      return el("tr", { dataset: { id: d.id } }, when(d.createdAt), el("td", { text: d.priority }),
        el("td", { text: d.note || DASH, title: d.id }), when(u.sent), when(u.delivered), when(u.acknowledged),
        when(u.arrived), el("td", { text: outcome }));
    });
    tbody.replaceChildren(...rows);
    $("#dispatches-empty").hidden = rows.length > 0;
  } catch (e) {
    $("#dispatches-empty").hidden = false;
    setText($("#dispatches-empty"), fmtApiError(e, "Dispatches unavailable"));
  }
}

/** Keeps the ages in the recordings table current ("15:39:38 · 2 min ago"). */
function refreshRecordingAges(now) {
  for (const td of document.querySelectorAll("#recordings td.when[data-at]")) {
    if (td.dataset.at) setText(td, fmtWhen(td.dataset.at, now));
  }
}

function refreshRecordingsSoon() {
  clearTimeout(recordingsTimer);
  recordingsTimer = setTimeout(loadRecordings, 400);
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

// confirm: the command acts on evidence or the officer's safety, so it asks first, with a reason for the audit log
// (the gateway requires one for record.stop and stealth.on).
const COMMANDS = [
  { name: "record.start", label: "● Start recording", words: "Start recording", cls: "cmd-rec" },
  { name: "record.stop", label: "■ Stop recording", words: "Stop recording", confirm: {
    title: "Stop recording on {unit}?",
    text: "The unit stops recording after its post-event time. Stop only when the officer cannot do it and the " +
      "recording may end; the reason goes to the audit log.",
    button: "Stop recording" } },
  { name: "marker", label: "⚑ Marker", words: "Marker" },
  { name: "locate", label: "Locate", words: "Locate" },
  { name: "stealth.on", label: "Stealth on", words: "Stealth on", confirm: {
    title: "Turn stealth on for {unit}?",
    text: "The unit's lights and vibration go dark, also towards the officer. The reason goes to the audit log.",
    button: "Turn stealth on" } },
  { name: "stealth.off", label: "Stealth off", words: "Stealth off" },
];

const busy = new Set();   // commands on their way
let offlineText = "";     // why commands are disabled now ("" while the unit is online)

function commandDef(name) { return COMMANDS.find(c => c.name === name) || { name, words: name }; }

function showResult(outcome, text) {
  const r = $("#command-result");
  if (outcome) r.dataset.outcome = outcome;
  else delete r.dataset.outcome;
  setText(r, text);
}

/** The gateway's answer to a command, for people. */
function commandError(words, e) {
  const body = e && e.body ? e.body : {};
  const reason = typeof body.reason === "string" ? body.reason : "";
  switch (e && e.status) {
    case 0: return words + " was not sent: the gateway cannot be reached.";
    case 400: return words + " was not sent: " + (e.message || "the gateway refused the request") + ".";
    case 403: return words + " was not sent: commands are for supervisors.";
    case 404: return words + " was not sent: the gateway does not know this unit.";
    case 409: return words + " was not sent: the unit is offline.";
    case 422: return words + ": the unit refused" + (reason ? " (" + reason + ")" : "") + ".";
    case 502: return words + ": the unit's answer could not be read; check its state.";
    case 503: return words + " was not sent: the gateway cannot reach the units right now.";
    case 504: return words + ": the unit did not answer in time; it may or may not have done it. Check its state.";
    default: return fmtApiError(e, words);
  }
}

async function sendCommand(name, button, args = {}, reason = "") {
  if (busy.has(name) || offlineText) return;
  const words = commandDef(name).words;
  busy.add(name);
  button.classList.add("busy");
  renderCommandStates();
  showResult(null, words + ": sending to the unit…");
  const t0 = performance.now();
  const body = { args };
  if (reason) body.reason = reason;
  try {
    const res = await api("/api/units/" + enc(unitId) + "/commands/" + enc(name), { method: "POST", body });
    const ms = Math.round(performance.now() - t0);
    if (res && res.ok === false) {
      showResult("error", words + ": the unit refused" + (res.reason ? " (" + res.reason + ")" : "") +
        " after " + ms + " ms.");
    } else {
      showResult("ok", words + ": done, the unit answered in " + ms + " ms" +
        (res && res.reason ? " (" + res.reason + ")" : "") + ".");
      if (name === "marker") $("#marker-label").value = "";
    }
  } catch (e) {
    showResult("error", commandError(words, e));
  } finally {
    busy.delete(name);
    button.classList.remove("busy");
    renderCommandStates();
  }
}

/** Asks for confirmation and a reason in #command-dialog, then sends the command with the reason. */
function confirmCommand(c, button) {
  const dlg = $("#command-dialog");
  const reason = $("#command-reason");
  const err = $("#command-dialog-error");
  setText($("#command-dialog-title"), c.confirm.title.replace("{unit}", unitId));
  setText($("#command-dialog-text"), c.confirm.text);
  setText($("#command-confirm"), c.confirm.button);
  reason.value = "";
  reason.setAttribute("aria-required", "true"); // checked here, so the message says why
  err.hidden = true;
  dlg.dataset.command = c.name;
  dlg.onsubmit = ev => {
    ev.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      setText(err, "Give a reason: it goes to the audit log with the command.");
      err.hidden = false;
      reason.focus();
      return;
    }
    dlg.close("send");
    sendCommand(c.name, button, {}, text);
  };
  if (typeof dlg.showModal === "function") dlg.showModal();
  else dlg.setAttribute("open", "");
  reason.focus();
}

function setupDialog() {
  const dlg = $("#command-dialog");
  $("#command-cancel").addEventListener("click", () => dlg.close("cancel"));
  dlg.addEventListener("close", () => {
    if (dlg.returnValue !== "send") showResult(null, "Nothing sent.");
    dlg.returnValue = "";
  });
}

function renderCommands() {
  const box = $("#commands");
  if (!canCommand()) { box.replaceChildren(); $("#commands-panel").hidden = true; return; }
  $("#commands-panel").hidden = false;
  const items = [];
  for (const c of COMMANDS) {
    const b = el("button", { type: "button", class: "cmd " + (c.cls || ""), dataset: { command: c.name }, text: c.label });
    if (c.name === "marker") {
      const input = el("input", { id: "marker-label", type: "text", maxlength: "120", placeholder: "marker label (optional)",
                                  "aria-label": "marker label (optional)", autocomplete: "off" });
      const send = () => sendCommand("marker", b, input.value.trim() ? { label: input.value.trim() } : {});
      b.addEventListener("click", send);
      input.addEventListener("keydown", ev => { if (ev.key === "Enter") { ev.preventDefault(); send(); } });
      items.push(el("div", { class: "marker-group" }, input, b));
    } else if (c.confirm) {
      b.setAttribute("aria-haspopup", "dialog");
      b.addEventListener("click", () => { if (!b.disabled) confirmCommand(c, b); });
      items.push(b);
    } else {
      b.addEventListener("click", () => sendCommand(c.name, b));
      items.push(b);
    }
  }
  box.replaceChildren(...items);
  setupDialog();
}

/** Offline (or the gateway cut off from the units): every command is disabled, the reason on hover and beside them. */
function renderOfflineCommands(since, blind = null) {
  const text = since !== null ? "Unit offline since " + fmtTime(since) + " – commands cannot reach it."
    : blind !== null ? "The gateway has lost its link to the units since " + fmtTime(blind) +
      " – commands cannot reach them." : "";
  if (text === offlineText) return;
  offlineText = text;
  const note = $("#commands-offline");
  note.hidden = !text;
  setText(note, text);
  renderCommandStates();
}

function renderCommandStates() {
  // Highlight the commands that make sense now; all stay clickable while online (the gateway has the final word).
  for (const b of document.querySelectorAll("#commands button[data-command]")) {
    const n = b.dataset.command;
    const pointless = !!unit && ((n === "record.start" && isRecording(unit)) ||
      (n === "record.stop" && !isRecording(unit)) || (n === "stealth.on" && unit.stealth) ||
      (n === "stealth.off" && !unit.stealth));
    b.classList.toggle("dim", pointless);
    b.disabled = !!offlineText || busy.has(n);
    b.title = offlineText || "";
  }
  const input = $("#marker-label");
  if (input) { input.disabled = !!offlineText; input.title = offlineText || ""; }
  $("#commands").classList.toggle("unit-offline", !!offlineText);
}

// ---------------------------------------------------------------------------------------------------------------
// Live video (supervisor/admin): inline player in #live-panel

let livePlayer = null;

function setupLive() {
  const start = $("#live-start");
  if (!canCommand()) { start.hidden = true; return; }
  start.hidden = false;
  $("#live-open").href = liveUrl(unitId);
  start.addEventListener("click", ev => openLive(ev.timeStamp));
  $("#live-stop").addEventListener("click", closeLive);
  // Opening the live page stops the inline player: one stream per operator is enough.
  $("#live-open").addEventListener("click", () => closeLive());
}

function openLive(t0) {
  if (livePlayer) return;
  const { root, video } = createLiveView(unitId, { id: "live-video" });
  $("#live-panel-body").replaceChildren(root);
  $("#live-panel").hidden = false;
  $(".unit-right").classList.add("with-live");
  $("#live-start").setAttribute("aria-pressed", "true");
  livePlayer = attachLivePlayer(video, unitId, { t0, online: unit ? !isOffline(unit) : undefined });
}

function closeLive() {
  if (livePlayer) { livePlayer.stop(); livePlayer = null; }
  $("#live-panel-body").replaceChildren();
  $("#live-panel").hidden = true;
  $(".unit-right").classList.remove("with-live");
  $("#live-start").setAttribute("aria-pressed", "false");
}

// ---------------------------------------------------------------------------------------------------------------
// Live state

function setUnit(u) {
  unit = u;
  receivedAt = Date.now();
  known = !!u;
  extendTrail();
  renderStatus();
  renderMap();
  renderCommandStates();
  if (livePlayer && u) livePlayer.setUnitOnline(!isOffline(u));
}

function onSnapshot({ units, alerts: alertList }, reconnect) {
  alerts.replaceAll(alertList);
  // The banner may have changed the map's size since the first fit: fit once more on the first snapshot.
  if (!reconnect && map) { map.invalidateSize({ pan: false }); mapFitted = false; }
  const u = units.find(x => x && String(x.id) === unitId);
  if (u) {
    setUnit(u);
    showPageError("");
    if (reconnect) { loadEvents(); loadTrail(); loadRecordings(); }
  } else {
    forget("Unit " + unitId + " is not known to the gateway (any more).");
  }
}

/** The gateway no longer knows the unit: keep its history on screen, drop the live parts. */
function forget(message) {
  unit = null;
  known = false;
  if (marker) { marker.remove(); marker = null; }
  renderStatus();
  showPageError(message);
}

function onEvent(ev) {
  if (!ev || String(ev.unitId) !== unitId) return;
  events.set(eventKey(ev), ev);
  renderTimeline();
  if (String(ev.type || "").startsWith("recording.")) refreshRecordingsSoon();
  if (String(ev.type || "").startsWith("dispatch.")) loadDispatches();
}

async function main() {
  if (!unitId) { showPageError("No unit id in the address."); return; }
  await initSession();
  renderCommands();
  setupLive();
  let cfg = {};
  try { cfg = (await api("/api/map")) || {}; } catch (e) { console.warn("map config:", e.message); }
  map = createMap($("#unit-map"), cfg);
  window.obwcMap = map; // for diagnostics and automated checks
  try {
    setUnit(await api("/api/units/" + enc(unitId)));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      forget("The gateway does not know unit " + unitId + ".");
    } else {
      showPageError(fmtApiError(e, "Unit status unavailable"));
    }
  }
  await Promise.all([loadTrail(), loadEvents(), loadRecordings(), loadDispatches()]);
  new LiveStream({
    snapshot: onSnapshot,
    unit: u => { if (u && String(u.id) === unitId) { setUnit(u); showPageError(""); } },
    removed: d => { if (d && String(d.id) === unitId) forget("Unit " + unitId + " was removed from the gateway."); },
    event: onEvent,
    alert: a => alerts.upsert(a),
    dispatch: d => { if (d && (d.units || []).some(x => x.unitId === unitId)) loadDispatches(); },
  }).start();
  everySecond(now => { renderStatus(now); refreshRecordingAges(now); });
}

main().catch(e => {
  console.error(e);
  showPageError("The unit page could not start: " + (e && e.message ? e.message : e));
});

/** The recordings still on the unit, not yet in the evidence store: "none", or "3 (120 MB), oldest 2 h ago". */
function fmtBacklog(b) {
  if (!b) return "not offloading";
  if (b.recordings === 0) return "none: all in the evidence store";
  const age = b.oldest ? ", oldest from " + new Date(b.oldest).toLocaleString() : "";
  return b.recordings + " recording" + (b.recordings === 1 ? "" : "s") + " (" + fmtBytesShort(b.bytes) + ")" + age;
}
