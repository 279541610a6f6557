// /admin/audit: the audit log's chain check (the one `bwc gateway audit verify` runs) and its entries, filtered.
import { $, api, el, fmtDateTime } from "/assets/app.js";
import { act, adminSession, say } from "/assets/admin-common.js";

const chain = $("#chain");
const tbody = $("#audit tbody");
const count = $("#audit-count");
const error = $("#audit-error");

function plural(n, one, many = one + "s") {
  return n + " " + (n === 1 ? one : many);
}

async function checkChain() {
  chain.dataset.state = "checking";
  chain.textContent = "Checking the audit log's chain…";
  let v;
  try {
    v = await api("/api/audit/verify");
  } catch (e) {
    chain.dataset.state = "error";
    chain.textContent = "The chain could not be checked: " + e.message;
    return;
  }
  const checkpoint = v.lastCheckpointSeq
    ? "last signed checkpoint at entry " + v.lastCheckpointSeq + ", " + fmtDateTime(v.lastCheckpointAt, { alwaysDate: true })
    : "no signed checkpoint yet";
  const counts = plural(v.entries, "entry", "entries") + " checked, " + plural(v.checkpoints, "signed checkpoint")
    + ", " + checkpoint
    + (v.unkeyedEntries ? "; " + plural(v.unkeyedEntries, "entry", "entries") + " from before the log was keyed" : "")
    + (v.tornLines ? "; " + plural(v.tornLines, "torn line") + " from power cuts" : "");
  chain.dataset.state = v.intact ? "ok" : "broken";
  chain.replaceChildren(
    el("strong", { class: "chain-verdict", text: v.intact ? "✔ Chain intact" : "✘ Chain BROKEN" }),
    el("span", { class: "chain-detail", text: v.intact
      ? ": " + counts + "."
      : " at line " + v.brokenLine + ": " + v.problem + ". Verified before it: " + counts
        + ". Entries after it cannot be trusted; keep a copy of the log and report it." }),
    el("span", { class: "chain-when", text: " Checked " + fmtDateTime(v.checkedAt) + "." }));
}

/** The filters as API query parameters; local date-times become instants. */
function query() {
  const p = new URLSearchParams();
  for (const name of ["actor", "action", "target"]) {
    const v = $("#f-" + name).value.trim();
    if (v) p.set(name, v);
  }
  for (const name of ["from", "to"]) {
    const v = $("#f-" + name).value;
    if (!v) continue;
    const d = new Date(v); // a datetime-local value is read as local time
    if (!Number.isNaN(d.getTime())) p.set(name, d.toISOString());
  }
  p.set("limit", $("#f-limit").value);
  return p;
}

function details(d) {
  if (!d || typeof d !== "object") return "";
  return Object.entries(d)
    .map(([k, v]) => k + "=" + (v !== null && typeof v === "object" ? JSON.stringify(v) : String(v)))
    .join(", ");
}

function row(e) {
  return el("tr", { dataset: { seq: String(e.seq), action: e.action || "", outcome: e.outcome || "" } },
    el("td", { class: "num", text: String(e.seq) }),
    el("td", null, el("time", { dateTime: e.time, title: e.time, text: fmtDateTime(e.time, { alwaysDate: true }) })),
    el("td", { text: e.actor || "" }),
    el("td", { class: "action", text: e.action || "" }),
    el("td", { text: e.target || "" }),
    el("td", { class: "outcome outcome-" + (e.outcome || ""), text: e.outcome || "" }),
    el("td", { class: "details", text: details(e.details) }));
}

async function load(button) {
  await act(button, error, async () => {
    const p = query();
    const entries = await api("/api/audit?" + p.toString());
    tbody.replaceChildren(...(entries || []).map(row));
    const n = entries ? entries.length : 0;
    count.textContent = n === 0 ? "No entries match." : plural(n, "entry", "entries") + ", newest first"
      + (n >= Number(p.get("limit")) ? " (the newest " + n + "; narrow the filters to see older ones)" : "") + ".";
  });
}

async function main() {
  if (!await adminSession()) return;
  $("#chain-check").addEventListener("click", ev => act(ev.currentTarget, null, checkChain));
  $("#audit-filter").addEventListener("submit", ev => { ev.preventDefault(); load($("#f-apply")); });
  $("#f-clear").addEventListener("click", () => { $("#audit-filter").reset(); say(error, ""); load($("#f-apply")); });
  await Promise.all([checkChain(), load($("#f-apply"))]);
}

main();
