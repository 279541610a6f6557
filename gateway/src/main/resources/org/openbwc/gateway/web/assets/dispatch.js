// Dispatch on the fleet map: place an incident (a click on the map, or coordinates), see the online units nearest to
// it, send one or more, and follow each one's progress (sent, delivered, acknowledged, arrived, the distance closing).
// Supervisors dispatch; viewers see the open dispatches.
import { $, el, setText, api, enc, DASH, isNum, fmtTime, fmtApiError, unitUrl } from "/assets/app.js";

const PRIORITIES = ["routine", "urgent", "emergency"];

function fmtDistance(m) {
  if (!isNum(m)) return DASH;
  return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(m < 10000 ? 2 : 1) + " km";
}

function fmtEta(s) {
  if (!isNum(s)) return DASH;
  if (s < 60) return Math.round(s) + " s";
  const min = Math.round(s / 60);
  return min < 60 ? min + " min" : Math.floor(min / 60) + " h " + (min % 60) + " min";
}

/** The dispatch panel over the fleet map, its incident markers, and the live updates of open dispatches. */
export class Dispatching {
  /**
   * @param map the fleet's Leaflet map
   * @param canDispatch whether the operator may place incidents and send units (supervisor, admin)
   */
  constructor(map, canDispatch) {
    this.map = map;
    this.canDispatch = canDispatch;
    this.placing = false;
    this.pin = null;
    /** id -> { d: DispatchView, marker } */
    this.open = new Map();
    this.current = null;
    this.build();
    map.on("click", ev => this.mapClick(ev));
  }

  build() {
    const L = window.L;
    this.toggle = el("button", { type: "button", id: "dispatch-toggle", class: "dispatch-toggle",
      text: "Dispatch", title: this.canDispatch ? "Place an incident and send units" : "Open dispatches" });
    const box = el("div", { class: "dispatch-control leaflet-bar" }, this.toggle);
    const Control = L.Control.extend({
      options: { position: "topright" },
      onAdd() { L.DomEvent.disableClickPropagation(box); return box; },
    });
    new Control().addTo(this.map);
    this.toggle.addEventListener("click", () => this.show(this.panel.hidden));

    this.lat = el("input", { id: "dispatch-lat", type: "number", step: "any", min: "-90", max: "90", placeholder: "lat",
      "aria-label": "incident latitude" });
    this.lon = el("input", { id: "dispatch-lon", type: "number", step: "any", min: "-180", max: "180",
      placeholder: "lon", "aria-label": "incident longitude" });
    this.note = el("input", { id: "dispatch-note", type: "text", maxlength: "200", placeholder: "note (what, who)",
      "aria-label": "note for the officer" });
    this.priority = el("select", { id: "dispatch-priority", "aria-label": "priority" },
      ...PRIORITIES.map(p => el("option", { value: p, text: p })));
    this.find = el("button", { type: "button", id: "dispatch-find", class: "primary", text: "Find units" });
    this.error = el("p", { id: "dispatch-error", class: "dispatch-error", role: "alert", hidden: true });
    this.candidates = el("tbody");
    this.candidateTable = el("table", { id: "dispatch-candidates", hidden: true },
      el("thead", {}, el("tr", {}, el("th", { text: "" }), el("th", { text: "Unit" }), el("th", { text: "Officer" }),
        el("th", { text: "Distance" }), el("th", { text: "ETA" }), el("th", { text: "State" }),
        el("th", { text: "Battery" }))),
      this.candidates);
    this.send = el("button", { type: "button", id: "dispatch-send", class: "danger", text: "Dispatch selected",
      hidden: true });
    this.progress = el("div", { id: "dispatch-progress", hidden: true });
    this.list = el("ol", { id: "dispatch-open", class: "feed dispatch-open" });
    const form = this.canDispatch
      ? el("div", { class: "dispatch-form" },
        el("p", { class: "dispatch-hint", text: "Click the map where the incident is, or type its coordinates." }),
        el("div", { class: "dispatch-row" }, this.lat, this.lon),
        el("div", { class: "dispatch-row" }, this.note, this.priority, this.find))
      : null;
    this.panel = el("section", { id: "dispatch-panel", class: "dispatch-panel panel", hidden: true,
      "aria-label": "dispatch" },
      el("div", { class: "panel-head" }, el("h2", { text: "Dispatch" }),
        el("button", { type: "button", class: "btn-quiet dispatch-close", text: "×", "aria-label": "close",
          onclick: () => this.show(false) })),
      el("div", { class: "dispatch-body" }, form, this.error, this.candidateTable, this.send, this.progress,
        el("h3", { text: "Open dispatches" }), this.list));
    window.L.DomEvent.disableClickPropagation(this.panel);
    window.L.DomEvent.disableScrollPropagation(this.panel);
    this.map.getContainer().append(this.panel);
    this.find.addEventListener("click", () => this.place());
    this.send.addEventListener("click", () => this.assign());
    for (const input of [this.lat, this.lon]) input.addEventListener("change", () => this.movePin());
  }

  show(on) {
    this.panel.hidden = !on;
    this.toggle.classList.toggle("active", on);
    this.placing = on && this.canDispatch;
    this.map.getContainer().classList.toggle("placing-incident", this.placing);
    if (on) this.reload();
  }

  fail(msg) {
    this.error.hidden = !msg;
    setText(this.error, msg || "");
  }

  mapClick(ev) {
    if (!this.placing) return;
    this.lat.value = ev.latlng.lat.toFixed(6);
    this.lon.value = ev.latlng.lng.toFixed(6);
    this.movePin();
  }

  movePin() {
    const lat = Number(this.lat.value), lon = Number(this.lon.value);
    if (this.lat.value === "" || this.lon.value === "" || !isNum(lat) || !isNum(lon)) return;
    if (!this.pin) {
      this.pin = window.L.circleMarker([lat, lon], { radius: 9, className: "incident-pin new" }).addTo(this.map);
    } else {
      this.pin.setLatLng([lat, lon]);
    }
  }

  async place() {
    this.fail("");
    const lat = Number(this.lat.value), lon = Number(this.lon.value);
    if (this.lat.value === "" || this.lon.value === "") return this.fail("Click the map or type the incident's lat and lon.");
    this.find.disabled = true;
    try {
      const r = await api("/api/dispatches", { method: "POST",
        body: { lat, lon, note: this.note.value, priority: this.priority.value } });
      this.current = r.id;
      this.upsert(r.dispatch);
      this.showCandidates(r.candidates || []);
      this.renderProgress();
    } catch (e) {
      this.fail(fmtApiError(e, "placing the incident"));
    } finally {
      this.find.disabled = false;
    }
  }

  showCandidates(list) {
    this.candidates.replaceChildren(...list.map(c => el("tr", { dataset: { unit: c.unitId } },
      el("td", {}, el("input", { type: "checkbox", class: "pick", value: c.unitId, "aria-label": "send " + c.unitId })),
      el("td", {}, el("a", { href: unitUrl(c.unitId), text: c.unitId })),
      el("td", { text: c.officerId || DASH }),
      el("td", { class: "distance", text: fmtDistance(c.distanceMeters) }),
      el("td", { class: "eta", text: fmtEta(c.etaSeconds) }),
      el("td", { class: "state", text: String(c.state || DASH).toLowerCase()
        + (c.recording ? " · rec" : "") + (c.stealth ? " · stealth" : "") }),
      el("td", { text: isNum(c.batteryPercent) ? c.batteryPercent + " %" : DASH }))));
    this.candidateTable.hidden = false;
    this.send.hidden = list.length === 0;
    if (!list.length) this.fail("No online unit with a known position.");
  }

  async assign() {
    const units = Array.from(this.candidates.querySelectorAll("input.pick:checked")).map(i => i.value);
    if (!units.length) return this.fail("Tick the units to send.");
    this.fail("");
    this.send.disabled = true;
    try {
      const d = await api("/api/dispatches/" + enc(this.current) + "/assign", { method: "POST", body: { units } });
      this.upsert(d);
      this.candidateTable.hidden = true;
      this.send.hidden = true;
    } catch (e) {
      this.fail(fmtApiError(e, "sending the dispatch"));
    } finally {
      this.send.disabled = false;
    }
  }

  async cancel(id) {
    if (!confirm("Cancel dispatch " + id + "? The units are told to stand down.")) return;
    try {
      this.upsert(await api("/api/dispatches/" + enc(id), { method: "DELETE" }));
    } catch (e) {
      this.fail(fmtApiError(e, "cancelling"));
    }
  }

  /** Reloads the open dispatches (at start, on reconnect: the event stream's snapshot has none). */
  async reload() {
    try {
      const list = await api("/api/dispatches");
      for (const d of Array.isArray(list) ? list : []) this.upsert(d);
    } catch (e) {
      console.warn("dispatches not available:", e.message);
    }
  }

  /** A dispatch changed (from an answer or the event stream's "dispatch" frame). */
  upsert(d) {
    if (!d || !d.id) return;
    let e = this.open.get(d.id);
    if (!e) {
      e = { d, marker: null };
      this.open.set(d.id, e);
    }
    e.d = d;
    if (d.status === "cancelled") {
      if (e.marker) e.marker.remove();
      this.open.delete(d.id);
    } else if (!e.marker) {
      e.marker = window.L.circleMarker([d.lat, d.lon], { radius: 9, className: "incident-pin " + d.priority })
        .bindTooltip(d.id + (d.note ? ": " + d.note : "")).addTo(this.map);
    }
    if (d.id === this.current && this.pin) { this.pin.remove(); this.pin = null; }
    this.renderList();
    if (d.id === this.current) this.renderProgress();
  }

  renderList() {
    const items = Array.from(this.open.values()).sort((a, b) => String(b.d.createdAt).localeCompare(String(a.d.createdAt)));
    this.list.replaceChildren(...items.map(({ d }) => el("li", { dataset: { id: d.id, status: d.status } },
      el("button", { type: "button", class: "btn-quiet", text: fmtTime(d.createdAt) + "  " + d.priority + "  "
        + (d.note || d.id) + "  (" + d.units.length + " unit" + (d.units.length === 1 ? "" : "s") + ", " + d.status + ")",
        onclick: () => { this.current = d.id; this.renderProgress(); this.map.setView([d.lat, d.lon]); } }))));
    if (!items.length) this.list.append(el("li", { class: "feed-note", text: "none" }));
  }

  renderProgress() {
    const e = this.open.get(this.current);
    if (!e) { this.progress.hidden = true; return; }
    const d = e.d;
    // One cell per step: its time once the gateway learned of it, marked done; a dash while pending.
    const step = (name, t) => el("td", { class: name + (t ? " done" : " pending"), text: t ? fmtTime(t) : DASH });
    const rows = d.units.map(u => el("tr", { dataset: { unit: u.unitId } },
      el("td", {}, el("a", { href: unitUrl(u.unitId), text: u.unitId })),
      step("sent", u.sent), step("delivered", u.delivered), step("acknowledged", u.acknowledged),
      step("arrived", u.arrived),
      el("td", { class: "distance", text: fmtDistance(u.distanceMeters) }),
      el("td", { class: "problem", text: u.problem || "" })));
    this.progress.replaceChildren(
      el("p", { class: "dispatch-title" }, el("strong", { text: d.priority.toUpperCase() }), " " + (d.note || ""),
        el("span", { class: "dispatch-id", text: "  " + d.id + " · " + d.status })),
      d.units.length
        ? el("table", { class: "dispatch-steps" },
          el("thead", {}, el("tr", {}, ...["Unit", "Sent", "Delivered", "Acknowledged", "Arrived", "Distance", ""]
            .map(t => el("th", { text: t })))),
          el("tbody", {}, ...rows))
        : el("p", { class: "empty-note", text: "No unit sent yet." }),
      this.canDispatch && d.status !== "cancelled"
        ? el("button", { type: "button", id: "dispatch-cancel", text: "Cancel dispatch", onclick: () => this.cancel(d.id) })
        : null);
    this.progress.hidden = false;
  }
}
