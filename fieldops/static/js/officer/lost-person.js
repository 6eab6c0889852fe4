// A lost child or vulnerable adult (issue 9), from the stream model's `lost_persons` (the
// officer copy: first name only, nothing about the family): a card in the takeover stack under
// the officer's own help call while the person is searched for. It sounds once, can be
// minimized to a slim bar (still on top), and says "Found" briefly when the search ends.
// "I searched here" waits in the outbox's `searched` lane with the phone's position.

import { formatClock, parseTime } from "../shared/format.js";
import { el } from "../shared/html.js";
import { clientId, outcome } from "../shared/outbox.js";
import { $, online } from "./dom.js";
import { forget, KEYS, load, store } from "./storage.js";

const ENDED_MS = 8000; // how long "Found" stays
const DESCRIPTION = [
  ["clothing_top", "Top"],
  ["clothing_bottom", "Bottom"],
  ["shoes", "Shoes"],
  ["hair", "Hair"],
  ["eyes", "Eyes"],
  ["height", "Height"],
  ["build", "Build"],
  ["carried", "Carrying"],
];

export function createLostPerson({ model, outbox, request, token, freshPosition, lastFix, alarm }) {
  const minimized = new Set();
  const ended = new Map(); // id -> {text, until}
  const shown = new Map(); // id -> the last copy shown while searched for
  const photos = new Map(); // photo id -> object URL (the photo needs the device token)
  let signature = "";

  const searching = (p) => p.open && p.status === "searching" && !p.found_at;
  const kindWord = (p) => (p.kind === "vulnerable_adult" ? "LOST ADULT" : "LOST CHILD");

  // --- the outbox's `searched` lane ------------------------------------------------------------
  async function sendSearched(item) {
    const res = await request("POST", `/api/v1/lost-persons/${item.personId}/searched`, item.body);
    if (outcome(res) === "retry") return "retry";
    if (res.ok) {
      const area = (res.data.searched || []).filter((a) => a.lat === item.body.lat && a.lon === item.body.lon).pop();
      outbox.update(item.id, { areaId: area ? area.id : null, error: null });
      model.apply({ type: "lost_person", data: res.data }); // an answer carries the record whole
    } else {
      outbox.update(item.id, { error: (res.data && res.data.error && res.data.error.message) || `refused (${res.status})` });
    }
    render();
    return "done";
  }

  function markSearched(personId) {
    const fix = freshPosition().lat !== undefined ? freshPosition() : lastFix();
    if (!fix) return;
    outbox.add({ lane: "searched", personId, body: { lat: fix.lat, lon: fix.lon, client_id: clientId() } });
    render();
  }

  // --- what the server says ------------------------------------------------------------------
  /** A `lost_person` envelope, applied to the model (a closed record leaves the model: its
   * last copy says how the search ended). */
  function arrived(person) {
    if (person && shown.has(person.id)) shown.set(person.id, person);
    render();
  }

  function alertOnce(person) {
    const heard = load(KEYS.lostHeard, []);
    if (heard.includes(person.id)) return;
    store(KEYS.lostHeard, [...heard, person.id].slice(-50));
    alarm.beep(3);
  }

  function noteEnded(now) {
    for (const [id, copy] of shown) {
      const current = model.get("lost_persons", id);
      if (current && searching(current)) continue;
      shown.delete(id);
      minimized.delete(id);
      const last = current || copy;
      const who = last.first_name;
      let text = `FOUND — ${who}${last.found_place ? ` at ${last.found_place}` : ""}. Stand down the search.`;
      if (last.status === "cancelled") text = `Search for ${who} called off by command. Stand down.`;
      else if (last.status === "searching" && !last.found_at) text = `Search for ${who} is over. Stand down.`;
      ended.set(id, { text, until: now + ENDED_MS });
      setTimeout(render, ENDED_MS + 50);
    }
    for (const [id, end] of ended) if (end.until <= now) ended.delete(id);
  }

  // --- render ------------------------------------------------------------------------------
  function minutesAgo(person) {
    const since = parseTime((person.last_seen && person.last_seen.at) || person.reported_at);
    if (!since) return "";
    const minutes = Math.max(0, Math.floor((Date.now() - since) / 60000));
    return minutes < 1 ? "just now" : `${minutes} min ago`;
  }

  function lastSeenText(person) {
    const place = (person.last_seen && person.last_seen.place) || "place not given";
    return `${place} · ${minutesAgo(person)}`;
  }

  function mySearches(person) {
    return outbox.items("searched").filter((item) => item.personId === person.id);
  }

  function searchedLine(person) {
    const items = mySearches(person);
    const last = items[items.length - 1];
    if (!last) return null;
    let text = online() ? "Sending “searched”…" : "Saved — sends when signal returns";
    if (last.error) text = `Not recorded: ${last.error}`;
    else if (last.done) {
      const area = (person.searched || []).find((a) => a.id === last.areaId);
      text = area ? `Searched ✓ ${area.place || "here"} · ${formatClock(area.at)}` : "Searched ✓";
    }
    return el("p", { class: "lost-searched", "data-testid": "lost-searched", text });
  }

  function photo(person) {
    const first = (person.photos || [])[0];
    if (!first) return null;
    const img = el("img", { class: "lost-photo", "data-testid": "lost-photo", alt: `Photo of ${person.first_name}` });
    if (photos.has(first.id)) img.src = photos.get(first.id);
    else loadPhoto(first);
    return img;
  }

  async function loadPhoto(item) {
    photos.set(item.id, "");
    try {
      const res = await fetch(item.url, { headers: { Authorization: `Bearer ${token()}` }, cache: "force-cache" });
      if (!res.ok) throw new Error(String(res.status));
      photos.set(item.id, URL.createObjectURL(await res.blob()));
      signature = "";
      render();
    } catch (_err) {
      photos.delete(item.id); // tried again on the next change
    }
  }

  function who(person) {
    return [person.first_name, person.age !== null && person.age !== undefined ? `${person.age}` : "", person.sex].filter(Boolean).join(", ");
  }

  function bar(person) {
    return el(
      "button",
      { type: "button", class: "lost-bar", "data-testid": "lost-bar", "data-open-lost": person.id },
      el("span", { class: "lost-kind", text: kindWord(person) }),
      el("span", { class: "lost-bar-who", text: ` ${who(person)} — tap to open` }),
    );
  }

  function card(person) {
    if (minimized.has(person.id)) return el("section", { class: "lost-person", "data-testid": "lost-person", "data-state": "minimized", "data-person-id": person.id }, bar(person));
    const facts = DESCRIPTION.filter(([key]) => person[key]).map(([key, label]) =>
      el("div", {}, el("dt", { text: label }), el("dd", { "data-testid": `lost-${key}`, text: person[key] })),
    );
    const hasFix = freshPosition().lat !== undefined || Boolean(lastFix());
    return el(
      "section",
      { class: "lost-person", "data-testid": "lost-person", "data-state": "open", "data-person-id": person.id, role: "alert" },
      el("p", { class: "lost-kind", "data-testid": "lost-kind", text: kindWord(person) }),
      el("p", { class: "lost-who", "data-testid": "lost-who", text: who(person) }),
      el("p", { class: "lost-line" }, el("strong", { text: "Last seen: " }), el("span", { "data-testid": "lost-last-seen", "data-lost-ago": person.id, text: lastSeenText(person) })),
      el("p", { class: "lost-line" }, el("strong", { text: "Meeting point: " }), el("span", { "data-testid": "lost-meeting-point", text: person.meeting_point || "ask command" })),
      person.instruction ? el("p", { class: "lost-instruction", "data-testid": "lost-instruction", text: person.instruction }) : null,
      facts.length ? el("dl", { class: "lost-description", "data-testid": "lost-description" }, ...facts) : null,
      photo(person),
      el(
        "div",
        { class: "lost-actions" },
        searchedLine(person),
        el("button", { type: "button", class: "btn btn-searched", "data-testid": "lost-searched-here", "data-searched": person.id, disabled: !hasFix, text: hasFix ? "I searched here" : "I searched here (waiting for location)" }),
        el("button", { type: "button", class: "btn btn-light", "data-testid": "lost-minimize", "data-minimize-lost": person.id, text: "Minimize" }),
      ),
    );
  }

  function render() {
    const box = $("lost-persons");
    const now = Date.now();
    const open = model.all("lost_persons").filter(searching).sort((a, b) => (a.reported_at < b.reported_at ? 1 : -1));
    for (const person of open) {
      alertOnce(person);
      shown.set(person.id, person);
    }
    noteEnded(now);
    const endedCards = [...ended.entries()].map(([id, end]) =>
      el("section", { class: "lost-person", "data-testid": "lost-person", "data-state": "ended", "data-person-id": id, role: "status" }, el("p", { class: "lost-ended", "data-testid": "lost-ended", text: end.text })),
    );
    const next = JSON.stringify([open.map((p) => [p.id, p.updated_at, minimized.has(p.id), mySearches(p).map((i) => [i.done, i.areaId, i.error])]), [...ended.keys()], freshPosition().lat !== undefined || Boolean(lastFix()), online()]);
    if (next !== signature) {
      signature = next;
      box.replaceChildren(...open.map(card), ...endedCards);
    }
    box.hidden = open.length === 0 && endedCards.length === 0;
    for (const person of open) {
      const node = box.querySelector(`[data-lost-ago="${person.id}"]`);
      const text = lastSeenText(person);
      if (node && node.textContent !== text) node.textContent = text;
    }
  }

  function reset() {
    forget(KEYS.lostHeard);
    minimized.clear();
    ended.clear();
    shown.clear();
    signature = "";
    $("lost-persons").replaceChildren();
    $("lost-persons").hidden = true;
  }

  $("lost-persons").addEventListener("click", (event) => {
    const target = event.target.closest("[data-searched], [data-minimize-lost], [data-open-lost]");
    if (!target) return;
    if (target.dataset.searched) markSearched(Number(target.dataset.searched));
    else if (target.dataset.minimizeLost) minimized.add(Number(target.dataset.minimizeLost));
    else if (target.dataset.openLost) minimized.delete(Number(target.dataset.openLost));
    render();
  });

  return { sendSearched, arrived, render, reset };
}
