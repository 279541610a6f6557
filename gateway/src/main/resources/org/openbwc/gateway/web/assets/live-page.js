// Live page (/live/{unitId}): one big player for a unit, with its id, officer and state.
import {
  $, setText, api, enc, ApiError, DASH, fmtStateText, displayState, unitUrl, initSession, canCommand, LiveStream,
  AlertCenter, everySecond, showPageError,
} from "/assets/app.js";
import { createLiveView, attachLivePlayer } from "/assets/live.js";

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

function renderUnit(now = Date.now()) {
  const badge = $("#unit-state");
  if (!unit) {
    badge.dataset.state = "unknown";
    setText(badge, "UNKNOWN");
    return;
  }
  const ds = displayState(unit);
  badge.dataset.state = ds;
  document.body.dataset.unitState = ds;
  setText(badge, fmtStateText(unit, receivedAt, now));
  setText($("#unit-officer"), unit.officerId ? "Officer " + unit.officerId : "");
}

function setUnit(u) {
  unit = u;
  receivedAt = Date.now();
  renderUnit();
}

function startPlayer(t0) {
  const stage = $("#live-stage");
  if (!player) {
    const { root, video } = createLiveView(unitId, { id: "live-video" });
    stage.replaceChildren(root);
    player = attachLivePlayer(video, unitId, {
      t0,
      onState: state => {
        document.body.dataset.liveState = state;
        $("#live-stop").disabled = state === "ended" || state === "error";
      },
    });
  } else {
    player.restart(t0);
  }
}

$("#live-stop").addEventListener("click", () => { if (player) player.stop(); });
$("#live-fullscreen").addEventListener("click", () => {
  const stage = $("#live-stage");
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else if (stage.requestFullscreen) stage.requestFullscreen().catch(e => showPageError("Full screen refused: " + e.message));
});
$("#live-stage").addEventListener("dblclick", () => $("#live-fullscreen").click());

async function main() {
  if (!unitId) { showPageError("No unit id in the address."); return; }
  await initSession();
  $("#wall-link").hidden = !canCommand();
  // The player shows the gateway's own answer (e.g. 403 for the viewer role), so it starts for everyone.
  startPlayer(performance.now());
  try {
    setUnit(await api("/api/units/" + enc(unitId)));
  } catch (e) {
    showPageError(e instanceof ApiError && e.status === 404 ? e.message : "Unit status unavailable: " + e.message);
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
