// Which officers the list and the map show, in which order: the count tiles (which double as
// filters), the search box and the sort. onRefilter: who is shown changed; onResort: only the
// order did.

import { $, setText } from "./format.js";

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function alertRank(rec) {
  const { look, data } = rec;
  if (look.category === "responding") return 0;
  if (look.offPost) return 1;
  if (look.stale && data.on_shift) return 2;
  if (data.on_shift) return 3;
  return 4;
}

export function createFilters({ officers, onRefilter, onResort }) {
  const state = { filter: "all", search: "", sort: "alerts" };

  function matchesFilter(rec) {
    const f = state.filter;
    if (f === "all") return true;
    if (f === "on_shift") return Boolean(rec.data.on_shift);
    if (f === "stale") return rec.look.stale;
    if (f === "off_post") return rec.look.offPost;
    return rec.look.category === f;
  }

  function matches(rec) {
    if (!rec.look || !matchesFilter(rec)) return false;
    return !state.search || rec.searchText.includes(state.search);
  }

  // Where each officer's name and badge fall in the collator's order, worked out again only
  // when a name or a badge changed: a sort of 2,000 officers then compares integers, not
  // strings through Intl.Collator (3 ms on every push that changes the order).
  const ranks = { name: new Map(), badge: new Map(), names: new Map(), badges: new Map() };

  function rankBy(recs, values) {
    const byValue = recs.map((rec) => [values.get(rec.id), rec.id]);
    byValue.sort((a, b) => collator.compare(a[0], b[0]));
    const rankOf = new Map();
    let rank = 0;
    byValue.forEach(([value, id], i) => {
      if (i && collator.compare(byValue[i - 1][0], value)) rank += 1; // equal names share a rank
      rankOf.set(id, rank);
    });
    return rankOf;
  }

  function freshRanks() {
    const recs = [...officers.values()];
    const current = recs.length === ranks.names.size && recs.every((rec) => (
      ranks.names.get(rec.id) === (rec.data.name || "") &&
      ranks.badges.get(rec.id) === (rec.data.badge || "~")
    ));
    if (current) return;
    ranks.names = new Map(recs.map((rec) => [rec.id, rec.data.name || ""]));
    ranks.badges = new Map(recs.map((rec) => [rec.id, rec.data.badge || "~"]));
    ranks.name = rankBy(recs, ranks.names);
    ranks.badge = rankBy(recs, ranks.badges);
  }

  function compare(a, b) {
    if (state.sort === "alerts") {
      const rank = alertRank(a) - alertRank(b);
      if (rank) return rank;
    }
    if (state.sort === "badge") {
      const byBadge = ranks.badge.get(a.id) - ranks.badge.get(b.id);
      if (byBadge) return byBadge;
    }
    return ranks.name.get(a.id) - ranks.name.get(b.id) || a.id - b.id;
  }

  function setFilter(filter) {
    state.filter = filter;
    for (const tile of document.querySelectorAll(".count")) {
      tile.setAttribute("aria-pressed", String(tile.dataset.filter === filter));
    }
    onRefilter();
  }

  function bind() {
    for (const tile of document.querySelectorAll(".count")) {
      tile.addEventListener("click", () => setFilter(
        tile.dataset.filter === state.filter && state.filter !== "all" ? "all" : tile.dataset.filter,
      ));
    }
    $("#search").addEventListener("input", (e) => {
      state.search = e.target.value.trim().toLowerCase();
      onRefilter();
    });
    $("#sort").addEventListener("change", (e) => {
      state.sort = e.target.value;
      onResort();
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
        e.preventDefault();
        $("#search").focus();
      }
    });
  }

  return {
    bind,
    matches,
    /** Everyone shown, in the list's order: their ids. */
    order() {
      const recs = [];
      for (const rec of officers.values()) if (matches(rec)) recs.push(rec);
      freshRanks();
      recs.sort(compare);
      return recs.map((rec) => rec.id);
    },
    /** Whether the list shows fewer than everyone: "(12 of 80)" rather than "(80)". */
    narrowed: () => state.filter !== "all" || Boolean(state.search),
    renderCounts() {
      const counts = {
        all: 0, on_shift: 0, stale: 0, off_post: 0, on_post: 0, responding: 0, on_break: 0, off_shift: 0,
      };
      for (const rec of officers.values()) {
        if (!rec.look) continue;
        counts.all += 1;
        if (rec.data.on_shift) counts.on_shift += 1;
        if (rec.look.stale) counts.stale += 1;
        if (rec.look.offPost) counts.off_post += 1;
        counts[rec.look.category] += 1;
      }
      for (const tile of document.querySelectorAll(".count")) {
        const n = counts[tile.dataset.filter] ?? 0;
        tile.dataset.count = String(n);
        tile.dataset.digits = String(Math.min(String(n).length, 5));
        setText($(".count-n", tile), String(n));
        tile.classList.toggle("nonzero", n > 0);
      }
    },
  };
}
