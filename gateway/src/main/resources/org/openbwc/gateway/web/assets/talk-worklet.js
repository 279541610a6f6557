// openbwc: the room's microphone for a voice call (AudioWorklet, served at /assets/talk-worklet.js).
// Collects 20 ms of mono samples at the context's rate (48 kHz) and posts them to the page, which encodes them.
"use strict";

class TalkCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.round(sampleRate / 50);
    this.frame = new Float32Array(this.size);
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0];
    const ch = input && input[0];
    if (ch) {
      let i = 0;
      while (i < ch.length) {
        const n = Math.min(ch.length - i, this.frame.length - this.filled);
        this.frame.set(ch.subarray(i, i + n), this.filled);
        this.filled += n;
        i += n;
        if (this.filled === this.frame.length) {
          // Transferred, so the old array is detached (length 0): the next one takes its size from this.size.
          this.port.postMessage(this.frame, [this.frame.buffer]);
          this.frame = new Float32Array(this.size);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("openbwc-talk-capture", TalkCapture);
