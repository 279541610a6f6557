// Recording page (/recordings/{id}): the stored video, segment after segment, with its markers on a timeline; the
// GPS track on a map with a marker that follows the playhead; the store's verification; the custody log and whether
// its chain holds; and, by role, category (supervisor), export (supervisor) and legal hold (admin).
import {
  $, el, setText, api, enc, goLogin, ApiError, DASH, isNum, toMillis, fmtDateTime, fmtDuration, fmtBytes,
  fmtApiError, initSession, session, canCommand, LiveStream, AlertCenter, createMap, showPageError, unitUrl,
} from "/assets/app.js";
import {
  verifiedText, stateText, fillCategories, actionName,
} from "/assets/evidence-common.js";

const recordingId = (() => {
  const m = location.pathname.match(/^\/recordings\/([^/]+)\/?$/);
  try { return m ? decodeURIComponent(m[1]) : ""; } catch (e) { return m ? m[1] : ""; }
})();

const alerts = new AlertCenter();
const video = $("#player");
let rec = null;          // GET /api/recordings/{id}
let startedMs = null;    // the moment of the recording's media time 0 (epoch ms), see mediaOrigin
let total = 0;           // the recording's media length (s)
let segments = [];       // [{name, bytes, sha256, start, duration}] start/duration in s; duration null until known
let current = -1;        // index of the segment in the player
let pendingSeek = null;  // {at, play} applied once the segment's metadata is in
let track = [];          // [{t, lat, lon}] by time
let map = null, trackLine = null, head = null;

setText($("#rec-id"), recordingId || DASH);
document.title = "Recording " + (recordingId || "") + " · openbwc monitoring room";

/**
 * When the media begins (epoch ms). startedAt is the trigger; the media may begin earlier, with the pre-event
 * buffer. It ends with the recording (endedAt), so it began durationSeconds before that, or at startedAt when that is
 * all that is known.
 */
function mediaOrigin(r) {
  const started = toMillis(r.startedAt), ended = toMillis(r.endedAt);
  if (ended !== null && isNum(r.durationSeconds)) {
    const origin = ended - r.durationSeconds * 1000;
    if (started === null || origin < started) return origin;
  }
  return started;
}

function mediaUrl(name) {
  return "/api/recordings/" + enc(recordingId) + "/media?segment=" + enc(name);
}

// ---------------------------------------------------------------------------------------------------------------
// Segments and the recording's time line. The API gives no segment durations: until a segment has been loaded its
// length is estimated from its share of the bytes; each loaded segment's real length replaces the estimate.
// A segment's media times are either its own (from 0) or the recording's (the unit's segments continue the
// recording's clock: the second of one-minute segments starts at 60 s, and the browser's duration is its end). Which
// one is told apart when the segment loads (`global`), so both play in the right place.

function layout() {
  const lengthOf = (s, start) => s.global === true && isNum(s.endAt) ? Math.max(0, s.endAt - start)
    : isNum(s.duration) ? s.duration : null;
  const totalBytes = segments.reduce((n, x) => n + (isNum(x.bytes) ? x.bytes : 0), 0);
  let known = 0, unknownBytes = 0, t0 = 0;
  for (const s of segments) {
    const l = lengthOf(s, t0);
    if (l === null) unknownBytes += s.bytes || 0; else known += l;
    t0 += l === null ? 0 : l;
  }
  const rest = Math.max(0, total - known);
  let t = 0;
  for (const s of segments) {
    s.start = t;
    const l = lengthOf(s, t);
    s.length = l !== null ? l
      : unknownBytes > 0 ? rest * (s.bytes || 0) / unknownBytes : totalBytes > 0 ? total * (s.bytes || 0) / totalBytes : 0;
    t += s.length;
  }
  if (t > total) total = t;
  renderTimeline();
}

function segmentAt(at) {
  for (let i = segments.length - 1; i >= 0; i--) if (at >= segments[i].start - 1e-6) return i;
  return 0;
}

/** The player's time for `at` seconds into the recording, in segment s. */
function playerTime(s, at) { return Math.max(0, s.global ? at : at - s.start); }

/** Puts segment i into the player; at (s into the recording, or null: the segment's start) and play apply once its
 *  metadata is in. */
function loadSegment(i, at = null, play = false) {
  if (i < 0 || i >= segments.length) return;
  current = i;
  pendingSeek = { at, play };
  video.src = mediaUrl(segments[i].name);
  video.load();
  renderSegments();
  setText($("#player-note"), segments.length > 1 ? "segment " + (i + 1) + " of " + segments.length : "");
}

/** Moves the playhead to `at` seconds into the recording. */
function seek(at) {
  if (!segments.length) return;
  at = Math.max(0, Math.min(total, at));
  const i = segmentAt(at);
  if (i === current && video.readyState >= 1 && !pendingSeek) {
    video.currentTime = playerTime(segments[i], at);
  } else {
    loadSegment(i, at, !video.paused || video.ended);
  }
  showPosition(at);
}

/** Where the playhead is in the recording (s). */
function position() {
  if (current < 0) return 0;
  const s = segments[current];
  const t = isNum(video.currentTime) ? video.currentTime : 0;
  // A segment on the recording's clock reads 0 until it plays from its first frame.
  return s.global ? Math.max(t, s.start) : s.start + t;
}

video.addEventListener("loadedmetadata", () => {
  const s = segments[current];
  const d = video.duration;
  if (s && isNum(d) && Number.isFinite(d) && d > 0) {
    // On the recording's clock, the duration is where the segment ends; on its own, its length.
    if (s.global === undefined || s.global === null) {
      s.global = current > 0 && Math.abs(d - (s.start + s.length)) < Math.abs(d - s.length);
    }
    if (s.global) s.endAt = d; else s.duration = d;
    layout();
  }
  if (pendingSeek) {
    const { at, play } = pendingSeek;
    pendingSeek = null;
    // From its start, a segment on the recording's clock plays from its first frame by itself (the browser skips
    // the time before it); the start known here is only as good as the segments before it.
    if (at !== null && s) video.currentTime = playerTime(s, at);
    if (play) video.play().catch(() => {});
  }
});
video.addEventListener("ended", () => {
  const s = segments[current];
  if (s && isNum(video.currentTime) && video.currentTime > 0) {
    if (s.global) s.endAt = video.currentTime; else s.duration = video.currentTime;
    layout();
  }
  if (current + 1 < segments.length) loadSegment(current + 1, null, true);
});
video.addEventListener("timeupdate", () => showPosition(position()));
video.addEventListener("seeked", () => showPosition(position()));
video.addEventListener("error", () => {
  const code = video.error ? video.error.code : 0;
  setText($("#player-note"), "The video cannot be played here" + (code ? " (media error " + code + ")" : "") +
    "; export it to check it with other tools.");
});

// ---------------------------------------------------------------------------------------------------------------
// Timeline, segment and marker lists

function pct(at) { return total > 0 ? Math.max(0, Math.min(100, (at / total) * 100)) : 0; }

function markerOffset(m) {
  const t = toMillis(m.at);
  return t === null || startedMs === null ? null : (t - startedMs) / 1000;
}

function renderTimeline() {
  const marks = $("#timeline-marks");
  const markers = rec && Array.isArray(rec.markers) ? rec.markers : [];
  marks.replaceChildren(...markers.map((m, i) => {
    const at = markerOffset(m);
    if (at === null) return null;
    const b = el("button", { type: "button", class: "timeline-mark", dataset: { at: String(at) },
      title: "Marker " + (i + 1) + " at " + fmtDuration(at * 1000) + (m.label ? ": " + m.label : ""),
      "aria-label": "marker " + (i + 1) + " at " + fmtDuration(at * 1000) + (m.label ? ", " + m.label : ""),
      onclick: ev => { ev.stopPropagation(); seek(at); } });
    b.style.left = pct(at) + "%";
    return b;
  }).filter(Boolean));
  const segTicks = segments.slice(1).map(s => {
    const t = el("span", { class: "timeline-seg", "aria-hidden": "true" });
    t.style.left = pct(s.start) + "%";
    return t;
  });
  marks.append(...segTicks);
  const bar = $("#timeline-bar");
  bar.setAttribute("aria-valuemax", String(Math.round(total)));
  setText($("#timeline-start"), startedMs !== null ? fmtDateTime(startedMs, { alwaysDate: true }) : "0:00");
  setText($("#timeline-end"), fmtDuration(total * 1000));
  renderMarkerList();
  showPosition(position());
}

function renderSegments() {
  $("#segments").replaceChildren(...segments.map((s, i) => el("li", null,
    el("button", { type: "button", class: "chip" + (i === current ? " current" : ""), dataset: { segment: s.name },
      "aria-current": i === current ? "true" : null,
      title: s.name + " · " + fmtBytes(s.bytes) + (s.sha256 ? " · sha256 " + s.sha256 : ""),
      text: (i + 1) + " · " + fmtDuration(s.start * 1000),
      onclick: () => loadSegment(i, null, true) }))));
}

function renderMarkerList() {
  const markers = rec && Array.isArray(rec.markers) ? rec.markers : [];
  $("#markers").replaceChildren(...markers.map((m, i) => {
    const at = markerOffset(m);
    return el("li", null, el("button", { type: "button", class: "chip marker-chip", disabled: at === null,
      text: (i + 1) + " · " + (at === null ? DASH : fmtDuration(at * 1000)) + (m.label ? " · " + m.label : ""),
      title: fmtDateTime(m.at, { alwaysDate: true }), onclick: () => seek(at) }));
  }));
  $("#markers-empty").hidden = markers.length > 0;
}

function showPosition(at) {
  $("#timeline-head").style.left = pct(at) + "%";
  $("#timeline-played").style.width = pct(at) + "%";
  const bar = $("#timeline-bar");
  bar.setAttribute("aria-valuenow", String(Math.round(at)));
  bar.setAttribute("aria-valuetext", fmtDuration(at * 1000) + " of " + fmtDuration(total * 1000));
  setText($("#player-position"), fmtDuration(at * 1000) + " / " + fmtDuration(total * 1000) +
    (startedMs !== null ? " · " + fmtDateTime(startedMs + at * 1000, { alwaysDate: true }) : ""));
  moveHead(at);
}

function timelineEvents() {
  const bar = $("#timeline-bar");
  bar.addEventListener("click", ev => {
    const r = bar.getBoundingClientRect();
    if (r.width > 0) seek(((ev.clientX - r.left) / r.width) * total);
  });
  bar.addEventListener("keydown", ev => {
    const step = ev.shiftKey ? 30 : 5;
    if (ev.key === "ArrowRight") { seek(position() + step); ev.preventDefault(); }
    else if (ev.key === "ArrowLeft") { seek(position() - step); ev.preventDefault(); }
    else if (ev.key === "Home") { seek(0); ev.preventDefault(); }
    else if (ev.key === "End") { seek(total); ev.preventDefault(); }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Track map: the track, and a marker at the interpolated position of the playhead

/** The position at epoch ms t, interpolated between the track's points (held at its ends), or null. */
function positionAt(t) {
  if (!track.length) return null;
  if (t <= track[0].t) return track[0];
  const last = track[track.length - 1];
  if (t >= last.t) return last;
  let lo = 0, hi = track.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (track[mid].t <= t) lo = mid; else hi = mid;
  }
  const a = track[lo], b = track[hi];
  const f = b.t > a.t ? (t - a.t) / (b.t - a.t) : 0;
  return { t, lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
}

function moveHead(at) {
  if (!head || startedMs === null) return;
  const p = positionAt(startedMs + at * 1000);
  if (p) head.setLatLng([p.lat, p.lon]);
}

function drawTrack() {
  const L = window.L;
  track = (rec && Array.isArray(rec.track) ? rec.track : [])
    .map(p => ({ t: toMillis(p.at), lat: p.lat, lon: p.lon }))
    .filter(p => p.t !== null && isNum(p.lat) && isNum(p.lon))
    .sort((a, b) => a.t - b.t);
  const mapEl = $("#track-map");
  mapEl.dataset.points = String(track.length);
  if (!map) return;
  if (!track.length) {
    mapEl.append(el("div", { class: "tiles-note track-note", text: "no GPS track in this recording" }));
    return;
  }
  const pts = track.map(p => [p.lat, p.lon]);
  trackLine = L.polyline(pts, { color: "#fd7e14", weight: 4, opacity: 0.9, interactive: false, className: "track-line" })
    .addTo(map);
  L.circleMarker(pts[0], { radius: 5, color: "#fff", weight: 2, fillColor: "#37b24d", fillOpacity: 1,
    className: "track-start" }).bindTooltip("start").addTo(map);
  L.circleMarker(pts[pts.length - 1], { radius: 5, color: "#fff", weight: 2, fillColor: "#c92a2a", fillOpacity: 1,
    className: "track-end" }).bindTooltip("end").addTo(map);
  head = L.circleMarker(pts[0], { radius: 8, color: "#fff", weight: 3, fillColor: "#4dabf7", fillOpacity: 1,
    className: "track-head", interactive: false }).addTo(map);
  const bounds = L.latLngBounds(pts);
  if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(pts[0], 17, { animate: false });
  else map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18, animate: false });
  moveHead(position());
}

// ---------------------------------------------------------------------------------------------------------------
// Verification and facts

function field(name) { return $('#facts [data-field="' + name + '"]'); }

function renderFacts() {
  const r = rec;
  const v = $("#verification");
  v.dataset.state = r.verified === true ? "ok" : r.verified === false ? "broken" : "checking";
  if (r.verified === true) {
    v.replaceChildren(el("strong", { class: "chain-verdict", text: "✔ Verified" }),
      el("span", { text: ": every segment's hash, the journal's chain and the manifest's signature hold." }));
  } else if (r.verified === false) {
    v.replaceChildren(el("strong", { class: "chain-verdict", text: "✘ Verification FAILED" }),
      el("span", { text: ": " + (r.verificationProblem || "no reason given") }));
  } else {
    v.replaceChildren(el("strong", { text: "Not verified yet" }),
      el("span", { text: " (" + stateText(r.state) + "): the store verifies a recording once all of it has arrived." }));
  }
  const unit = field("unit");
  unit.replaceChildren(r.unitId ? el("a", { href: unitUrl(r.unitId), text: r.unitId }) : DASH);
  setText(field("officer"), r.officerId || DASH);
  setText(field("started"), r.startedAt ? fmtDateTime(r.startedAt, { alwaysDate: true }) : DASH);
  setText(field("ended"), r.endedAt ? fmtDateTime(r.endedAt, { alwaysDate: true }) : DASH);
  setText(field("duration"), isNum(r.durationSeconds) ? fmtDuration(r.durationSeconds * 1000) : DASH);
  setText(field("endReason"), r.endReason || DASH);
  setText(field("state"), stateText(r.state) + " · " + verifiedText(r));
  setText(field("bytes"), isNum(r.bytes) ? fmtBytes(r.bytes) + " (" + r.bytes.toLocaleString("en") + " bytes)" +
    " in " + segments.length + (segments.length === 1 ? " segment" : " segments") : DASH);
  setText(field("category"), r.category || "none");
  setText(field("hold"), r.hold ? "⚖ ON HOLD (kept whatever the retention)" : "no");
  field("hold").classList.toggle("warn", !!r.hold);
  setText(field("keyFingerprint"), r.keyFingerprint || DASH);
  setText(field("encryptedTo"), r.encryptedTo ? "encrypted to agency key " + r.encryptedTo
    + (r.playable ? " (played here decrypted)" : "") : r.playable ? "not encrypted" : DASH);
  setText($("#rec-who"), [r.unitId ? "Unit " + r.unitId : "", r.officerId ? "Officer " + r.officerId : "",
    r.startedAt ? fmtDateTime(r.startedAt, { alwaysDate: true }) : ""].filter(Boolean).join(" · "));
  renderActions();
}

// ---------------------------------------------------------------------------------------------------------------
// Custody

async function loadCustody() {
  const chain = $("#chain");
  try {
    const c = await api("/api/recordings/" + enc(recordingId) + "/custody");
    const entries = c && Array.isArray(c.entries) ? c.entries : [];
    chain.dataset.state = c.intact ? "ok" : "broken";
    chain.replaceChildren(
      el("strong", { class: "chain-verdict", text: c.intact ? "✔ Chain intact" : "✘ Chain BROKEN" }),
      el("span", { class: "chain-detail", text: c.intact
        ? ": " + entries.length + (entries.length === 1 ? " entry" : " entries") + ", each linked to the one before."
        : ": an entry was changed or removed; the log cannot be trusted after it. Keep an export and report it." }));
    $("#custody tbody").replaceChildren(...entries.map(e => {
      const action = actionName(e.action);
      return el("tr", { dataset: { seq: String(e.seq), action } },
        el("td", { class: "num", text: String(e.seq) }),
        el("td", { class: "when" }, el("time", { dateTime: e.at || "", title: e.at || "",
          text: fmtDateTime(e.at, { alwaysDate: true }) })),
        el("td", { class: "action", text: action }),
        el("td", { text: e.actor || DASH }),
        el("td", { text: e.address || DASH }),
        el("td", { class: "details", text: e.details || "", title: e.hash ? "hash " + e.hash : null }));
    }));
  } catch (e) {
    chain.dataset.state = "error";
    setText(chain, fmtApiError(e, "The custody log could not be read"));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Actions by role

function say(text, kind = "ok") {
  const out = $("#action-result");
  out.textContent = text || "";
  out.dataset.kind = kind;
  out.hidden = !text;
  out.setAttribute("role", kind === "error" ? "alert" : "status");
}

function renderActions() {
  const supervisor = canCommand();
  const admin = session.role === "admin";
  $("#actions-panel").hidden = !supervisor;
  $("#category-form").hidden = !supervisor;
  $("#export-row").hidden = !supervisor;
  $("#hold-form").hidden = !admin;
  if (!rec) return;
  const input = $("#category-input");
  if (document.activeElement !== input) input.value = rec.category || "";
  $("#category-clear").disabled = !rec.category;
  $("#export").disabled = rec.state !== "stored";
  $("#export").title = rec.state === "stored" ? "" : "the media is not in the store (" + stateText(rec.state) + ")";
  $("#hold-set").hidden = !!rec.hold;
  $("#hold-clear").hidden = !rec.hold;
}

async function change(button, what, fn) {
  button.disabled = true;
  say("");
  try {
    const summary = await fn();
    if (summary && typeof summary === "object") Object.assign(rec, summary);
    renderFacts();
    say(what + ": done.");
    loadCustody();
  } catch (e) {
    say(fmtApiError(e, what), "error");
  } finally {
    button.disabled = false;
    renderActions();
  }
}

async function exportZip(button) {
  button.disabled = true;
  say("Preparing the export…");
  try {
    let res;
    try {
      res = await fetch("/api/recordings/" + enc(recordingId) + "/export",
        { method: "POST", credentials: "same-origin", headers: { "Accept": "application/zip" } });
    } catch (e) {
      throw new ApiError(0, "gateway not reachable", {});
    }
    if (res.status === 401) return goLogin();
    if (!res.ok) {
      let msg = "";
      try { const b = await res.json(); msg = b && b.error ? b.error : ""; } catch (e) { /* not JSON */ }
      throw new ApiError(res.status, msg || "HTTP " + res.status, {});
    }
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: recordingId + ".zip", hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say("Export: " + recordingId + ".zip, " + fmtBytes(blob.size) + " downloaded (recorded in the custody log).");
    loadCustody();
  } catch (e) {
    say(fmtApiError(e, "Export"), "error");
  } finally {
    button.disabled = false;
    renderActions();
  }
}

function actionEvents() {
  fillCategories($("#categories"));
  $("#category-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const v = $("#category-input").value.trim();
    change($("#category-save"), "Category", () => api("/api/recordings/" + enc(recordingId) + "/category",
      { method: "PUT", body: { category: v || null } }));
  });
  $("#category-clear").addEventListener("click", ev => change(ev.currentTarget, "Category cleared",
    () => api("/api/recordings/" + enc(recordingId) + "/category", { method: "PUT", body: { category: null } })));
  $("#export").addEventListener("click", ev => exportZip(ev.currentTarget));
  // One form: "Set legal hold" without a hold, "Lift legal hold" with one; both need the reason.
  $("#hold-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const set = !rec.hold;
    const reason = $("#hold-reason").value.trim();
    if (!reason) {
      say((set ? "Setting" : "Lifting") + " a legal hold needs a reason (it goes to the custody and audit logs).", "error");
      $("#hold-reason").focus();
      return;
    }
    change($(set ? "#hold-set" : "#hold-clear"), set ? "Legal hold" : "Legal hold lifted", async () => {
      const r = await api("/api/recordings/" + enc(recordingId) + "/hold",
        { method: set ? "POST" : "DELETE", body: { reason } });
      $("#hold-reason").value = "";
      return r;
    });
  });
  $("#custody-reload").addEventListener("click", () => loadCustody());
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  if (!recordingId) { showPageError("No recording id in the address."); return; }
  await initSession();
  actionEvents();
  timelineEvents();
  let cfg = {};
  try { cfg = (await api("/api/map")) || {}; } catch (e) { console.warn("map config:", e.message); }
  map = createMap($("#track-map"), cfg);
  window.obwcMap = map; // for diagnostics and automated checks
  try {
    rec = await api("/api/recordings/" + enc(recordingId));
  } catch (e) {
    showPageError(e instanceof ApiError && e.status === 404
      ? "The evidence store has no recording " + recordingId + "."
      : fmtApiError(e, "Recording unavailable"));
    setText($("#verification"), "");
    loadCustody();
    return;
  }
  startedMs = mediaOrigin(rec);
  total = isNum(rec.durationSeconds) ? rec.durationSeconds : 0;
  segments = (Array.isArray(rec.segments) ? rec.segments : []).map(s => ({
    name: s.name, bytes: s.bytes, sha256: s.sha256, start: 0, duration: null, global: null, endAt: null }));
  window.obwcSegments = segments; // for diagnostics and automated checks
  layout();
  renderFacts();
  drawTrack();
  if (rec.playable && segments.length) {
    loadSegment(0, null, false);
  } else {
    video.hidden = true;
    setText($("#player-note"), rec.playable ? "This recording has no media."
      : rec.notPlayable ? "Not playable here: " + rec.notPlayable
      : "Not playable: the media is " + stateText(rec.state) + ", not in the store.");
    renderSegments();
  }
  loadCustody();
  // Again once the media has come: the first media request wrote "viewed" to the custody log.
  video.addEventListener("loadeddata", () => loadCustody(), { once: true });
  new LiveStream({
    snapshot: ({ alerts: list }) => alerts.replaceAll(list),
    alert: a => alerts.upsert(a),
  }).start();
}

main().catch(e => {
  console.error(e);
  showPageError("The recording page could not start: " + (e && e.message ? e.message : e));
});
