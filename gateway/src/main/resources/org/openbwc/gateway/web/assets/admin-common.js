// What the admin pages (/admin/operators, /admin/audit, /admin/units) share: sign-in and role check, the tabs,
// status lines. Text from the API only ever reaches the DOM through textContent, never innerHTML.
import { $, initSession, showPageError } from "/assets/app.js";

/**
 * Loads the session (a 401 goes to the sign-in page) and resolves with it for an admin; for anyone else it says so on
 * the page and resolves with null, so the page loads nothing it may not read.
 */
export async function adminSession() {
  const session = await initSession();
  for (const a of document.querySelectorAll(".admin-tabs a")) {
    if (a.getAttribute("href") === location.pathname) a.setAttribute("aria-current", "page");
  }
  if (session.role !== "admin") {
    showPageError("These pages are for admins; you are signed in as " + session.username + " (" + session.role
      + "). Ask an admin for what you need here.");
    const main = $("main");
    if (main) main.hidden = true;
    return null;
  }
  return session;
}

/** Shows an outcome line: kind "ok" or "error" (errors are announced at once), or clears it with no text. */
export function say(node, text, kind = "ok") {
  if (!node) return;
  node.textContent = text || "";
  node.dataset.kind = kind;
  node.hidden = !text;
  node.setAttribute("role", kind === "error" ? "alert" : "status");
}

/** Runs an API call from a button: disabled meanwhile, errors shown in `out` with the API's own words. */
export async function act(button, out, fn) {
  if (button) button.disabled = true;
  say(out, "");
  try {
    return await fn();
  } catch (e) {
    say(out, (e && e.message) || "the request failed", "error");
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
