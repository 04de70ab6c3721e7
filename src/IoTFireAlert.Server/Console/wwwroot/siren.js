// The alarm sound: a two-tone beep made with a Web Audio oscillator (no audio files: the page
// fetches nothing it does not carry). It sounds while an unacknowledged critical alarm exists and
// the room has not muted it. Browsers start audio only after a user gesture, so until the first
// click or key press the page says that the sound is blocked.

export class Siren {
  #context = null;
  #timer = null;
  sounding = false;
  muted = false;
  onState = () => {};

  constructor() {
    const unlock = () => this.#ensureContext();
    document.addEventListener('pointerdown', unlock);
    document.addEventListener('keydown', unlock);
  }

  get blocked() {
    return this.sounding && !this.muted && (!this.#context || this.#context.state !== 'running');
  }

  set(sounding) {
    if (this.sounding === sounding) return;
    this.sounding = sounding;
    if (sounding) {
      this.#ensureContext();
      this.#beep();
      this.#timer = setInterval(() => this.#beep(), 1200);
    } else {
      clearInterval(this.#timer);
      this.#timer = null;
    }
    this.onState();
  }

  toggleMute() {
    this.muted = !this.muted;
    this.onState();
  }

  #ensureContext() {
    try {
      this.#context ??= new AudioContext();
      if (this.#context.state === 'suspended') this.#context.resume().then(() => this.onState(), () => {});
    } catch {
      this.#context = null;
    }
    this.onState();
  }

  #beep() {
    const ctx = this.#context;
    if (this.muted || !ctx || ctx.state !== 'running') return;
    const start = ctx.currentTime + 0.01;
    for (const [i, frequency] of [960, 770, 960, 770].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = frequency;
      const at = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.12, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.17);
    }
  }
}
