// The connection line and the location panel: what command sees of this phone, not only what
// the phone does. Amber once the last fix the server accepted is older than half of
// `stale_after`, red ("Command sees you as STALE") beyond it; a problem on the phone
// (location blocked, no GPS, offline, sends failing) is said in words.

import { ago, plural } from "../shared/format.js";
import { $, online, setText } from "./dom.js";
import { NO_FIX_MS } from "./location.js";

const FAILING_MS = 20000; // sends failing this long while online: loud warning

export function createStatusPanel({ session, location, health, outbox, live, insecure, secureUrl }) {
  /** How old command's picture of me is: the last fix the server accepted from this phone,
   * or after a reload the server's own record, against what command counts as stale. */
  function commandSees(now) {
    const staleMs = session.staleAfterMs();
    let last = health.get().lastSentAt;
    const officer = session.officer();
    const fix = officer && officer.fix;
    if (fix && fix.received_at) last = Math.max(last, Date.parse(fix.received_at) - session.clockOffsetMs());
    if (!last) return null;
    const ageMs = Math.max(0, now - last);
    const level = ageMs > staleMs ? "stale" : ageMs > staleMs / 2 ? "late" : "fresh";
    return { level, ageMs, staleMs };
  }

  /** What is wrong on this phone, if anything (location, signal, sending). */
  function phoneProblem(now, waiting) {
    const link = health.get();
    if (insecure) {
      const where = secureUrl ? "open the https:// address above" : "ask the command post for the https:// address";
      return { state: "bad", title: "NOT SHARING: this page is not secure", detail: `Phones share location only with secure pages: ${where}.` };
    }
    if (location.geoError() === "unsupported") {
      return { state: "bad", title: "NOT SHARING: this browser has no location", detail: "Open this page in Chrome or Safari." };
    }
    if (location.geoError() === "denied") {
      return {
        state: "bad",
        title: "NOT SHARING: location is blocked",
        detail: "Allow location for this site (phone Settings → Location, and the browser's site settings), then reload.",
      };
    }
    const lastFixAt = location.lastFixAt();
    const quiet = now - (lastFixAt || location.watchStartedAt() || now);
    if (quiet > NO_FIX_MS) {
      return {
        state: "bad",
        title: lastFixAt ? `NO GPS FIX for ${Math.round(quiet / 1000)} s` : "NO GPS FIX yet",
        detail: "Command cannot see where you are. Step into the open and keep this page on screen.",
      };
    }
    if (!online()) {
      return {
        state: "offline",
        title: "OFFLINE: location saved, not sent",
        detail: `Command cannot see you right now. ${plural(waiting, "fix", "fixes")} saved; they go out when signal returns.`,
      };
    }
    if (link.failingSince && now - link.failingSince > FAILING_MS) {
      return { state: "bad", title: "NOT SHARING: sending fails", detail: `${link.failure || "No answer"}. ${plural(waiting, "fix", "fixes")} saved. Retrying…` };
    }
    if (!lastFixAt) return { state: "starting", title: "Finding your location…", detail: "" };
    if (!link.lastSentAt) return { state: "starting", title: "Sending your location…", detail: "" };
    return { state: "ok", title: "Sharing location: command sees you", detail: "" };
  }

  function locationHealth(now, waiting) {
    const reason = phoneProblem(now, waiting);
    const seen = commandSees(now);
    if (!seen || seen.level === "fresh") return reason;
    const told = `Your last position reached command ${ago(seen.ageMs)}.`;
    const quietPhone = reason.state === "ok" || reason.state === "starting";
    if (seen.level === "stale") {
      const why = quietPhone ? "Keep this page open, the screen on, under open sky." : reason.title;
      return { state: "stale", title: "Command sees you as STALE", detail: `${told} ${why}` };
    }
    const limit = `At ${Math.round(seen.staleMs / 1000)} s command shows you as STALE.`;
    if (quietPhone) return { state: "late", title: `Command's position of you is ${ago(seen.ageMs).replace(" ago", "")} old`, detail: limit };
    return { state: reason.state === "bad" ? "bad" : "late", title: reason.title, detail: `${told} ${limit}` };
  }

  function connectionText(waitingFixes, waitingActions) {
    const failures = health.get().failures;
    const parts = [];
    if (waitingFixes) parts.push(`${plural(waitingFixes, "fix", "fixes")} waiting`);
    if (waitingActions) parts.push(`${plural(waitingActions, "change", "changes")} waiting`);
    const waiting = parts.join(", ");
    if (!online()) return { state: "offline", text: waiting ? `Offline — ${waiting}` : "Offline" };
    if (failures >= 2 || (failures > 0 && !live())) return { state: "offline", text: `No connection — ${waiting || "retrying"}` };
    if (waiting) return { state: "sending", text: `Online — sending: ${waiting}` };
    return { state: "online", text: live() ? "Online" : "Online (no live link)" };
  }

  function render() {
    const fixes = outbox.pending("fixes").length;
    const conn = connectionText(fixes, outbox.pending("shift").length);
    $("connection").dataset.state = conn.state;
    setText("connection", conn.text);

    const now = Date.now();
    const link = health.get();
    const state = locationHealth(now, fixes);
    $("location-panel").dataset.state = state.state;
    setText("location-state", state.title);
    setText("location-detail", link.rejection && state.state === "ok" ? `Last position refused: ${link.rejection}` : state.detail);
    setText("last-sent", link.lastSentAt ? ago(now - link.lastSentAt) : "not yet");
    const fix = location.lastFix();
    setText("accuracy", fix && fix.accuracy !== null ? `±${Math.round(fix.accuracy)} m` : "—");
    setText("waiting", String(fixes));
  }

  return { render };
}
