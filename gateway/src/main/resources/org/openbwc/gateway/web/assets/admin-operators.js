// /admin/operators: the operator accounts: add, change role, disable and enable, reset a password.
import { $, api, el, enc, fmtDateTime, session } from "/assets/app.js";
import { act, adminSession, say } from "/assets/admin-common.js";

const ROLES = ["viewer", "supervisor", "admin"];
const MIN_PASSWORD = 10;

const body = $("#operators tbody");
const empty = $("#operators-empty");
const result = $("#operators-result");

async function load() {
  const users = await api("/api/users");
  body.replaceChildren(...(users || []).map(row));
  empty.textContent = users && users.length ? "" : "No operators.";
  empty.hidden = !!(users && users.length);
}

function row(u) {
  const self = u.username === session.username;
  const tr = el("tr", { dataset: { user: u.username, disabled: String(!!u.disabled), role: u.role } });
  const roleSelect = el("select", { class: "role-select", "aria-label": "role of " + u.username },
    ...ROLES.map(r => el("option", { value: r, text: r, selected: r === u.role })));
  const setRole = el("button", { type: "button", class: "set-role", text: "Set role", disabled: true });
  roleSelect.addEventListener("change", () => { setRole.disabled = roleSelect.value === u.role; });
  setRole.addEventListener("click", () => act(setRole, result, async () => {
    const to = roleSelect.value;
    await api("/api/users/" + enc(u.username) + "/role", { method: "POST", body: { role: to } });
    await load();
    say(result, u.username + " is now " + to + (self ? " (your own role: pages you may no longer use will say so)"
      : "; it applies to their open sessions at once."));
  }));

  const toggle = el("button", {
    type: "button", class: u.disabled ? "enable" : "disable", text: u.disabled ? "Enable" : "Disable",
    disabled: self && !u.disabled, title: self && !u.disabled ? "You cannot disable your own account" : null,
  });
  toggle.addEventListener("click", () => act(toggle, result, async () => {
    await api("/api/users/" + enc(u.username) + (u.disabled ? "/enable" : "/disable"), { method: "POST" });
    await load();
    say(result, u.disabled ? u.username + " may sign in again."
      : u.username + " is disabled: they cannot sign in, and their open sessions have ended.");
  }));

  const reset = el("button", { type: "button", class: "reset-password", text: "Reset password" });
  const actions = el("td", { class: "actions" }, el("span", { class: "role-change" }, roleSelect, setRole), toggle, reset);
  reset.addEventListener("click", () => {
    reset.hidden = true;
    actions.append(passwordForm(u, () => { reset.hidden = false; }));
  });

  tr.append(
    el("td", { class: "user-cell", text: u.username }, self ? el("span", { class: "you", text: " (you)" }) : null),
    el("td", null, el("span", { class: "role role-" + u.role, text: u.role })),
    el("td", null, el("time", { dateTime: u.created, title: u.created, text: fmtDateTime(u.created, { alwaysDate: true }) })),
    el("td", { class: "status-cell", text: u.disabled ? "disabled" : "active" }),
    actions);
  return tr;
}

/** An inline form under a row's buttons: a new password, twice. */
function passwordForm(u, closed) {
  const self = u.username === session.username;
  const pw = el("input", { type: "password", class: "new-password", autocomplete: "new-password",
    "aria-label": "new password for " + u.username, placeholder: "new password", minlength: String(MIN_PASSWORD) });
  const pw2 = el("input", { type: "password", class: "new-password2", autocomplete: "new-password",
    "aria-label": "repeat the new password", placeholder: "repeat it" });
  const error = el("p", { class: "form-error", hidden: true });
  const ok = el("button", { type: "submit", text: "Set password" });
  const cancel = el("button", { type: "button", class: "btn-quiet", text: "Cancel" });
  const form = el("form", { class: "password-form", novalidate: true }, pw, pw2, ok, cancel, error);
  cancel.addEventListener("click", () => { form.remove(); closed(); });
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    if (pw.value.length < MIN_PASSWORD) { say(error, "Use at least " + MIN_PASSWORD + " characters.", "error"); return; }
    if (pw.value !== pw2.value) { say(error, "The two passwords differ.", "error"); return; }
    act(ok, error, async () => {
      await api("/api/users/" + enc(u.username) + "/password", { method: "POST", body: { password: pw.value } });
      form.remove();
      closed();
      // Resetting your own password ends your session too: the next call goes to the sign-in page.
      if (self) { await api("/api/me"); return; }
      say(result, "New password set for " + u.username + "; their open sessions have ended.");
    });
  });
  queueMicrotask(() => pw.focus());
  return form;
}

function setupAddForm() {
  const form = $("#add-form");
  const error = $("#add-error");
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const username = $("#add-username").value.trim();
    const role = $("#add-role").value;
    const password = $("#add-password").value;
    if (!username) { say(error, "Enter a user name.", "error"); $("#add-username").focus(); return; }
    if (password.length < MIN_PASSWORD) {
      say(error, "The password needs at least " + MIN_PASSWORD + " characters.", "error");
      $("#add-password").focus();
      return;
    }
    if (password !== $("#add-password2").value) {
      say(error, "The two passwords differ.", "error");
      $("#add-password2").focus();
      return;
    }
    act($("#add-submit"), error, async () => {
      await api("/api/users", { method: "POST", body: { username, role, password } });
      form.reset();
      await load();
      say(result, "Added " + username + " (" + role + "). They can sign in now.");
    });
  });
}

async function main() {
  if (!await adminSession()) return;
  setupAddForm();
  try {
    await load();
  } catch (e) {
    say(result, e.message, "error");
  }
}

main();
