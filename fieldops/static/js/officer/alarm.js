// The alarm: sound and vibration. Phones allow sound only after a touch: the first tap
// anywhere unlocks it for later alarms; until then a banner says a dispatch would only vibrate.

export function createAlarm() {
  let audio = null;
  let hiding = false;
  const Context = window.AudioContext || window.webkitAudioContext;

  function renderSoundState() {
    const button = document.getElementById("sound-unlock");
    const ready = !Context || (audio !== null && audio.state === "running");
    if (!button || button.hidden === ready || (ready && hiding)) return;
    if (!ready) {
      button.hidden = false;
      return;
    }
    // The tap that unlocked sound is still going on: let its click land where it was aimed
    // before the banner leaves and moves everything up.
    hiding = true;
    const hide = () => {
      hiding = false;
      clearTimeout(fallback);
      document.removeEventListener("click", later, true);
      button.hidden = true;
    };
    const later = () => setTimeout(hide, 0);
    const fallback = setTimeout(hide, 1500);
    document.addEventListener("click", later, { capture: true, once: true });
  }

  function unlock() {
    if (!Context) return;
    if (!audio) {
      audio = new Context();
      audio.addEventListener("statechange", renderSoundState);
    }
    if (audio.state === "suspended") audio.resume().then(renderSoundState, () => {});
    renderSoundState();
  }

  function beep(beeps = 3) {
    if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 400]);
    unlock();
    if (!audio) return;
    const start = audio.currentTime + 0.05;
    for (let i = 0; i < beeps; i += 1) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = i % 2 ? 660 : 990;
      gain.gain.value = 0.25;
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.3);
      osc.stop(start + i * 0.3 + 0.2);
    }
  }

  document.addEventListener("pointerdown", unlock, { capture: true });
  document.addEventListener("keydown", unlock, { capture: true });
  renderSoundState(); // a module runs after the page is parsed

  return { beep };
}
