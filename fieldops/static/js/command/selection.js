// The one selected officer: picked in the list or on the map (or by the desk, to follow a
// caller), drawn with a white ring and never in a group, with its accuracy circle and its
// detail card; optionally followed as it moves. onChange(rec): redraw this officer;
// onDetail(): redraw the card.

export function createSelection({ map, officers, accuracy, groups, list, card, onChange, onDetail }) {
  let selectedId = null;
  let follow = false;

  function centreOn(rec) {
    const fix = rec.data.fix;
    if (!fix) return;
    map.setView([fix.lat, fix.lon], Math.max(map.getZoom(), 16), { animate: true });
  }

  function setFollow(on) {
    follow = on;
    card.setFollowing(on);
  }

  function select(id, { centre = false, pan = false } = {}) {
    const previous = officers.get(selectedId);
    selectedId = id;
    groups.invalidate(); // the selected officer always stands alone
    if (id == null) setFollow(false);
    accuracy.clear();
    if (previous) onChange(previous);
    const rec = officers.get(id);
    if (rec) {
      onChange(rec);
      if (centre) centreOn(rec);
      else if (pan && rec.data.fix) map.panTo([rec.data.fix.lat, rec.data.fix.lon]);
      list.scrollTo(id);
    }
    onDetail();
    requestAnimationFrame(groups.regroup); // after the flush has given them their selected look
  }

  return {
    id: () => selectedId,
    is: (id) => id === selectedId,
    select,
    /** Select, centre and keep following (the desk: "show me the caller"). */
    follow(id) {
      select(id, { centre: true });
      setFollow(true);
    },
    toggleFollow() {
      setFollow(!follow);
      const rec = officers.get(selectedId);
      if (follow && rec) centreOn(rec);
    },
    centre() {
      const rec = officers.get(selectedId);
      if (rec) centreOn(rec);
    },
    /** The selected officer moved: keep them in view while following. */
    moved(rec) {
      const fix = rec.data.fix;
      if (follow && fix) map.panTo([fix.lat, fix.lon], { animate: true });
    },
    bind() {
      document.addEventListener("keydown", (e) => {
        if (e.key === "Escape" && selectedId != null) select(null);
      });
    },
  };
}
