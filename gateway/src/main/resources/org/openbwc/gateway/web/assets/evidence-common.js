// What the Evidence page (/evidence) and the recording page (/recordings/{id}) share: the cells of a recording's
// state, verification and hold, and the categories offered. Text from the API only reaches the DOM as textContent.
import { el, DASH, enc } from "/assets/app.js";

/** Categories offered in the pickers (the gateway decides which it accepts, and says why it refuses one). */
export const CATEGORIES = ["arrest", "use-of-force", "traffic-stop", "incident", "interview", "complaint",
  "pursuit", "search", "test", "training"];

export const STATE_TEXT = { "on-unit": "on the unit", uploading: "uploading", stored: "stored", failed: "FAILED",
  deleted: "deleted" };

export function recordingUrl(id) { return "/recordings/" + enc(id); }

/** The store's verification: "✓ verified", "✗ FAILED" (with the problem on hover) or "pending". */
export function verifiedText(r) {
  if (r.verified === true) return "✓ verified";
  if (r.verified === false) return "✗ FAILED";
  return "pending";
}

export function verifiedClass(r) {
  return r.verified === true ? "ok" : r.verified === false ? "failed" : "pending";
}

export function stateText(s) { return STATE_TEXT[s] || s || DASH; }

/** Fills a <datalist> with the categories offered. */
export function fillCategories(list) {
  if (list) list.replaceChildren(...CATEGORIES.map(c => el("option", { value: c })));
}

/** A custody action as its wire name ("upload-started"), whatever case the API used. */
export function actionName(a) { return String(a || "").toLowerCase().replace(/_/g, "-"); }
