// Evidence page (/evidence): search the evidence store by unit, officer, category, time window and place; each
// result links to its recording page. The query string holds the search (/evidence?unit=bwc-001), so a link or a
// reload shows the same results.
import {
  $, el, setText, api, isNum, toMillis, fmtDateTime, fmtDuration, fmtApiError, initSession, LiveStream, AlertCenter,
  createMap, showPageError, DASH,
} from "/assets/app.js";
import {
  recordingUrl, verifiedText, verifiedClass, stateText, fillCategories,
} from "/assets/evidence-common.js";

const alerts = new AlertCenter();
let map = null, centre = null, circle = null, centreMarker = null;

const pad2 = n => String(n).padStart(2, "0");

/** An instant as a datetime-local value in this PC's local time ("2026-12-07T10:04:05"). */
function toLocalInput(t) {
  const ms = toMillis(t);
  if (ms === null) return "";
  const d = new Date(ms);
  return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + "T" + pad2(d.getHours()) + ":" +
    pad2(d.getMinutes()) + ":" + pad2(d.getSeconds());
}

/** A datetime-local value (local time) as an ISO instant, or "" when empty or not a time. */
function fromLocalInput(v) {
  if (!v) return "";
  const d = new Date(v); // a datetime-local value is read as local time
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

function radius() {
  const r = Number($("#f-radius").value);
  return isNum(r) && r >= 1 ? Math.min(1000000, Math.round(r)) : 500;
}

// ---------------------------------------------------------------------------------------------------------------
// Place: a centre clicked on the map and a radius, drawn as a circle

function setCentre(latlng, { fit = false, typing = false } = {}) {
  centre = latlng;
  const L = window.L;
  if (!centre) {
    if (circle) { circle.remove(); circle = null; }
    if (centreMarker) { centreMarker.remove(); centreMarker = null; }
    setText($("#place-text"), "anywhere (click the map or type a latitude and longitude)");
    $("#place-clear").disabled = true;
    if (!typing) { $("#f-lat").value = ""; $("#f-lon").value = ""; }
    return;
  }
  if (!typing) {
    $("#f-lat").value = centre.lat.toFixed(6);
    $("#f-lon").value = centre.lng.toFixed(6);
  }
  if (map) {
    if (!circle) {
      circle = L.circle(centre, { radius: radius(), color: "#4dabf7", weight: 2, fillOpacity: 0.12, interactive: false })
        .addTo(map);
      centreMarker = L.circleMarker(centre, { radius: 5, color: "#fff", weight: 2, fillColor: "#1c7ed6", fillOpacity: 1,
        interactive: false }).addTo(map);
    } else {
      circle.setLatLng(centre).setRadius(radius());
      centreMarker.setLatLng(centre);
    }
    if (circle.getElement && circle.getElement()) circle.getElement().classList.add("place-circle");
    if (fit) map.fitBounds(circle.getBounds(), { padding: [30, 30], maxZoom: 17, animate: false });
  }
  setText($("#place-text"), "within " + radius() + " m of " + centre.lat.toFixed(5) + ", " + centre.lng.toFixed(5));
  $("#place-clear").disabled = false;
}

// ---------------------------------------------------------------------------------------------------------------
// Query string <-> form

function formFromQuery() {
  const p = new URLSearchParams(location.search);
  for (const name of ["unit", "officer", "category"]) $("#f-" + name).value = p.get(name) || "";
  for (const name of ["from", "to"]) $("#f-" + name).value = toLocalInput(p.get(name));
  const near = (p.get("near") || "").split(",").map(Number);
  if (near.length === 3 && near.every(isNum)) {
    $("#f-radius").value = String(near[2]);
    setCentre({ lat: near[0], lng: near[1] }, { fit: true });
  }
}

function queryFromForm() {
  const p = new URLSearchParams();
  for (const name of ["unit", "officer", "category"]) {
    const v = $("#f-" + name).value.trim();
    if (v) p.set(name, v);
  }
  for (const name of ["from", "to"]) {
    const v = fromLocalInput($("#f-" + name).value);
    if (v) p.set(name, v);
  }
  if (centre) p.set("near", centre.lat.toFixed(6) + "," + centre.lng.toFixed(6) + "," + radius());
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// Results

function row(r) {
  const when = r.startedAt ? fmtDateTime(r.startedAt, { alwaysDate: true }) : DASH;
  const tr = el("tr", { dataset: { recordingId: r.id || "", state: r.state || "" } },
    el("td", { class: "when" }, el("a", { href: recordingUrl(r.id), class: "rec-link", title: "Recording " + r.id,
      text: when })),
    el("td", { class: "num", text: isNum(r.durationSeconds) ? fmtDuration(r.durationSeconds * 1000) : DASH }),
    el("td", { class: "unit", text: r.unitId || DASH }),
    el("td", { text: r.officerId || DASH }),
    el("td", { class: "rec-state state-" + (r.state || "unknown"), text: stateText(r.state) }),
    el("td", { class: "verified " + verifiedClass(r), text: verifiedText(r) }),
    el("td", { text: r.category || DASH }),
    el("td", { class: r.hold ? "hold on" : "hold", text: r.hold ? "⚖ on hold" : "no" }));
  return tr;
}

async function search(push) {
  const p = queryFromForm();
  const qs = p.toString();
  if (push) history.replaceState(null, "", "/evidence" + (qs ? "?" + qs : ""));
  const error = $("#search-error");
  error.hidden = true;
  const button = $("#f-apply");
  button.disabled = true;
  setText($("#result-count"), "Searching…");
  try {
    const list = await api("/api/recordings" + (qs ? "?" + qs : ""));
    const rows = (Array.isArray(list) ? list : []).map(row);
    $("#results tbody").replaceChildren(...rows);
    setText($("#result-count"), rows.length === 0 ? "No recordings match."
      : rows.length + (rows.length === 1 ? " recording" : " recordings") + ", newest first.");
  } catch (e) {
    $("#results tbody").replaceChildren();
    setText($("#result-count"), "");
    setText(error, fmtApiError(e, "Search failed"));
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function main() {
  await initSession();
  fillCategories($("#categories"));
  let cfg = {};
  try { cfg = (await api("/api/map")) || {}; } catch (e) { console.warn("map config:", e.message); }
  map = createMap($("#place-map"), cfg);
  window.obwcMap = map; // for diagnostics and automated checks
  map.on("click", ev => { setCentre(ev.latlng); });
  formFromQuery();
  $("#f-radius").addEventListener("input", () => { if (centre) setCentre(centre); });
  $("#place-clear").addEventListener("click", () => setCentre(null));
  // A place typed in (from a report, a radio call): both fields valid set the centre, either emptied clears it.
  for (const id of ["#f-lat", "#f-lon"]) {
    $(id).addEventListener("change", () => {
      const latText = $("#f-lat").value.trim(), lonText = $("#f-lon").value.trim();
      const lat = Number(latText), lon = Number(lonText);
      if (!latText || !lonText) { if (centre) setCentre(null, { typing: true }); return; }
      if (!$("#f-lat").checkValidity() || !$("#f-lon").checkValidity() || !isNum(lat) || !isNum(lon)) {
        setText($("#place-text"), "latitude must be -90 to 90 and longitude -180 to 180");
        return;
      }
      setCentre({ lat, lng: lon }, { fit: true, typing: true });
    });
  }
  $("#search").addEventListener("submit", ev => { ev.preventDefault(); search(true); });
  $("#f-clear").addEventListener("click", () => {
    $("#search").reset();
    setCentre(null);
    search(true);
  });
  await search(false);
  new LiveStream({
    snapshot: ({ alerts: list }) => alerts.replaceAll(list),
    alert: a => alerts.upsert(a),
  }).start();
}

main().catch(e => {
  console.error(e);
  showPageError("The Evidence page could not start: " + (e && e.message ? e.message : e));
});
