// Fleet page (/): fleet map, unit list, recent events, alerts.
import {
  $, $$, el, setText, api, enc, DASH, isNum, toMillis, fmtTime, fmtAgo, fmtBattery, fmtStorage, fmtPercent,
  fmtDuration, displayState, STATE_WORDS, STATE_RANK, isRecording, storagePercent, eventWords, unitUrl,
  initSession, canCommand, LiveStream, AlertCenter, createMap, unitMarker, setMarkerState, hasLocation, everySecond,
  showPageError, spreadOverlapping, refreshAges, showsLastKnown, fmtWhen, recordingElapsed, fmtPreEvent,
} from "/assets/app.js";
import { liveUrl } from "/assets/live.js";
import { Dispatching } from "/assets/dispatch.js";

const TRAIL_POINTS = 20;
/** Two trail points further apart in time than this are not joined: the unit was not seen in between. */
const TRAIL_GAP_MS = 60000;
const FEED_SIZE = 50;
const LOW_BATTERY = 20;

/** id -> { u: UnitView, at: local receive time, row, marker, trail: [[lat, lon, millis|null]...], line } */
const units = new Map();
let map = null;
let dispatching = null;
let filter = "all";
/** Default: by urgency (the state column), SOS pinned on top whatever the sort. */
let sort = { key: "state", dir: 1 };
const tbody = $("#units tbody");
const alerts = new AlertCenter({
  showOnMap: id => focusUnit(id, { scroll: true }),
  officerOf: id => { const e = units.get(id); return e && e.u.officerId ? String(e.u.officerId) : ""; },
  onlineOf: id => { const e = units.get(id); return e ? e.u.online !== false : undefined; },
});

// ---------------------------------------------------------------------------------------------------------------
// Officers: units report an officer id; the directory (/api/officers) gives its callsign and name.

/** officer id -> { callsign, name } */
const officerDirectory = new Map();
let officersLoadedAt = 0;
let officersText = "";

/** "ALPHA 1 · Kari Nordmann" for an officer in the directory, else the id; DASH for none. */
function officerLabel(id) {
  if (!id) return DASH;
  const o = officerDirectory.get(String(id));
  if (!o) { loadOfficersSoon(); return String(id); }
  return [o.callsign, o.name].filter(Boolean).join(" · ") || String(id);
}

/** Reads the directory again when a unit shows an officer it does not know (at most every 10 s). */
function loadOfficersSoon() {
  if (Date.now() - officersLoadedAt < 10000) return;
  officersLoadedAt = Date.now();
  api("/api/officers").then(list => {
    const text = JSON.stringify((list || []).map(o => [o.id, o.callsign, o.name]));
    if (text === officersText) return; // nothing new: an officer the directory does not know stays shown by id
    officersText = text;
    officerDirectory.clear();
    for (const o of list || []) officerDirectory.set(String(o.id), { callsign: o.callsign || "", name: o.name || "" });
    for (const e of units.values()) { renderRow(e); renderMapUnit(e); }
  }).catch(err => console.warn("officer directory not available:", err.message));
}

// ---------------------------------------------------------------------------------------------------------------
// Time text: the shared helpers (app.js) correct by the gateway's clock; `now` is always this page's Date.now().

/** Media recorded so far, counted from recordingSince on the gateway's clock (pre-event excluded). */
function recordingMs(e, now = Date.now()) {
  return e.u.online === false ? null : recordingElapsed(e.u, e.at, now);
}

/**
 * { text, note } for the state cell: "RECORDING 2:06" (from the trigger) with "+30 s pre-event", "SOS · OFFLINE" with
 * "last known 2 min ago".
 */
function stateText(e, now = Date.now()) {
  const u = e.u;
  const ds = displayState(u);
  let text = STATE_WORDS[ds] || ds.toUpperCase();
  let note = "";
  const rec = recordingMs(e, now);
  if (ds === "sos" && u.online === false) {
    text += " · OFFLINE";
    note = "last known " + fmtAgo(u.lastSeen || u.offlineSince, now);
  } else if (rec !== null) {
    if (ds === "sos" || ds === "stealth") text += " · " + (STATE_WORDS[String(u.state).toLowerCase()] || u.state);
    text += " " + fmtDuration(rec);
    note = fmtPreEvent(u);
  }
  return { text, note };
}

// ---------------------------------------------------------------------------------------------------------------
// Unit list

function matches(u, f) {
  switch (f) {
    case "recording": return u.online !== false && isRecording(u);
    case "sos": return !!u.sos;
    case "offline": return displayState(u) === "offline" || displayState(u) === "revoked" || (u.sos && u.online === false);
    case "low-battery": return !!(u.battery && isNum(u.battery.percent) && u.battery.percent <= LOW_BATTERY);
    default: return true;
  }
}

function sortValue(u, key) {
  switch (key) {
    case "officer": return u.officerId ? officerLabel(u.officerId).toLowerCase() : null;
    case "state": return STATE_RANK[displayState(u)] ?? 9;
    case "battery": return u.battery && isNum(u.battery.percent) ? u.battery.percent : null;
    case "storage": return storagePercent(u.storage);
    case "signal": return isNum(u.signalPercent) ? u.signalPercent : null;
    case "lastSeen": return toMillis(u.lastSeen) === null ? null : -toMillis(u.lastSeen); // ascending = most recent first
    default: return String(u.id).toLowerCase();
  }
}

function compare(a, b) {
  // An SOS is pinned on top whatever the sort: it must never scroll out of sight.
  const pa = a.u.sos ? 0 : 1, pb = b.u.sos ? 0 : 1;
  if (pa !== pb) return pa - pb;
  const va = sortValue(a.u, sort.key), vb = sortValue(b.u, sort.key);
  // Unknown values always sink to the bottom.
  if (va === null && vb !== null) return 1;
  if (vb === null && va !== null) return -1;
  if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * sort.dir;
  // Ties: the more urgent state first, then the unit id.
  const ra = STATE_RANK[displayState(a.u)] ?? 9, rb = STATE_RANK[displayState(b.u)] ?? 9;
  if (ra !== rb) return ra - rb;
  return String(a.u.id).localeCompare(String(b.u.id), undefined, { numeric: true });
}

function createRow(id) {
  const row = el("tr", { dataset: { id } });
  const link = el("a", { href: unitUrl(id), class: "unit-link", text: id });
  const live = canCommand() ? el("a", { href: liveUrl(id), class: "live-link", title: "watch " + id + " live", text: "▶ live" }) : null;
  row.append(
    el("td", { class: "id" }, link, live),
    el("td", { class: "officer" }),
    el("td", { class: "state" }, el("span", { class: "state-badge" }), el("span", { class: "state-note" })),
    el("td", { class: "battery" }),
    el("td", { class: "storage col-storage" }),
    el("td", { class: "signal col-signal" }),
    el("td", { class: "seen" }),
  );
  row.addEventListener("click", ev => {
    if (ev.target.closest("a")) return;
    focusUnit(id);
  });
  return row;
}

function renderRow(entry, now = Date.now()) {
  const u = entry.u;
  const row = entry.row;
  const ds = displayState(u);
  if (row.dataset.state !== ds) row.dataset.state = ds;
  const last = showsLastKnown(u);
  if (last) row.dataset.lastKnown = "true"; else delete row.dataset.lastKnown;
  const lastTitle = !last ? "" : u.staleSince
    ? "last known: the gateway lost sight of the fleet at " + fmtWhen(u.staleSince, now)
    : "last known, " + fmtWhen(u.lastSeen, now);
  const c = row.cells;
  setText(c[1], officerLabel(u.officerId));
  c[1].title = u.officerId ? "officer " + u.officerId : "no officer assigned";
  const badge = c[2].firstChild;
  const st = stateText(entry, now);
  setText(badge, st.text);
  badge.dataset.state = ds;
  setText(c[2].lastChild, st.note);
  const pre = fmtPreEvent(u);
  c[2].title = [pre && recordingMs(entry, now) !== null ? "recording since " + fmtTime(u.recordingSince) + ", " + pre : "",
    u.online === false && u.lastState ? "last state " + String(u.lastState).toLowerCase() : ""].filter(Boolean).join("; ");
  setText(c[3], fmtBattery(u.battery));
  c[3].title = last ? lastTitle : u.battery ? (u.battery.docked ? "docked" : u.battery.charging ? "charging" : "on battery") : "";
  const low = !!(u.battery && isNum(u.battery.percent) && u.battery.percent <= LOW_BATTERY);
  c[3].classList.toggle("warn", low && !(u.battery.charging || u.battery.docked));
  setText(c[4], fmtStorage(u.storage));
  c[4].title = lastTitle;
  const sp = storagePercent(u.storage);
  c[4].classList.toggle("warn", sp !== null && sp <= 10);
  setText(c[5], u.online === false ? DASH : fmtPercent(u.signalPercent));
  c[5].classList.toggle("warn", u.online !== false && isNum(u.signalPercent) && u.signalPercent < 20);
  for (const cell of [c[3], c[4]]) cell.classList.toggle("last-known", last);
  setText(c[6], fmtWhen(u.lastSeen, now));
  c[6].title = u.offlineSince ? "offline since " + fmtWhen(u.offlineSince, now) : "";
  row.hidden = !matches(u, filter);
}

function renderList() {
  const entries = Array.from(units.values()).sort(compare);
  // Re-order only when needed, so rows do not flicker on every update.
  let node = tbody.firstElementChild;
  for (const e of entries) {
    if (node !== e.row) tbody.insertBefore(e.row, node);
    else node = node.nextElementSibling;
  }
  for (const e of entries) e.row.hidden = !matches(e.u, filter);
  const counts = { all: 0, recording: 0, sos: 0, offline: 0, "low-battery": 0 };
  for (const e of entries) for (const f of Object.keys(counts)) if (matches(e.u, f)) counts[f]++;
  for (const b of $$("button[data-filter]")) {
    const n = counts[b.dataset.filter] ?? 0;
    setText(b.querySelector(".count"), n);
    b.classList.toggle("nonzero", n > 0);
  }
  const visible = entries.filter(e => !e.row.hidden).length;
  const empty = $("#units-empty");
  empty.hidden = visible > 0;
  setText(empty, units.size === 0 ? "No units known to the gateway." : "No units match this filter.");
  for (const th of $$("th[data-sort]")) {
    const on = th.dataset.sort === sort.key;
    th.classList.toggle("sorted", on);
    th.setAttribute("aria-sort", on ? (sort.dir > 0 ? "ascending" : "descending") : "none");
    th.dataset.dir = on ? (sort.dir > 0 ? "asc" : "desc") : "";
  }
}

for (const th of $$("th[data-sort]")) {
  th.tabIndex = 0;
  const go = () => {
    const key = th.dataset.sort;
    sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: 1 };
    renderList();
  };
  th.addEventListener("click", go);
  th.addEventListener("keydown", ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); } });
}

for (const b of $$("button[data-filter]")) {
  b.addEventListener("click", () => {
    filter = b.dataset.filter;
    for (const o of $$("button[data-filter]")) {
      o.classList.toggle("active", o === b);
      o.setAttribute("aria-pressed", String(o === b));
    }
    renderList();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Map: markers, trails, the automatic view, edge arrows

/** The page chooses the view (fit all, or follow the SOS) until the operator pans or zooms. */
const view = { auto: true, followSos: true, programmatic: 0 };

function popupContent(id) {
  const e = units.get(id);
  if (!e) return el("div", { text: id });
  const u = e.u;
  const ds = displayState(u);
  const st = stateText(e);
  const last = showsLastKnown(u);
  return el("div", { class: "unit-popup", dataset: { id } },
    el("div", { class: "popup-title" }, el("strong", { text: u.id }),
      el("span", { class: "state-badge", dataset: { state: ds }, text: st.text })),
    last ? el("p", { class: "popup-last", text: "Offline – last known values, " + fmtWhen(u.lastSeen) }) : null,
    el("dl", {},
      el("dt", { text: "Officer" }), el("dd", { text: officerLabel(u.officerId) + (u.officerId && officerLabel(u.officerId) !== String(u.officerId) ? " (" + u.officerId + ")" : "") }),
      el("dt", { text: "Battery" }), el("dd", { text: fmtBattery(u.battery) }),
      el("dt", { text: "Last seen" }), el("dd", { text: fmtWhen(u.lastSeen) })),
    el("a", { href: unitUrl(u.id), class: "popup-link", text: "Open unit page →" }));
}

function trailStyle(ds) {
  const colors = { sos: "#c92a2a", recording: "#d9480f", post_event: "#e67700", buffering: "#2b8a3e",
    sleep: "#3b5bdb", stealth: "#5f3dc4", offline: "#6c757d", unknown: "#6c757d", revoked: "#5c1a1a" };
  return { color: colors[ds] || "#495057", weight: 3, opacity: 0.6, lineCap: "round", interactive: false };
}

/** The trail cut into pieces wherever two fixes are more than TRAIL_GAP_MS apart: a gap is not a straight jump. */
function trailSegments(trail) {
  const segs = [];
  let cur = [];
  for (let i = 0; i < trail.length; i++) {
    const p = trail[i], prev = trail[i - 1];
    if (prev && isNum(p[2]) && isNum(prev[2]) && Math.abs(p[2] - prev[2]) > TRAIL_GAP_MS) {
      segs.push(cur);
      cur = [];
    }
    cur.push([p[0], p[1]]);
  }
  segs.push(cur);
  return segs.filter(s => s.length > 1);
}

function renderMapUnit(entry) {
  if (!map) return;
  const u = entry.u;
  const ds = displayState(u);
  if (!hasLocation(u)) {
    if (entry.marker) { entry.marker.remove(); entry.marker = null; }
  } else {
    const ll = [u.location.lat, u.location.lon];
    if (!entry.marker) {
      entry.marker = unitMarker(u, ll).addTo(map);
      entry.marker.bindPopup(() => popupContent(u.id), { minWidth: 200 });
    } else {
      entry.marker.setLatLng(ll);
    }
    setMarkerState(entry.marker, u);
    const me = entry.marker.getElement();
    if (me) me.title = u.officerId ? u.id + " – " + officerLabel(u.officerId) : u.id;
    if (entry.marker.isPopupOpen()) entry.marker.setPopupContent(popupContent(u.id));
  }
  const segs = trailSegments(entry.trail);
  if (segs.length) {
    if (!entry.line) entry.line = window.L.polyline(segs, trailStyle(ds)).addTo(map);
    else entry.line.setLatLngs(segs);
    entry.line.setStyle(trailStyle(ds));
  } else if (entry.line) {
    entry.line.remove();
    entry.line = null;
  }
  scheduleMapLayout();
}

function fixMillis(loc) {
  return loc ? toMillis(loc.fixTime || loc.time) : null;
}

function extendTrail(entry) {
  const u = entry.u;
  if (!hasLocation(u)) return;
  const last = entry.trail[entry.trail.length - 1];
  if (last && last[0] === u.location.lat && last[1] === u.location.lon) return;
  entry.trail.push([u.location.lat, u.location.lon, fixMillis(u.location) ?? toMillis(u.lastSeen)]);
  if (entry.trail.length > TRAIL_POINTS) entry.trail.splice(0, entry.trail.length - TRAIL_POINTS);
}

function removeUnit(id) {
  const e = units.get(id);
  if (!e) return;
  e.row.remove();
  if (e.marker) e.marker.remove();
  if (e.line) e.line.remove();
  units.delete(id);
  scheduleMapLayout();
}

const located = () => Array.from(units.values()).filter(e => hasLocation(e.u));
const sosLocated = () => located().filter(e => e.u.sos);

/** Moves the map without it counting as the operator's move. */
function programmatic(fn) {
  view.programmatic++;
  try { fn(); } finally { view.programmatic--; }
}

function fitTo(entries) {
  const pts = entries.map(e => [e.u.location.lat, e.u.location.lon]);
  if (!pts.length) return false;
  programmatic(() => {
    map.invalidateSize({ pan: false });
    const bounds = window.L.latLngBounds(pts);
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
      map.setView(pts[0], Math.max(map.getZoom(), 15), { animate: false });
    } else {
      map.fitBounds(bounds, { padding: [50, 50], maxZoom: 16, animate: false });
    }
  });
  return true;
}

/** The automatic view: the SOS units when following them, else every unit. */
function autoTargets() {
  const sos = sosLocated();
  return view.followSos && sos.length ? sos : located();
}

/** Re-fits when the page owns the view and a unit it should show is out of sight (or `force`, e.g. a resize). */
function autoView(force = false) {
  if (!map || !view.auto) return;
  const targets = autoTargets();
  if (!targets.length) return;
  if (!force) {
    const inner = map.getBounds().pad(-0.04);
    if (targets.every(e => inner.contains([e.u.location.lat, e.u.location.lon]))) return;
  }
  fitTo(targets);
  renderViewControls();
}

function setAuto(auto, followSos = view.followSos) {
  view.auto = auto;
  view.followSos = followSos;
  if (auto) autoView(true);
  renderViewControls();
}

let viewButtons = null;
function renderViewControls() {
  if (!viewButtons) return;
  const sos = sosLocated().length > 0;
  viewButtons.fit.classList.toggle("active", view.auto && !(view.followSos && sos));
  viewButtons.follow.classList.toggle("active", view.auto && view.followSos && sos);
  viewButtons.follow.setAttribute("aria-pressed", String(view.followSos));
  viewButtons.box.dataset.auto = String(view.auto);
  viewButtons.follow.disabled = !sos && !view.followSos;
  map.getContainer().classList.toggle("operator-view", !view.auto);
}

function addViewControls() {
  const L = window.L;
  const fit = el("button", { type: "button", class: "fit-all", text: "Fit all", title: "Show every unit" });
  const follow = el("button", { type: "button", class: "follow-sos", text: "Follow SOS",
    title: "Keep the units in SOS in view" });
  const box = el("div", { class: "view-controls leaflet-bar" }, fit, follow);
  fit.addEventListener("click", () => setAuto(true, false));
  follow.addEventListener("click", () => setAuto(true, !(view.auto && view.followSos)));
  const Control = L.Control.extend({
    options: { position: "topright" },
    onAdd() { L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box); return box; },
  });
  new Control().addTo(map);
  viewButtons = { box, fit, follow };
  renderViewControls();
}

/** Small arrows on the map's edge pointing at units out of view; a click brings the unit into view. */
let arrowLayer = null;
function renderEdgeArrows() {
  if (!map || !arrowLayer) return;
  const size = map.getSize();
  const m = 6;
  // Leaflet's own controls (zoom, the view buttons) sit in the corners: arrows go below them, never under them.
  const box = map.getContainer().getBoundingClientRect();
  const blocked = $$(".leaflet-control", map.getContainer()).map(c => c.getBoundingClientRect())
    .filter(r => r.width > 0).map(r => ({ l: r.left - box.left - 4, r: r.right - box.left + 4, t: r.top - box.top - 4,
      b: r.bottom - box.top + 4 }));
  const placed = [];
  const nodes = [];
  const entries = located().sort((a, b) => (STATE_RANK[displayState(a.u)] ?? 9) - (STATE_RANK[displayState(b.u)] ?? 9));
  for (const e of entries) {
    const p = map.latLngToContainerPoint([e.u.location.lat, e.u.location.lon]);
    if (p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y) continue;
    const cx = size.x / 2, cy = size.y / 2, dx = p.x - cx, dy = p.y - cy;
    const t = Math.min(Math.abs(dx) > 0 ? (cx - m) / Math.abs(dx) : Infinity,
      Math.abs(dy) > 0 ? (cy - m) / Math.abs(dy) : Infinity);
    let x = cx + dx * t, y = cy + dy * t;
    const onSide = Math.abs(Math.abs(x - cx) - (cx - m)) < 1; // left or right edge, else top or bottom
    // Anchor the arrow's box on the edge it points through, so it stays wholly inside the map.
    let ax = onSide ? (dx < 0 ? "0%" : "-100%") : "-50%";
    let ay = onSide ? "-50%" : (dy < 0 ? "0%" : "-100%");
    const id = String(e.u.id);
    const w = 30 + 8 * id.length, h = 22; // about the arrow's size
    for (const r of blocked) {
      const left = x - (ax === "0%" ? 0 : ax === "-50%" ? w / 2 : w), top = y - (ay === "0%" ? 0 : ay === "-50%" ? h / 2 : h);
      if (left < r.r && left + w > r.l && top < r.b && top + h > r.t) { y = r.b + 2; ay = "0%"; }
    }
    // Arrows on the same stretch of edge step aside rather than cover each other.
    for (let i = 0; i < 20 && placed.some(q => Math.abs(q[0] - x) < (onSide ? 60 : 70) && Math.abs(q[1] - y) < 22); i++) {
      if (onSide) y = Math.min(size.y - 12, y + 24); else x = Math.min(size.x - 40, x + 72);
    }
    placed.push([x, y]);
    const ds = displayState(e.u);
    const head = el("span", { class: "edge-arrow-head", text: "➤" });
    const b = el("button", {
      type: "button", class: "edge-arrow", dataset: { id, state: ds },
      title: id + " (" + (STATE_WORDS[ds] || ds) + ") is out of view: show it", "aria-label": "show " + id + " on the map",
    }, head, el("span", { class: "edge-arrow-label", text: id }));
    // Through the CSSOM: the gateway's content security policy refuses inline style attributes.
    b.style.left = x.toFixed(0) + "px";
    b.style.top = y.toFixed(0) + "px";
    b.style.setProperty("--ax", ax);
    b.style.setProperty("--ay", ay);
    head.style.transform = "rotate(" + Math.atan2(dy, dx).toFixed(3) + "rad)";
    b.addEventListener("click", ev => { ev.stopPropagation(); focusUnit(id); });
    nodes.push(b);
  }
  arrowLayer.replaceChildren(...nodes);
}

let layoutQueued = false;
function scheduleMapLayout() {
  if (layoutQueued || !map) return;
  layoutQueued = true;
  requestAnimationFrame(() => {
    layoutQueued = false;
    spreadOverlapping(map, located().map(e => e.marker).filter(Boolean), 28);
    renderEdgeArrows();
  });
}

function focusUnit(id, { scroll = false } = {}) {
  const e = units.get(id);
  for (const r of tbody.rows) r.classList.toggle("selected", r.dataset.id === id);
  if (e && scroll) e.row.scrollIntoView({ block: "nearest" });
  if (!e || !map) return;
  if (!e.marker) {
    showPageError("Unit " + id + " has not reported a location yet.");
    setTimeout(() => showPageError(""), 4000);
    return;
  }
  view.auto = false;
  programmatic(() => map.setView(e.marker.getLatLng(), Math.max(map.getZoom(), 15), { animate: false }));
  renderViewControls();
  e.marker.openPopup();
}

/** A unit that just raised an SOS: the map goes to it (and follows the SOS again), whatever the operator did. */
function newSos(id) {
  const e = units.get(id);
  if (!e || !map || !hasLocation(e.u)) return;
  view.auto = true;
  view.followSos = true;
  autoView(true);
}

async function loadTrails() {
  try {
    const trails = await api("/api/trails?points=" + TRAIL_POINTS);
    if (!trails || typeof trails !== "object") return;
    for (const [id, pts] of Object.entries(trails)) {
      const e = units.get(id);
      const list = (Array.isArray(pts) ? pts : []).filter(p => p && isNum(p.lat) && isNum(p.lon))
        .map(p => [p.lat, p.lon, fixMillis(p)]).slice(-TRAIL_POINTS);
      if (e) {
        e.trail = list;
        extendTrail(e);
        renderMapUnit(e);
      } else {
        pendingTrails.set(id, list);
      }
    }
  } catch (err) {
    console.warn("trails not available:", err.message);
  }
}
const pendingTrails = new Map();

// ---------------------------------------------------------------------------------------------------------------
// Live state

function applyUnit(u) {
  if (!u || u.id === undefined || u.id === null) return;
  const id = String(u.id);
  let e = units.get(id);
  const wasSos = !!(e && e.u.sos);
  const wasOnline = e ? e.u.online !== false : undefined;
  if (!e) {
    e = { u, at: Date.now(), row: createRow(id), marker: null, trail: pendingTrails.get(id) || [], line: null };
    pendingTrails.delete(id);
    units.set(id, e);
  }
  e.u = u;
  e.at = Date.now();
  if (wasOnline !== (u.online !== false)) alerts.unitOnline(id, u.online !== false);
  extendTrail(e);
  renderRow(e);
  renderMapUnit(e);
  return !wasSos && !!u.sos;
}

const feed = $("#events");
function addEvent(ev) {
  if (!ev) return;
  const li = el("li", { dataset: { type: ev.type || "", unitId: ev.unitId || "" },
                         class: /sos|failed|low|reserve|recovered|unset/.test(ev.type || "") ? "notable" : "" });
  li.append(
    el("time", { datetime: ev.time || "", dataset: { ageOf: ev.time || "" }, text: fmtWhen(ev.time) }),
    el("a", { href: unitUrl(ev.unitId), class: "ev-unit", text: ev.unitId || DASH }),
    el("span", { class: "ev-type", text: eventWords(ev.type) }),
    el("span", { class: "ev-cause", text: ev.cause || "" }),
  );
  const d = ev.details && typeof ev.details === "object" ? Object.entries(ev.details) : [];
  if (d.length) li.title = d.map(([k, v]) => k + "=" + v).join("  ");
  feed.prepend(li);
  while (feed.children.length > FEED_SIZE) feed.lastElementChild.remove();
}

function feedNote(text) {
  feed.prepend(el("li", { class: "feed-note", text: fmtTime(Date.now()) + "  " + text }));
}

/** The feed starts with the latest events of each unit (small fleets only: the API has no fleet-wide history). */
async function seedFeed() {
  const ids = Array.from(units.keys());
  if (!ids.length || ids.length > 40 || feed.children.length > 0) return;
  const lists = await Promise.all(ids.map(id => api("/api/units/" + enc(id) + "/events").catch(() => [])));
  const all = lists.flatMap(l => (Array.isArray(l) ? l.slice(-FEED_SIZE) : []))
    .sort((a, b) => ((toMillis(a.time) || 0) - (toMillis(b.time) || 0)) || ((a.seq || 0) - (b.seq || 0)))
    .slice(-FEED_SIZE);
  if (feed.children.length > 0) return; // live events arrived meanwhile: keep those
  for (const ev of all) addEvent(ev);
}

let firstSnapshot = true;
function onSnapshot({ units: list, alerts: alertList }, reconnect) {
  const seen = new Set();
  for (const u of list) { if (u && u.id !== undefined && u.id !== null) { seen.add(String(u.id)); } }
  for (const id of Array.from(units.keys())) if (!seen.has(id)) removeUnit(id);
  const raised = [];
  for (const u of list) if (applyUnit(u) && !firstSnapshot) raised.push(String(u.id));
  alerts.replaceAll(alertList);
  renderList();
  if (firstSnapshot) {
    firstSnapshot = false;
    autoView(true);
    const want = /^#unit=(.+)$/.exec(location.hash);
    if (want) focusUnit(decodeURIComponent(want[1]), { scroll: true });
  } else {
    for (const id of raised) newSos(id);
    autoView();
  }
  if (reconnect) {
    feedNote("reconnected — state resynchronised");
    if (dispatching) dispatching.reload();
    loadTrails();
  } else {
    seedFeed();
  }
}

function onUnit(u) {
  const raised = applyUnit(u);
  renderList();
  if (raised) newSos(String(u.id));
  else autoView();
}

async function main() {
  await initSession();
  $("#wall-link").hidden = !canCommand();
  let cfg = {};
  try { cfg = (await api("/api/map")) || {}; } catch (e) { showPageError("Map settings unavailable: " + e.message); }
  map = createMap($("#fleet-map"), cfg);
  window.obwcMap = map; // for diagnostics and automated checks
  arrowLayer = el("div", { class: "edge-arrows" });
  map.getContainer().append(arrowLayer);
  window.L.DomEvent.disableClickPropagation(arrowLayer); // a click on an arrow is not a drag of the map
  addViewControls();
  dispatching = new Dispatching(map, canCommand());
  dispatching.reload();
  const tookOver = () => { if (!view.programmatic && view.auto) { view.auto = false; renderViewControls(); } };
  map.on("movestart zoomstart dragstart", tookOver);
  map.on("zoomend viewreset", scheduleMapLayout);
  map.on("move resize", renderEdgeArrows);
  // The banner grows and shrinks the map: fit again, unless the operator has chosen the view.
  map.on("resize", () => { if (view.auto) autoView(true); });
  window.addEventListener("hashchange", () => {
    const want = /^#unit=(.+)$/.exec(location.hash);
    if (want) focusUnit(decodeURIComponent(want[1]), { scroll: true });
  });
  await loadTrails();
  new LiveStream({
    snapshot: onSnapshot,
    unit: onUnit,
    removed: d => { if (d && d.id !== undefined) { removeUnit(String(d.id)); renderList(); } },
    event: addEvent,
    alert: a => alerts.upsert(a),
    dispatch: d => dispatching && dispatching.upsert(d),
  }).start();
  everySecond(now => {
    for (const e of units.values()) renderRow(e, now);
    refreshAges(feed, now);
    renderStale(now);
  });
}

/**
 * The gateway lost its link to the units (every view carries staleSince): the whole picture is last known, and the
 * page says so in words, not only in each row's marks.
 */
function renderStale(now = Date.now()) {
  const note = $("#fleet-stale");
  if (!note) return;
  let since = null;
  for (const e of units.values()) if (e.u.staleSince) { since = e.u.staleSince; break; }
  note.hidden = since === null;
  if (since !== null) {
    setText(note, "The gateway has lost its link to the units since " + fmtWhen(since, now)
      + ": everything shown is last known, and commands cannot reach the units.");
  }
}

main().catch(e => {
  console.error(e);
  showPageError("The monitoring room could not start: " + (e && e.message ? e.message : e));
});
