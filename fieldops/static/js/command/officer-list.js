// The officer list beside the map. Only the rows in view (and a few either side) are in the
// DOM, from a small pool, so a list of 2,000 scrolls and updates as fast as one of 20.
// onPick(id): a row was clicked; onResize(): rows must be laid out again (scroll, resize, the
// list opened or closed on a phone).

import { $, setText } from "./format.js";
import { CATEGORIES, flagsOf, glyphKey, glyphSvg } from "./look.js";
import { fixAge } from "./officers.js";

const ROW_HEIGHT = 68; // px; matches .row in command.css
const OVERSCAN = 8;

function batteryText(fix) {
  if (!fix || fix.battery == null) return "";
  return `Bat ${Math.round(fix.battery)}%`;
}

export function createOfficerList({ officers, filters, eventId, onPick, onResize }) {
  const el = $("#officer-list");
  const sizer = $("#list-sizer");
  const empty = $("#list-empty");
  const rows = new Map(); // officer id -> row element
  const pool = [];
  let order = []; // ids in the list, filtered and sorted

  function makeRow() {
    const row = document.createElement("button");
    row.type = "button";
    row.className = "row";
    row.innerHTML =
      '<span class="row-glyph"></span>' +
      '<span class="row-main"><span class="row-name"></span>' +
      '<span class="row-sub"><span class="row-flags"></span><span class="row-status"></span>' +
      '<span class="row-post"></span></span></span>' +
      '<span class="row-side"><span class="row-age" data-testid="row-age"></span>' +
      '<span class="row-battery" data-testid="row-battery"></span></span>';
    row.refs = {
      glyph: $(".row-glyph", row),
      name: $(".row-name", row),
      flags: $(".row-flags", row),
      status: $(".row-status", row),
      post: $(".row-post", row),
      age: $(".row-age", row),
      battery: $(".row-battery", row),
    };
    row.addEventListener("click", () => onPick(Number(row.dataset.officerId)));
    return row;
  }

  function fillRow(row, rec, now) {
    const { data, look } = rec;
    const key = glyphKey(look);
    if (row.glyphKey !== key) {
      row.refs.glyph.innerHTML = glyphSvg(look);
      row.glyphKey = key;
    }
    row.dataset.officerId = String(rec.id);
    row.dataset.status = look.category;
    row.dataset.stale = String(look.stale);
    row.dataset.offPost = String(look.offPost);
    row.classList.toggle("selected", look.selected);
    row.setAttribute("aria-pressed", String(look.selected));
    setText(row.refs.name, data.badge ? `${data.name}  #${data.badge}` : data.name);
    setText(row.refs.flags, flagsOf(look).join(" "));
    row.refs.flags.className = `row-flags${look.offPost ? " off-post" : look.stale ? " stale" : ""}`;
    setText(row.refs.status, CATEGORIES[look.category].label);
    setText(row.refs.post, data.post ? data.post.name : "");
    setText(row.refs.age, fixAge(rec, now));
    setText(row.refs.battery, batteryText(data.fix));
    row.refs.battery.classList.toggle("low", data.fix?.battery != null && data.fix.battery < 20);
  }

  function emptyText() {
    if (!eventId()) return "No event to show.";
    if (!officers.size()) return "No officers have joined this event yet.";
    return "No officer matches this filter.";
  }

  function render(now) {
    const total = order.length;
    setText($("#list-shown"), filters.narrowed() ? `(${total} of ${officers.size()})` : `(${total})`);
    sizer.style.height = `${total * ROW_HEIGHT}px`;
    empty.hidden = total > 0;
    if (!total) empty.textContent = emptyText();
    if (el.hidden) return;
    const top = el.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, Math.ceil((top + el.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const wanted = new Set(order.slice(first, last));
    for (const [id, row] of rows) {
      if (wanted.has(id)) continue;
      row.remove();
      rows.delete(id);
      pool.push(row);
    }
    for (let i = first; i < last; i += 1) {
      const id = order[i];
      let row = rows.get(id);
      if (!row) {
        row = pool.pop() || makeRow();
        rows.set(id, row);
        fillRow(row, officers.get(id), now);
        el.appendChild(row);
      }
      row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    }
  }

  function bind() {
    el.addEventListener("scroll", onResize, { passive: true });
    window.addEventListener("resize", onResize);
    $("#list-toggle").addEventListener("click", (e) => {
      const open = e.currentTarget.getAttribute("aria-expanded") !== "true";
      e.currentTarget.setAttribute("aria-expanded", String(open));
      el.hidden = !open;
      onResize();
    });
  }

  return {
    bind,
    render,
    setOrder(ids) {
      order = ids;
    },
    /** The officer's row again, if it is in the DOM. */
    refresh(rec, now) {
      const row = rows.get(rec.id);
      if (row) fillRow(row, rec, now);
    },
    refreshAges(now) {
      for (const [id, row] of rows) {
        const rec = officers.get(id);
        if (rec) setText(row.refs.age, fixAge(rec, now));
      }
    },
    scrollTo(id) {
      const index = order.indexOf(id);
      if (index < 0 || el.hidden) return;
      const top = index * ROW_HEIGHT;
      if (top < el.scrollTop || top + ROW_HEIGHT > el.scrollTop + el.clientHeight) {
        el.scrollTop = Math.max(0, top - el.clientHeight / 2 + ROW_HEIGHT / 2);
      }
    },
    scrollToTop() {
      el.scrollTop = 0;
    },
  };
}
