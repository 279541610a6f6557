// openbwc monitoring room: two-way voice with a unit (ES module, served at /assets/talk.js).
// A supervisor watching a unit live opens a call (POST /api/units/{id}/calls); while they transmit (push-to-talk,
// half duplex like a police radio), their microphone (getUserMedia, echo cancellation on) is encoded to Opus with
// WebCodecs (16-bit PCM where the browser has no Opus encoder) in 20 ms frames and sent as binary TalkFrames (BWT1)
// on the live view's WebSocket; the gateway forwards them down the unit's uplink. The officer is heard through the
// live stream's own audio, which the unit turns on for the call: the player is unmuted while the supervisor listens
// and ducked while they transmit (their own voice comes back in the stream, mixed into the unit's recording).
//
// DOM contract: the page's button#live-talk (open/close the call), button#live-transmit (hold or click to talk),
// span#live-talk-state; document.body[data-talk] = idle | opening | open | transmitting | error.
// Test hooks (window.openbwcTalk): injectTone(hz, ms) adds a tone to what is sent and returns Date.now();
// listen(hz) starts timing onsets of that tone in the unit's audio, onsets() returns their Date.now() times.
"use strict";

import { api, enc } from "/assets/app.js";

const MAGIC = [0x42, 0x57, 0x54, 0x31]; // "BWT1"
const CODEC_OPUS = 0, CODEC_PCM = 1;

/** FNV-1a of the call id, as TalkFrame.tagOf computes it. */
function tagOf(callId) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(callId)) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function frame(codec, tag, seq, captureMs, payload) {
  const buf = new ArrayBuffer(24 + payload.byteLength);
  const dv = new DataView(buf);
  MAGIC.forEach((b, i) => dv.setUint8(i, b));
  dv.setUint8(4, codec);
  dv.setInt32(8, tag);
  dv.setInt32(12, seq);
  dv.setBigInt64(16, BigInt(Math.round(captureMs)));
  new Uint8Array(buf, 24).set(new Uint8Array(payload.buffer || payload, payload.byteOffset || 0, payload.byteLength));
  return buf;
}

/**
 * Wires the Talk controls of a live page.
 *
 * @param player the handle of attachLivePlayer (send, video)
 * @param opts.testSource true: no microphone, only injected tones (automated tests, bench/talk)
 * @param opts.answer true: open the call at once (the page was opened by "Answer" on a call request)
 */
export function attachTalk(unitId, player, opts = {}) {
  const talkBtn = document.getElementById("live-talk");
  const txBtn = document.getElementById("live-transmit");
  const stateEl = document.getElementById("live-talk-state");
  let call = null;        // { callId, tag }
  let ctx = null, node = null, mic = null, tone = null, toneGain = null, encoder = null, codec = CODEC_PCM;
  let playGain = null, analyser = null, listenHz = 0, listenTimer = null;
  let transmitting = false, seq = 0;
  const onsets = [];

  function setState(s, text) {
    document.body.dataset.talk = s;
    if (stateEl) stateEl.textContent = text || "";
    talkBtn.textContent = call ? "End call" : "🎙 Talk";
    talkBtn.setAttribute("aria-pressed", String(!!call));
    txBtn.hidden = !call;
    txBtn.textContent = transmitting ? "● Transmitting (click to listen)" : "Hold or click to talk";
    txBtn.setAttribute("aria-pressed", String(transmitting));
  }

  async function audio() {
    if (ctx) return;
    ctx = new AudioContext({ sampleRate: 48000, latencyHint: "interactive" });
    await ctx.audioWorklet.addModule("/assets/talk-worklet.js");
    node = new AudioWorkletNode(ctx, "openbwc-talk-capture", { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1 });
    node.port.onmessage = ev => send(ev.data);
    tone = ctx.createOscillator();
    toneGain = ctx.createGain();
    toneGain.gain.value = 0;
    tone.connect(toneGain).connect(node);
    tone.start();
    if (!opts.testSource) {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 },
      });
      mic = { stream, source: ctx.createMediaStreamSource(stream) };
      mic.source.connect(node);
    }
    // The unit's audio through Web Audio: heard at full level while listening, ducked while transmitting.
    playGain = ctx.createGain();
    analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    analyser.smoothingTimeConstant = 0;
    const src = ctx.createMediaElementSource(player.video);
    src.connect(playGain).connect(ctx.destination);
    src.connect(analyser);
    player.video.muted = false;
    player.video.volume = 1;
    encoder = await opusEncoder();
    codec = encoder ? CODEC_OPUS : CODEC_PCM;
    if (ctx.state !== "running") await ctx.resume();
  }

  async function opusEncoder() {
    if (typeof AudioEncoder !== "function") return null;
    const config = { codec: "opus", sampleRate: 48000, numberOfChannels: 1, bitrate: 32000, opus: { frameDuration: 20000 } };
    try {
      if (!(await AudioEncoder.isConfigSupported(config)).supported) return null;
      const e = new AudioEncoder({
        output: chunk => {
          const bytes = new Uint8Array(chunk.byteLength);
          chunk.copyTo(bytes);
          out(CODEC_OPUS, bytes, chunk.timestamp / 1000);
        },
        error: err => console.error("talk: Opus encoder failed", err),
      });
      e.configure(config);
      return e;
    } catch (err) {
      return null;
    }
  }

  let startMs = 0;
  function send(samples) {
    if (!call || !transmitting) return;
    const now = Date.now();
    if (!startMs) startMs = now;
    if (encoder && encoder.state === "configured") {
      const data = new AudioData({
        format: "f32", sampleRate: 48000, numberOfFrames: samples.length, numberOfChannels: 1,
        timestamp: (now - startMs) * 1000, data: samples,
      });
      encoder.encode(data);
      data.close();
    } else {
      const pcm = new Int16Array(samples.length);
      for (let i = 0; i < samples.length; i++) pcm[i] = Math.max(-1, Math.min(1, samples[i])) * 32767;
      out(CODEC_PCM, new Uint8Array(pcm.buffer), now - startMs);
    }
  }

  function out(c, bytes, relMs) {
    if (!call) return;
    player.send(frame(c, call.tag, ++seq, startMs + relMs, bytes));
  }

  function transmit(on) {
    if (!call || transmitting === on) return;
    transmitting = on;
    if (playGain) playGain.gain.value = on ? 0.05 : 1;
    setState(on ? "transmitting" : "open", on ? "talking to the officer" : "in call: listening");
  }

  async function open() {
    setState("opening", "opening call…");
    try {
      await audio();
      const c = await api("/api/units/" + enc(unitId) + "/calls", { method: "POST" });
      call = { callId: String(c.callId), tag: tagOf(String(c.callId)) };
      if (player.callEdge) player.callEdge(true);
      seq = 0;
      startMs = 0;
      setState("open", "in call: listening");
    } catch (e) {
      call = null;
      setState("error", "call failed: " + (e && e.message ? e.message : e));
    }
  }

  async function close() {
    const c = call;
    transmit(false);
    call = null;
    if (player.callEdge) player.callEdge(false);
    setState("idle", "");
    if (c) {
      try { await api("/api/units/" + enc(unitId) + "/calls/" + enc(c.callId), { method: "DELETE" }); } catch (e) { /* ended already */ }
    }
  }

  talkBtn.addEventListener("click", () => (call ? close() : open()));
  // Click toggles; holding it (pointer down ≥ 300 ms) talks until released.
  let downAt = 0;
  txBtn.addEventListener("pointerdown", () => { downAt = Date.now(); if (!transmitting) transmit(true); else downAt = 0; });
  txBtn.addEventListener("pointerup", () => { if (!downAt) { transmit(false); return; } if (Date.now() - downAt >= 300) transmit(false); downAt = 0; });
  txBtn.addEventListener("keydown", ev => { if (ev.key === " " || ev.key === "Enter") { ev.preventDefault(); transmit(!transmitting); } });

  function listen(hz) {
    listenHz = hz;
    onsets.length = 0;
    clearInterval(listenTimer);
    let above = false;
    const buf = new Float32Array(analyser.fftSize);
    listenTimer = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      // Goertzel at the tone's frequency over the newest 512 samples; the time is the page's Date.now().
      const n = 512, k = 2 * Math.cos(2 * Math.PI * listenHz / ctx.sampleRate);
      let s1 = 0, s2 = 0, energy = 0;
      for (let i = buf.length - n; i < buf.length; i++) {
        const s0 = buf[i] + k * s1 - s2;
        s2 = s1; s1 = s0;
        energy += buf[i] * buf[i];
      }
      const power = (s1 * s1 + s2 * s2 - k * s1 * s2) / (n * n / 4);
      const on = power > 0.002 && power > 0.5 * (energy / n) * 2;
      if (on && !above) onsets.push(Date.now());
      above = on;
    }, 5);
  }

  window.openbwcTalk = {
    get call() { return call; },
    get codec() { return codec === CODEC_OPUS ? "opus" : "pcm"; },
    open, close, transmit,
    injectTone(hz, ms) {
      const t = ctx.currentTime;
      tone.frequency.setValueAtTime(hz, t);
      toneGain.gain.setValueAtTime(0.5, t);
      toneGain.gain.setValueAtTime(0, t + ms / 1000);
      return Date.now();
    },
    listen,
    onsets: () => onsets.slice(),
  };
  setState("idle", "");
  // "Answer" on a call request opens this page with ?answer=1: the call opens at once.
  if (opts.answer) open();
}
