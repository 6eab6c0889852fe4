// "I NEED HELP": press and hold (a pocket press or a brushed glove does nothing), then the
// alarm goes into the outbox's `help` lane, first of all lanes, and is retried with the same
// client_id until the server has it (help-calls.js sends it and follows the call).

import { clientId } from "../shared/outbox.js";
import { $ } from "./dom.js";

const HOLD_MS = 1500;

export function createHelpButton({ outbox, freshPosition, onRaised }) {
  const hold = { startedAt: 0, frame: 0, pointer: null };

  function raise() {
    if (navigator.vibrate) navigator.vibrate(200);
    const id = clientId();
    outbox.add({ id, lane: "help", body: { client_id: id, ...freshPosition() }, at: new Date().toISOString() });
    onRaised();
  }

  function setProgress(value) {
    $("help-button").style.setProperty("--hold", String(value));
  }

  function begin(event) {
    if (hold.startedAt) return;
    if (event.pointerId !== undefined) {
      hold.pointer = event.pointerId;
      event.currentTarget.setPointerCapture(event.pointerId); // a finger sliding a bit still holds
    }
    hold.startedAt = performance.now();
    $("help-button").dataset.state = "holding";
    $("help-hint").textContent = "Keep holding…";
    hold.frame = requestAnimationFrame(step);
  }

  function step(now) {
    if (!hold.startedAt) return;
    const progress = Math.min(1, (now - hold.startedAt) / HOLD_MS);
    setProgress(progress);
    if (progress >= 1) {
      finish(true);
      return;
    }
    hold.frame = requestAnimationFrame(step);
  }

  function finish(completed) {
    if (!hold.startedAt) return;
    cancelAnimationFrame(hold.frame);
    hold.startedAt = 0;
    hold.pointer = null;
    setProgress(0);
    $("help-button").dataset.state = "idle";
    $("help-hint").textContent = completed ? "sent — hold again to repeat" : "hold 1.5 s";
    if (completed) raise();
  }

  function end() {
    finish(false); // released early: nothing is sent
  }

  function onKey(event) {
    if (event.key !== " " && event.key !== "Enter") return;
    event.preventDefault();
    if (event.type === "keydown" && !event.repeat) begin(event);
    if (event.type === "keyup") end();
  }

  const button = $("help-button");
  button.addEventListener("pointerdown", begin);
  button.addEventListener("pointerup", end);
  button.addEventListener("pointercancel", end);
  button.addEventListener("lostpointercapture", end);
  button.addEventListener("keydown", onKey);
  button.addEventListener("keyup", onKey);
  button.addEventListener("contextmenu", (event) => event.preventDefault()); // long press menu
  button.addEventListener("click", (event) => event.preventDefault());
}
