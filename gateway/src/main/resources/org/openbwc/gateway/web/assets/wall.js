// Video wall (/wall?units=a,b,c,d): up to four live players in a 2×2 grid, each with a unit picker.
import {
  $, el, setText, fmtStateText, fmtTime, displayState, offlineSince, STATE_RANK, initSession, canCommand, LiveStream,
  AlertCenter, everySecond, showPageError,
} from "/assets/app.js";
import { createLiveView, attachLivePlayer, liveUrl } from "/assets/live.js";

const TILES = 4;
const alerts = new AlertCenter();
const units = new Map();   // id -> { u, at }
const tiles = [];          // { slot, root, select, link, officer, badge, latency, body, unitId, player }
let allowed = false;

const isOnline = u => !!u && u.online !== false && u.state !== "OFFLINE";

function wantedFromUrl() {
  const raw = new URLSearchParams(location.search).get("units") || "";
  return raw.split(",").map(s => s.trim()).slice(0, TILES);
}

function writeUrl() {
  const ids = tiles.map(t => t.unitId || "");
  while (ids.length && !ids[ids.length - 1]) ids.pop();
  const q = ids.length ? "?units=" + ids.map(encodeURIComponent).join(",") : "";
  if (location.search !== q) history.replaceState(null, "", "/wall" + q);
}

function createTile(slot) {
  const select = el("select", { class: "wall-select", "aria-label": "unit shown in tile " + (slot + 1) });
  const t = {
    slot, select, unitId: "", player: null,
    link: el("a", { class: "wall-open", title: "open the live page in a new window", target: "_blank", rel: "noopener", hidden: true, text: "↗ live page" }),
    officer: el("span", { class: "wall-officer" }),
    badge: el("span", { class: "state-badge", hidden: true }),
    latency: el("span", { class: "wall-latency" }),
    body: el("div", { class: "wall-tile-body" }),
  };
  t.root = el("section", { class: "wall-tile", dataset: { slot: String(slot), unitId: "" } },
    el("div", { class: "wall-tile-head" }, select, t.badge, t.officer, t.latency, t.link), t.body);
  select.addEventListener("change", ev => { show(t, select.value, ev.timeStamp); writeUrl(); });
  return t;
}

function renderOptions(t) {
  const ids = Array.from(units.values()).filter(e => isOnline(e.u)).map(e => e.u)
    .sort((a, b) => ((STATE_RANK[displayState(a)] ?? 9) - (STATE_RANK[displayState(b)] ?? 9)) ||
      String(a.id).localeCompare(String(b.id), undefined, { numeric: true }))
    .map(u => String(u.id));
  if (t.unitId && !ids.includes(t.unitId)) ids.push(t.unitId);
  // The labels say offline / SOS: they are part of the key, so a unit that comes back loses its "(offline)".
  const labels = ids.map(id => optionLabel(id));
  const key = labels.join("\n") + "|" + t.unitId;
  if (t.optionsKey === key) return;
  t.optionsKey = key;
  const opts = [el("option", { value: "", text: "— choose a unit —" })];
  ids.forEach((id, i) => opts.push(el("option", { value: id, text: labels[i] })));
  t.select.replaceChildren(...opts);
  t.select.value = t.unitId;
}

function optionLabel(id) {
  const e = units.get(id);
  if (!e) return id + " (unknown)";
  if (!isOnline(e.u)) return id + (e.u.sos ? " · SOS · offline" : " (offline)");
  return id + (e.u.sos ? " · SOS" : "");
}

function renderTile(t, now = Date.now()) {
  const e = t.unitId ? units.get(t.unitId) : null;
  const u = e ? e.u : null;
  if (u) {
    const ds = displayState(u);
    t.badge.hidden = false;
    t.badge.dataset.state = ds;
    setText(t.badge, fmtStateText(u, e.at, now));
    setText(t.officer, u.officerId || "");
    t.root.dataset.state = ds;
  } else {
    t.badge.hidden = !t.unitId;
    t.badge.dataset.state = "unknown";
    setText(t.badge, t.unitId ? "UNKNOWN" : "");
    setText(t.officer, "");
    delete t.root.dataset.state;
  }
  // No live requests to an offline unit; it resumes on its own when the unit is back.
  if (t.player && u) t.player.setUnitOnline(isOnline(u));
  const since = u && !isOnline(u) ? offlineSince(u) : null;
  t.root.title = since !== null ? t.unitId + " offline since " + fmtTime(since) : "";
}

function show(t, unitId, t0) {
  if (t.player) { t.player.stop(); t.player = null; }
  t.unitId = unitId || "";
  t.root.dataset.unitId = t.unitId;
  setText(t.latency, "");
  t.link.hidden = !t.unitId || !allowed;
  if (t.unitId) t.link.href = liveUrl(t.unitId);
  if (!t.unitId) {
    t.body.replaceChildren(el("p", { class: "wall-empty", text: "Choose a unit above." }));
  } else if (!allowed) {
    t.body.replaceChildren(el("p", { class: "wall-empty", text: "Live video is for supervisors." }));
  } else {
    const { root, video } = createLiveView(t.unitId);
    t.body.replaceChildren(root);
    const e = units.get(t.unitId);
    t.player = attachLivePlayer(video, t.unitId, {
      t0,
      online: e ? isOnline(e.u) : undefined,
      onState: state => { if (state !== "playing") setText(t.latency, ""); },
      onLatency: ms => setText(t.latency, ms + " ms"),
    });
  }
  renderOptions(t);
  renderTile(t);
}

function applyUnit(u) {
  if (!u || u.id === undefined || u.id === null) return;
  units.set(String(u.id), { u, at: Date.now() });
}

function renderAll() {
  for (const t of tiles) { renderOptions(t); renderTile(t); }
}

async function main() {
  await initSession();
  allowed = canCommand();
  if (!allowed) showPageError("Live video is for supervisors: the wall shows the units' state only.");
  const wall = $("#wall");
  for (let i = 0; i < TILES; i++) tiles.push(createTile(i));
  wall.replaceChildren(...tiles.map(t => t.root));
  for (const t of tiles) t.select.disabled = !allowed;
  const wanted = wantedFromUrl();
  for (const t of tiles) show(t, wanted[t.slot] || "", performance.now());
  new LiveStream({
    snapshot: ({ units: list, alerts: alertList }) => {
      units.clear();
      for (const u of list) applyUnit(u);
      alerts.replaceAll(alertList);
      renderAll();
    },
    unit: u => { applyUnit(u); renderAll(); },
    removed: d => { if (d && d.id !== undefined) { units.delete(String(d.id)); renderAll(); } },
    alert: a => alerts.upsert(a),
  }).start();
  everySecond(now => { for (const t of tiles) renderTile(t, now); });
}

main().catch(e => {
  console.error(e);
  showPageError("The video wall could not start: " + (e && e.message ? e.message : e));
});
