// Unit page (/units/{id}), officer panel: the officer the unit carries (callsign, name, id), its recent assignments,
// and for supervisors the check-out and check-in (PUT / DELETE /api/units/{id}/officer). Text from the API reaches
// the DOM through textContent only.
import { $, el, setText, api, enc, DASH, fmtWhen, fmtApiError } from "/assets/app.js";

const REFRESH_MS = 10000;
const unitId = (() => {
  const m = location.pathname.match(/^\/units\/([^/]+)\/?$/);
  try { return m ? decodeURIComponent(m[1]) : ""; } catch (e) { return m ? m[1] : ""; }
})();

function label(o) {
  if (!o) return "No officer assigned";
  const who = [o.callsign, o.name].filter(Boolean).join(" · ");
  return who ? who + " (" + o.id + ")" : o.id;
}

function say(text, kind = "ok") {
  const out = $("#officer-result");
  setText(out, text || "");
  out.dataset.outcome = kind;
}

async function refresh() {
  try {
    const v = await api("/api/units/" + enc(unitId) + "/officer");
    setText($("#officer-current"), label(v.officer));
    $("#officer-panel").dataset.officer = v.officer ? v.officer.id : "";
    $("#officer-unassign").disabled = !v.officer;
    $("#officer-history").replaceChildren(...(v.history || []).slice(0, 5).map(a => el("li", {
      text: a.officerId + ": from " + fmtWhen(a.assignedAt) + " (" + a.assignedBy + ")"
        + (a.unassignedAt ? " to " + fmtWhen(a.unassignedAt) + " (" + (a.endReason || "") + ")" : ", now"),
    })));
  } catch (e) {
    setText($("#officer-current"), DASH);
  }
}

async function loadOfficers() {
  const select = $("#officer-select");
  const list = await api("/api/officers");
  select.replaceChildren(...list.map(o => el("option", {
    value: o.id,
    text: label(o) + (o.unitId && o.unitId !== unitId ? " – carries " + o.unitId : ""),
  })));
}

/** The API's outcome of an assignment on its way to the unit, in words. */
function deliveryText(d) {
  if (!d) return "";
  if (d.outcome === "applied") return "the unit confirmed.";
  return d.message || d.outcome;
}

async function main() {
  if (!unitId) return;
  await refresh();
  setInterval(refresh, REFRESH_MS);
  const me = await api("/api/me");
  if (me.role !== "supervisor" && me.role !== "admin") return;
  const form = $("#officer-form");
  await loadOfficers().catch(e => say(fmtApiError(e, "officer directory"), "error"));
  form.hidden = false;
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    const officerId = $("#officer-select").value;
    if (!officerId) { say("Add officers in the directory first.", "error"); return; }
    $("#officer-assign").disabled = true;
    try {
      const r = await api("/api/units/" + enc(unitId) + "/officer", { method: "PUT", body: { officerId } });
      say("Assigned " + officerId + ": " + deliveryText(r.delivery), r.delivery && r.delivery.outcome === "refused" ? "error" : "ok");
    } catch (e) {
      say(fmtApiError(e, "assign"), "error");
    } finally {
      $("#officer-assign").disabled = false;
      refresh();
      loadOfficers().catch(() => {});
    }
  });
  $("#officer-unassign").addEventListener("click", async () => {
    $("#officer-unassign").disabled = true;
    try {
      const r = await api("/api/units/" + enc(unitId) + "/officer", { method: "DELETE" });
      say("Unassigned: " + deliveryText(r.delivery));
    } catch (e) {
      say(fmtApiError(e, "unassign"), "error");
    } finally {
      refresh();
      loadOfficers().catch(() => {});
    }
  });
}

main().catch(e => console.warn("officer panel:", e.message));
