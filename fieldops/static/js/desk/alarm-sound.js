// The alarm sound: a WebAudio beep pattern (no audio file), repeated every few seconds
// while any alarm is open. Browsers keep audio silent until the page gets a click or a key,
// so until then a button says so; the first click or key anywhere unlocks it.

const REPEAT_MS = 4000;

export function createAlarmSound() {
  const button = document.getElementById("sound-unlock");
  let audio = null;
  let timer = null;
  let urgent = false;

  function unlocked() {
    return audio?.state === "running";
  }

  function render() {
    button.hidden = unlocked();
  }

  async function unlock() {
    try {
      audio = audio || new AudioContext();
      await audio.resume();
    } catch {
      // No audio on this machine: the button stays, the bar still flashes.
    }
    render();
  }

  function beep(at, frequency, length) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "square";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + length + 0.02);
  }

  function play() {
    if (!unlocked()) return;
    const t = audio.currentTime + 0.02;
    const notes = urgent ? [988, 740, 988, 740, 988, 740] : [880, 660, 880];
    notes.forEach((frequency, i) => beep(t + i * 0.22, frequency, 0.18));
  }

  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, () => {
      if (!unlocked()) unlock();
    }, { capture: true });
  }
  button.addEventListener("click", unlock);
  render();

  return {
    // open: how many alarms are open; help: whether one of them is an officer's call for help.
    set(open, help) {
      urgent = help;
      if (open && !timer) {
        play();
        timer = setInterval(play, REPEAT_MS);
      } else if (!open && timer) {
        clearInterval(timer);
        timer = null;
      }
    },
    state: () => ({ unlocked: unlocked(), sounding: timer !== null }),
  };
}
