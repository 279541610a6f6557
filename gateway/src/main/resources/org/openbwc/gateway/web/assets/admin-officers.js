// /admin/officers: the officer directory (id, callsign, name) and the unit each carries. Viewers read it;
// supervisors and admins add, change and remove officers. Text from the API reaches the DOM through textContent only.
import { $, api, DASH, el, enc, initSession, unitUrl } from "/assets/app.js";
import { act, say } from "/assets/admin-common.js";

const tbody = $("#officers tbody");
const empty = $("#officers-empty");
const result = $("#officers-result");
let manages = false;

async function load() {
  const list = await api("/api/officers");
  tbody.replaceChildren(...(list || []).map(row));
  empty.textContent = list && list.length ? "" : "No officers yet" + (manages ? ": add one below." : ".");
  empty.hidden = !!(list && list.length);
}

function row(o) {
  const actions = el("td", { class: "actions" });
  const callsign = el("td", { text: o.callsign || DASH });
  const name = el("td", { text: o.name || DASH });
  if (manages) {
    const edit = el("button", { type: "button", class: "edit", text: "Change…" });
    edit.addEventListener("click", () => {
      edit.hidden = true;
      const cs = el("input", { type: "text", value: o.callsign || "", maxLength: 16, "aria-label": "callsign" });
      const nm = el("input", { type: "text", value: o.name || "", maxLength: 80, "aria-label": "name" });
      const save = el("button", { type: "button", text: "Save" });
      callsign.replaceChildren(cs);
      name.replaceChildren(nm);
      save.addEventListener("click", () => act(save, result, async () => {
        await api("/api/officers/" + enc(o.id), { method: "PUT", body: { callsign: cs.value, name: nm.value } });
        say(result, "Officer " + o.id + " changed.");
        await load();
      }));
      actions.prepend(save);
      cs.focus();
    });
    const remove = el("button", { type: "button", class: "remove", text: "Remove" });
    remove.disabled = !!o.unitId;
    if (o.unitId) remove.title = "carries " + o.unitId + ": unassign the unit first";
    remove.addEventListener("click", () => act(remove, result, async () => {
      await api("/api/officers/" + enc(o.id), { method: "DELETE" });
      say(result, "Officer " + o.id + " removed.");
      await load();
    }));
    actions.append(edit, remove);
  }
  return el("tr", { dataset: { officer: o.id } },
    el("td", { class: "id", text: o.id }),
    callsign,
    name,
    el("td", null, o.unitId ? el("a", { href: unitUrl(o.unitId), text: o.unitId }) : DASH),
    actions);
}

function setupAddForm() {
  const form = $("#add-form");
  const error = $("#add-error");
  $("#add-panel").hidden = false;
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const id = $("#add-id").value.trim();
    act($("#add-submit"), error, async () => {
      await api("/api/officers", {
        method: "POST",
        body: { id, callsign: $("#add-callsign").value.trim(), name: $("#add-name").value.trim() },
      });
      form.reset();
      say(result, "Officer " + id + " added.");
      await load();
    });
  });
}

async function main() {
  const session = await initSession();
  for (const a of document.querySelectorAll(".admin-tabs a")) {
    if (a.getAttribute("href") === location.pathname) a.setAttribute("aria-current", "page");
  }
  manages = session.role === "supervisor" || session.role === "admin";
  if (manages) setupAddForm();
  try {
    await load();
  } catch (e) {
    say(result, e.message, "error");
  }
}

main();
