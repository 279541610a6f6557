// Live page (/live/{unitId}): one big player for a unit, with its id, officer and state.
import {
  $, el, setText, api, enc, ApiError, DASH, fmtStateText, fmtApiError, fmtWhen, displayState, isOffline, offlineSince,
  unitUrl, initSession, canCommand, isRecording, LiveStream, AlertCenter, everySecond, showPageError,
} from "/assets/app.js";
import { createLiveView, attachLivePlayer } from "/assets/live.js";
import { attachTalk } from "/assets/talk.js";

const unitId = (() => {
  const m = location.pathname.match(/^\/live\/([^/]+)\/?$/);
  try { return m ? decodeURIComponent(m[1]) : ""; } catch (e) { return m ? m[1] : ""; }
})();

const alerts = new AlertCenter();
let unit = null;
let receivedAt = 0;
let player = null;

setText($("#unit-id"), unitId || DASH);
document.title = "Live " + (unitId || "") + " · openbwc monitoring room";
if (unitId) $("#back-unit").href = unitUrl(unitId);

// The officer's callsign and name from the directory (GET /api/officers), read again when the unit's officer changes.
let officerLookup = { id: null, label: "" };

/** "Officer ALPHA 1 · Kari Nordmann (4711)", or "Officer 4711" until (or unless) the directory knows the id. */
function officerText(id) {
  if (officerLookup.id !== id) {
    officerLookup = { id, label: "" };
    api("/api/officers").then(list => {
      const o = (list || []).find(x => String(x.id) === id);
      if (officerLookup.id !== id || !o) return;
      officerLookup.label = [o.callsign, o.name].filter(Boolean).join(" · ");
      renderUnit();
    }).catch(err => console.warn("officer directory not available:", err.message));
  }
  return "Officer " + (officerLookup.label ? officerLookup.label + " (" + id + ")" : id);
}

function renderUnit(now = Date.now()) {
  const badge = $("#unit-state");
  if (!unit) {
    $("#unit-recording").hidden = true;
    badge.dataset.state = "unknown";
    setText(badge, "UNKNOWN");
    return;
  }
  const ds = displayState(unit);
  badge.dataset.state = ds;
  document.body.dataset.unitState = ds;
  setText(badge, fmtStateText(unit, receivedAt, now));
  setText($("#unit-officer"), unit.officerId ? officerText(String(unit.officerId)) : "");
  const since = offlineSince(unit);
  const off = $("#unit-offline");
  off.hidden = since === null;
  if (since !== null) setText(off, "offline since " + fmtWhen(since, now));
  // The recording being made, so that what is watched now can be found again in the evidence store.
  const rec = $("#unit-recording");
  const recording = isRecording(unit) && unit.recordingId ? String(unit.recordingId) : "";
  rec.hidden = !recording;
  if (recording && rec.dataset.recordingId !== recording) {
    rec.dataset.recordingId = recording;
    rec.href = "/recordings/" + enc(recording);
    setText(rec, "● Recording " + recording);
  }
}

function setUnit(u) {
  unit = u;
  receivedAt = Date.now();
  renderUnit();
  if (player && u) player.setUnitOnline(!isOffline(u));
}

function startPlayer(t0) {
  const stage = $("#live-stage");
  if (!player) {
    const { root, video } = createLiveView(unitId, { id: "live-video" });
    stage.replaceChildren(root);
    player = attachLivePlayer(video, unitId, {
      t0,
      online: unit ? !isOffline(unit) : undefined,
      onState: state => {
        document.body.dataset.liveState = state;
        $("#live-stop").disabled = state === "ended" || state === "error" || state === "offline";
      },
    });
    // Two-way voice: the talking supervisor's page; "?talk=test" sends injected tones only (tests, bench/talk).
    $("#live-talk").hidden = false;
    const q = new URLSearchParams(location.search);
    attachTalk(unitId, player, { testSource: q.get("talk") === "test", answer: q.get("answer") === "1" });
  } else {
    player.restart(t0);
  }
}

$("#live-stop").addEventListener("click", () => { if (player) player.stop(); });
$("#live-fullscreen").addEventListener("click", () => {
  const stage = $("#live-stage");
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else if (stage.requestFullscreen) stage.requestFullscreen().catch(() => showPageError("The browser refused full screen."));
});
$("#live-stage").addEventListener("dblclick", () => $("#live-fullscreen").click());

async function main() {
  if (!unitId) { showPageError("No unit id in the address."); return; }
  await initSession();
  $("#wall-link").hidden = !canCommand();
  try {
    setUnit(await api("/api/units/" + enc(unitId)));
  } catch (e) {
    showPageError(e instanceof ApiError && e.status === 404 ? "The gateway does not know unit " + unitId + "."
      : fmtApiError(e, "Unit status unavailable"));
  }
  if (canCommand()) {
    startPlayer(performance.now());
  } else {
    // A viewer's request would only be refused: say so instead of showing a player that cannot play.
    $(".live-actions").hidden = true;
    $("#live-stage").replaceChildren(el("p", { class: "live-denied", text: "Live video is for supervisors." }));
  }
  new LiveStream({
    snapshot: ({ units, alerts: list }) => {
      alerts.replaceAll(list);
      const u = units.find(x => x && String(x.id) === unitId);
      if (u) setUnit(u);
    },
    unit: u => { if (u && String(u.id) === unitId) setUnit(u); },
    removed: d => { if (d && String(d.id) === unitId) { unit = null; renderUnit(); showPageError("Unit " + unitId + " was removed from the gateway."); } },
    alert: a => alerts.upsert(a),
  }).start();
  everySecond(now => renderUnit(now));
}

main().catch(e => {
  console.error(e);
  showPageError("The live page could not start: " + (e && e.message ? e.message : e));
});
