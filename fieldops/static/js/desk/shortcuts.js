// Keys for a busy dispatcher; ignored while typing in a field. `?` lists them.

export const SHORTCUTS = [
  ["j / k", "next / previous incident in the queue"],
  ["Enter", "open the selected incident"],
  ["a", "acknowledge the selected incident"],
  ["d", "dispatch the nearest free officer to it"],
  ["n", "log a new incident"],
  ["m", "messages"],
  ["h", "acknowledge the top alarm"],
  ["Esc", "close the panel"],
  ["/", "find an officer"],
  ["?", "show or hide this list"],
];

function typing(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function bindShortcuts(handlers) {
  const help = document.getElementById("shortcut-help");
  const table = help.querySelector("dl");
  table.innerHTML = SHORTCUTS.map(([keys, what]) =>
    `<dt>${keys.split(" / ").map((k) => `<kbd>${k}</kbd>`).join(" / ")}</dt><dd>${what}</dd>`).join("");
  help.querySelector('[data-action="close"]').addEventListener("click", () => {
    help.hidden = true;
  });

  const keys = {
    j: () => handlers.move(1),
    k: () => handlers.move(-1),
    a: handlers.acknowledge,
    d: handlers.dispatch,
    n: handlers.newIncident,
    m: handlers.messages,
    h: handlers.acknowledgeAlarm,
  };

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (e.key === "?") {
      help.hidden = !help.hidden;
    } else if (e.key === "Escape") {
      if (!help.hidden) help.hidden = true;
      else handlers.escape();
      return;
    } else if (e.key === "Enter") {
      if (e.target.closest?.("button, a, summary")) return;
      handlers.open();
    } else if (keys[e.key]) {
      keys[e.key]();
    } else {
      return;
    }
    e.preventDefault();
  });
}
