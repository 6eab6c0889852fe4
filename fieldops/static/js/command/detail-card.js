// The card about the selected officer: status, last fix, accuracy, battery, post, shift and
// position, with "Centre map" and "Follow".

import { $, formatAgo, formatClock, parseTime, setText } from "./format.js";
import { CATEGORIES, flagsOf, glyphKey, glyphSvg } from "./look.js";
import { fixAge } from "./officers.js";

export function createDetailCard({ node, clock, onClose, onCentre, onFollow }) {
  node.innerHTML = `
  <div class="detail-head">
    <span class="detail-glyph"></span>
    <h2 class="detail-name" data-testid="detail-name"></h2>
    <button type="button" class="btn detail-close" data-testid="detail-close" aria-label="Close details">×</button>
  </div>
  <p class="detail-status" data-testid="detail-status"></p>
  <dl class="detail-grid">
    <dt>Last fix</dt><dd class="wide" data-testid="detail-age"></dd>
    <dt>Accuracy</dt><dd data-testid="detail-accuracy"></dd>
    <dt>Battery</dt><dd data-testid="detail-battery"></dd>
    <dt>Post</dt><dd class="wide" data-testid="detail-post"></dd>
    <dt>Shift</dt><dd class="wide" data-testid="detail-shift"></dd>
    <dt>Position</dt><dd class="wide" data-testid="detail-position"></dd>
  </dl>
  <div class="detail-actions">
    <button type="button" class="btn" data-action="centre">Centre map</button>
    <button type="button" class="btn" data-action="follow" aria-pressed="false">Follow</button>
  </div>`;
  const field = (name) => $(`[data-testid="detail-${name}"]`, node);
  const followButton = $('[data-action="follow"]', node);

  $(".detail-close", node).addEventListener("click", onClose);
  $('[data-action="centre"]', node).addEventListener("click", onCentre);
  followButton.addEventListener("click", onFollow);

  function shiftText(data, now) {
    if (!data.shift) return "not checked in";
    const at = parseTime(data.shift.checked_in_at);
    return `checked in ${formatClock(clock.toLocal(at))} (${formatAgo((now - at) / 1000)})`;
  }

  return {
    setFollowing(on) {
      followButton.setAttribute("aria-pressed", String(on));
    },
    /** The card for this officer record, or hidden when there is none (or it has no look yet). */
    render(rec, now) {
      node.hidden = !rec || !rec.look;
      if (node.hidden) return;
      const { data, look } = rec;
      const fix = data.fix;
      node.dataset.selectedOfficerId = String(rec.id);
      const key = glyphKey(look);
      if (node.glyphKey !== key) {
        $(".detail-glyph", node).innerHTML = glyphSvg(look);
        node.glyphKey = key;
      }
      setText(field("name"), data.badge ? `${data.name}  #${data.badge}` : data.name);
      const flags = flagsOf(look);
      setText(field("status"), [CATEGORIES[look.category].label, ...flags].join(" · "));
      field("status").classList.toggle("alert", flags.length > 0);
      setText(field("age"), fix ? `${fixAge(rec, now)} (${formatClock(clock.toLocal(rec.receivedMs))})` : "no fix yet");
      setText(field("accuracy"), fix && fix.accuracy != null ? `± ${Math.round(fix.accuracy)} m` : "—");
      setText(field("battery"), fix && fix.battery != null ? `${Math.round(fix.battery)} %` : "—");
      setText(field("post"), data.post ? data.post.name : "none");
      setText(field("shift"), shiftText(data, now));
      setText(field("position"), fix ? `${fix.lat.toFixed(5)}, ${fix.lon.toFixed(5)}` : "—");
    },
  };
}
