// Login page: posts the credentials, then goes to ?next= (same-origin paths only) or /.
import { api, safeNext, $ } from "/assets/app.js";

const form = $("#login-form");
const errorEl = $("#login-error");
const button = $("#sign-in");
const next = safeNext(new URLSearchParams(location.search).get("next") || "/");

function showError(msg) {
  errorEl.textContent = msg || "";
  errorEl.hidden = !msg;
}

form.addEventListener("submit", async ev => {
  ev.preventDefault();
  const username = $("#username").value.trim();
  const password = $("#password").value;
  if (!username || !password) {
    showError("Enter your username and password.");
    (username ? $("#password") : $("#username")).focus();
    return;
  }
  showError("");
  button.disabled = true;
  button.textContent = "Signing in…";
  try {
    await api("/api/login", { method: "POST", body: { username, password }, redirectOn401: false });
    location.replace(next);
  } catch (e) {
    showError(e.message || "Sign-in failed.");
    $("#password").select();
    $("#password").focus();
    button.disabled = false;
    button.textContent = "Sign in";
  }
});
