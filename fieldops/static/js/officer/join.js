// The join form: event code, name, badge (and a join PIN for a rostered officer). A 201 is a
// session at once; a 202 waits for command's approval (waiting.js).

import { $, show } from "./dom.js";
import { errorOf } from "./http.js";

const JOIN_FIELDS = { code: "join-code", name: "join-name", badge: "join-badge" };
const MISSING = { code: "Enter the event code.", name: "Enter your name.", badge: "Enter your badge number." };

function joinErrorMessage(status, error) {
  if (error.code === "invalid_code") return "Wrong event code. No event has that code. Check it with your supervisor and type it again.";
  if (status === 422 && error.field && MISSING[error.field] && /required/.test(error.message || "")) return MISSING[error.field];
  if (error.code === "too_many_requests") return "Several phones are already waiting to join with this badge. Call command on the radio.";
  if (status === 429) return "Too many tries. Wait a minute, then try again.";
  if (status >= 500) return "The server has a problem. Try again in a minute.";
  return error.message ? `Could not join: ${error.message}` : `Could not join (error ${status}).`;
}

export function createJoinForm({ request, onJoined, onWaiting }) {
  function clearError() {
    show($("join-error"), false);
    for (const id of Object.values(JOIN_FIELDS)) {
      $(id).removeAttribute("aria-invalid");
      $(id).removeAttribute("aria-describedby");
    }
  }

  function showError(message, field) {
    const box = $("join-error");
    box.textContent = message;
    show(box, true);
    const input = field && $(JOIN_FIELDS[field]);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "join-error");
      input.focus();
    }
  }

  function values() {
    return {
      code: $("join-code").value.trim().toUpperCase(),
      name: $("join-name").value.trim(),
      badge: $("join-badge").value.trim(),
      pin: $("join-pin").value.trim(),
    };
  }

  async function submit(event) {
    event.preventDefault();
    clearError();
    const body = values();
    $("join-code").value = body.code;
    if (!body.pin) delete body.pin;
    const missing = Object.keys(JOIN_FIELDS).find((field) => !body[field]);
    if (missing) return showError(MISSING[missing], missing);
    const button = $("join-submit");
    button.disabled = true;
    button.textContent = "Joining…";
    try {
      const res = await request("POST", "/api/v1/join", body, { bearer: false });
      if (res.status === 201) return onJoined(res.data);
      if (res.status === 202) return onWaiting(res.data, body);
      const error = errorOf(res.data);
      showError(joinErrorMessage(res.status, error), JOIN_FIELDS[error.field] ? error.field : null);
    } catch (_err) {
      showError("No signal: cannot join right now. Move to a spot with signal and tap Join again.");
    } finally {
      button.disabled = false;
      button.textContent = "Join";
    }
  }

  function uppercaseCode() {
    const input = $("join-code");
    const { selectionStart, selectionEnd } = input;
    const upper = input.value.toUpperCase();
    if (upper !== input.value) {
      input.value = upper;
      input.setSelectionRange(selectionStart, selectionEnd);
    }
  }

  $("join-form").addEventListener("submit", submit);
  $("join-code").addEventListener("input", uppercaseCode);

  return {
    /** Joined: the PIN is used up, and must not wait in the form. */
    clearPin: () => {
      $("join-pin").value = "";
    },
  };
}
