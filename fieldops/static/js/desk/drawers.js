// The panels that cover the officers' list (incident detail, log an incident, messages):
// one at a time. On a phone they sit under the map instead.

export function createDrawers() {
  const drawers = [...document.querySelectorAll(".drawer")];
  const closers = new Map(); // drawer -> what to do when another one takes its place

  return {
    open(drawer, onDisplaced = null, { reveal = true } = {}) {
      for (const other of drawers) {
        if (other !== drawer && !other.hidden) {
          other.hidden = true;
          closers.get(other)?.();
        }
      }
      if (onDisplaced) closers.set(drawer, onDisplaced);
      drawer.hidden = false;
      document.body.classList.add("drawer-open");
      // On a phone the drawer opens under the map: bring it into view.
      if (reveal && window.matchMedia("(max-width: 760px)").matches) drawer.scrollIntoView();
    },
    close(drawer) {
      drawer.hidden = true;
      document.body.classList.toggle("drawer-open", drawers.some((d) => !d.hidden));
    },
  };
}

// One line over the map that says what just happened (or what failed).
export function createSay() {
  const box = document.getElementById("desk-toast");
  let timer = null;
  return function say(text, tone = "ok") {
    box.textContent = text;
    box.dataset.tone = tone;
    box.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => {
      box.hidden = true;
    }, tone === "bad" ? 8000 : 3500);
  };
}
