// /admin/units: the agency's units (enrolment state), a one-time enrolment token for a new unit, revocation.
import { $, api, DASH, el, enc, fmtDateTime, unitUrl } from "/assets/app.js";
import { act, adminSession, say } from "/assets/admin-common.js";

const TOKEN_FILE = "/etc/bwc/enrolment.token";
const tbody = $("#enrolled tbody");
const empty = $("#enrolled-empty");
const result = $("#units-result");

function when(t) {
  return t ? el("time", { dateTime: t, title: t, text: fmtDateTime(t, { alwaysDate: true }) }) : DASH;
}

async function load() {
  const units = await api("/api/enrolments");
  tbody.replaceChildren(...(units || []).map(row));
  empty.textContent = units && units.length ? "" : "No units yet: issue a token below.";
  empty.hidden = !!(units && units.length);
}

function row(u) {
  const actions = el("td", { class: "actions" });
  if (u.state !== "revoked") {
    const revoke = el("button", { type: "button", class: "revoke", text: "Revoke…" });
    revoke.addEventListener("click", () => {
      revoke.hidden = true;
      const confirm = el("button", { type: "button", class: "confirm-revoke danger", text: "Revoke " + u.unitId + " for good" });
      const cancel = el("button", { type: "button", class: "btn-quiet", text: "Cancel" });
      const box = el("span", { class: "confirm" }, confirm, cancel);
      cancel.addEventListener("click", () => { box.remove(); revoke.hidden = false; revoke.focus(); });
      confirm.addEventListener("click", () => act(confirm, result, async () => {
        await api("/api/units/" + enc(u.unitId) + "/revoke", { method: "POST" });
        await load();
        say(result, u.unitId + " is revoked: the gateway disconnected it and will not admit it again.");
      }));
      actions.append(box);
      confirm.focus();
    });
    actions.append(revoke);
  }
  return el("tr", { dataset: { unit: u.unitId, state: u.state } },
    el("td", { class: "id" }, el("a", { href: unitUrl(u.unitId), text: u.unitId })),
    el("td", null, el("span", { class: "enrol-state enrol-" + u.state, text: u.state })),
    el("td", null, when(u.addedAt)),
    el("td", null, when(u.enrolledAt)),
    el("td", null, when(u.certificateExpiresAt)),
    el("td", null, when(u.revokedAt)),
    actions);
}

function showToken(t) {
  $("#token-unit").textContent = t.unitId;
  $("#token-expires").textContent = fmtDateTime(t.expiresAt, { alwaysDate: true });
  $("#token-expires").setAttribute("datetime", t.expiresAt);
  $("#token-value").textContent = t.token;
  $("#token-config").textContent = [
    "enrolment:",
    "  url: " + (t.enrolmentUrl || "https://<gateway host>:<http.unitPort>"),
    "  tokenFile: " + TOKEN_FILE,
    "  caFingerprint: \"" + (t.caFingerprint || "") + "\"",
  ].join("\n");
  $("#token-box").hidden = false;
}

function setupIssueForm() {
  const form = $("#issue-form");
  const error = $("#issue-error");
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const unitId = $("#issue-unit").value.trim();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(unitId)) {
      say(error, "A unit id is 1 to 64 letters, digits, '_' or '-'.", "error");
      $("#issue-unit").focus();
      return;
    }
    act($("#issue-submit"), error, async () => {
      const t = await api("/api/enrolments", { method: "POST", body: { unitId } });
      form.reset();
      showToken(t);
      await load();
    });
  });
  $("#token-done").addEventListener("click", () => {
    $("#token-value").textContent = "";
    $("#token-box").hidden = true;
  });
}

async function main() {
  if (!await adminSession()) return;
  setupIssueForm();
  try {
    await load();
  } catch (e) {
    say(result, e.message, "error");
  }
}

main();
