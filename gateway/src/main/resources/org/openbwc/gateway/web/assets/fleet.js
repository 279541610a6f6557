// Fleet page (/): fleet map, unit list, recent events, alerts.
import {
  $, $$, el, setText, api, enc, DASH, isNum, toMillis, fmtTime, fmtAgo, fmtBattery, fmtStorage, fmtPercent,
  fmtStateText, displayState, STATE_WORDS, STATE_RANK, isRecording, storagePercent, eventWords, unitUrl,
  initSession, canCommand, LiveStream, AlertCenter, createMap, unitMarker, setMarkerState, hasLocation, everySecond,
  showPageError,
} from "/assets/app.js";
import { liveUrl } from "/assets/live.js";

const TRAIL_POINTS = 20;
const FEED_SIZE = 50;
const LOW_BATTERY = 20;

/** id -> { u: UnitView, at: local receive time, row, marker, trail: [[lat,lon]...], line } */
const units = new Map();
let map = null;
let fitted = false;
let filter = "all";
let sort = { key: "id", dir: 1 };
const alerts = new AlertCenter();
const tbody = $("#units tbody");

// ---------------------------------------------------------------------------------------------------------------
// Unit list

function matches(u, f) {
  switch (f) {
    case "recording": return isRecording(u);
    case "sos": return !!u.sos;
    case "offline": return displayState(u) === "offline" || displayState(u) === "revoked";
    case "low-battery": return !!(u.battery && isNum(u.battery.percent) && u.battery.percent <= LOW_BATTERY);
    default: return true;
  }
}

function sortValue(u, key) {
  switch (key) {
    case "officer": return (u.officerId || "").toLowerCase() || null;
    case "state": return STATE_RANK[displayState(u)] ?? 9;
    case "battery": return u.battery && isNum(u.battery.percent) ? u.battery.percent : null;
    case "storage": return storagePercent(u.storage);
    case "signal": return isNum(u.signalPercent) ? u.signalPercent : null;
    case "lastSeen": return toMillis(u.lastSeen) === null ? null : -toMillis(u.lastSeen); // ascending = most recent first
    default: return String(u.id).toLowerCase();
  }
}

function compare(a, b) {
  const va = sortValue(a.u, sort.key), vb = sortValue(b.u, sort.key);
  // Unknown values always sink to the bottom.
  if (va === null && vb !== null) return 1;
  if (vb === null && va !== null) return -1;
  if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * sort.dir;
  return String(a.u.id).localeCompare(String(b.u.id), undefined, { numeric: true });
}

function createRow(id) {
  const row = el("tr", { dataset: { id } });
  const link = el("a", { href: unitUrl(id), class: "unit-link", text: id });
  const live = canCommand() ? el("a", { href: liveUrl(id), class: "live-link", title: "watch " + id + " live", text: "▶ live" }) : null;
  row.append(
    el("td", { class: "id" }, link, live),
    el("td", { class: "officer" }),
    el("td", { class: "state" }, el("span", { class: "state-badge" })),
    el("td", { class: "battery" }),
    el("td", { class: "storage" }),
    el("td", { class: "signal" }),
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
  const c = row.cells;
  setText(c[1], u.officerId || DASH);
  const badge = c[2].firstChild;
  setText(badge, fmtStateText(u, entry.at, now));
  badge.dataset.state = ds;
  setText(c[3], fmtBattery(u.battery));
  c[3].title = u.battery ? (u.battery.docked ? "docked" : u.battery.charging ? "charging" : "on battery") : "";
  const low = !!(u.battery && isNum(u.battery.percent) && u.battery.percent <= LOW_BATTERY);
  c[3].classList.toggle("warn", low && !(u.battery.charging || u.battery.docked));
  setText(c[4], fmtStorage(u.storage));
  const sp = storagePercent(u.storage);
  c[4].classList.toggle("warn", sp !== null && sp <= 10);
  setText(c[5], fmtPercent(u.signalPercent));
  c[5].classList.toggle("warn", isNum(u.signalPercent) && u.signalPercent < 20);
  setText(c[6], fmtAgo(u.lastSeen, now));
  c[6].title = u.lastSeen ? String(u.lastSeen) : "";
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
// Map

function popupContent(id) {
  const e = units.get(id);
  if (!e) return el("div", { text: id });
  const u = e.u;
  const ds = displayState(u);
  return el("div", { class: "unit-popup", dataset: { id } },
    el("div", { class: "popup-title" }, el("strong", { text: u.id }),
      el("span", { class: "state-badge", dataset: { state: ds }, text: fmtStateText(u, e.at) })),
    el("dl", {},
      el("dt", { text: "Officer" }), el("dd", { text: u.officerId || DASH }),
      el("dt", { text: "Battery" }), el("dd", { text: fmtBattery(u.battery) }),
      el("dt", { text: "Last seen" }), el("dd", { text: fmtAgo(u.lastSeen) })),
    el("a", { href: unitUrl(u.id), class: "popup-link", text: "Open unit page →" }));
}

function trailStyle(ds) {
  const colors = { sos: "#d0021b", recording: "#e8590c", post_event: "#f08c00", buffering: "#2b8a3e",
    sleep: "#5c7cfa", stealth: "#5f3dc4", offline: "#868e96", unknown: "#868e96",
    revoked: "#5c1a1a" };
  return { color: colors[ds] || "#495057", weight: 3, opacity: 0.55, lineCap: "round", interactive: false };
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
    if (entry.marker.isPopupOpen()) entry.marker.setPopupContent(popupContent(u.id));
  }
  if (entry.trail.length > 1) {
    if (!entry.line) entry.line = window.L.polyline(entry.trail, trailStyle(ds)).addTo(map);
    else entry.line.setLatLngs(entry.trail);
    entry.line.setStyle(trailStyle(ds));
  } else if (entry.line) {
    entry.line.remove();
    entry.line = null;
  }
}

function extendTrail(entry) {
  const u = entry.u;
  if (!hasLocation(u)) return;
  const last = entry.trail[entry.trail.length - 1];
  if (last && last[0] === u.location.lat && last[1] === u.location.lon) return;
  entry.trail.push([u.location.lat, u.location.lon]);
  if (entry.trail.length > TRAIL_POINTS) entry.trail.splice(0, entry.trail.length - TRAIL_POINTS);
}

function removeUnit(id) {
  const e = units.get(id);
  if (!e) return;
  e.row.remove();
  if (e.marker) e.marker.remove();
  if (e.line) e.line.remove();
  units.delete(id);
}

function fitToUnits() {
  if (!map) return false;
  const pts = [];
  for (const e of units.values()) if (hasLocation(e.u)) pts.push([e.u.location.lat, e.u.location.lon]);
  if (!pts.length) return false;
  map.invalidateSize({ pan: false });
  const bounds = window.L.latLngBounds(pts);
  if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(pts[0], Math.max(map.getZoom(), 15), { animate: false });
  else map.fitBounds(bounds, { padding: [50, 50], maxZoom: 16, animate: false });
  return true;
}

function focusUnit(id) {
  const e = units.get(id);
  for (const r of tbody.rows) r.classList.toggle("selected", r.dataset.id === id);
  if (!e || !map) return;
  if (!e.marker) {
    showPageError("Unit " + id + " has not reported a location yet.");
    setTimeout(() => showPageError(""), 4000);
    return;
  }
  map.setView(e.marker.getLatLng(), Math.max(map.getZoom(), 15), { animate: true });
  e.marker.openPopup();
}

async function loadTrails() {
  try {
    const trails = await api("/api/trails?points=" + TRAIL_POINTS);
    if (!trails || typeof trails !== "object") return;
    for (const [id, pts] of Object.entries(trails)) {
      const e = units.get(id);
      const list = (Array.isArray(pts) ? pts : []).filter(p => p && isNum(p.lat) && isNum(p.lon))
        .map(p => [p.lat, p.lon]).slice(-TRAIL_POINTS);
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
  if (!e) {
    e = { u, at: Date.now(), row: createRow(id), marker: null, trail: pendingTrails.get(id) || [], line: null };
    pendingTrails.delete(id);
    units.set(id, e);
  }
  e.u = u;
  e.at = Date.now();
  extendTrail(e);
  renderRow(e);
  renderMapUnit(e);
}

const feed = $("#events");
function addEvent(ev) {
  if (!ev) return;
  const li = el("li", { dataset: { type: ev.type || "", unitId: ev.unitId || "" },
                         class: /sos|failed|low|reserve|recovered|unset/.test(ev.type || "") ? "notable" : "" });
  li.append(
    el("time", { datetime: ev.time || "", text: fmtTime(ev.time) }),
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

function onSnapshot({ units: list, alerts: alertList }, reconnect) {
  const seen = new Set();
  for (const u of list) { if (u && u.id !== undefined && u.id !== null) { seen.add(String(u.id)); } }
  for (const id of Array.from(units.keys())) if (!seen.has(id)) removeUnit(id);
  for (const u of list) applyUnit(u);
  alerts.replaceAll(alertList);
  renderList();
  if (!fitted) fitted = fitToUnits();
  if (reconnect) {
    feedNote("reconnected — state resynchronised");
    loadTrails();
  } else {
    seedFeed();
  }
}

async function main() {
  await initSession();
  $("#wall-link").hidden = !canCommand();
  let cfg = {};
  try { cfg = (await api("/api/map")) || {}; } catch (e) { showPageError("Map settings unavailable: " + e.message); }
  map = createMap($("#fleet-map"), cfg);
  window.obwcMap = map; // for diagnostics and automated checks
  await loadTrails();
  new LiveStream({
    snapshot: onSnapshot,
    unit: u => { applyUnit(u); renderList(); if (!fitted) fitted = fitToUnits(); },
    removed: d => { if (d && d.id !== undefined) { removeUnit(String(d.id)); renderList(); } },
    event: addEvent,
    alert: a => alerts.upsert(a),
  }).start();
  everySecond(now => { for (const e of units.values()) renderRow(e, now); });
}

main().catch(e => {
  console.error(e);
  showPageError("The monitoring room could not start: " + (e && e.message ? e.message : e));
});
