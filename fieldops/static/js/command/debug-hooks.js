// window.fieldopsCommand: read-only views of what is drawn, for tests and for people debugging
// at a command post. Points are in page coordinates.

export function exposeForTests({ map, officers, groups, canvas, ground, markers, connection }) {
  const pagePoint = (p) => {
    const box = map.getContainer().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  };

  window.fieldopsCommand = Object.freeze({
    map,
    officer(id) {
      const rec = officers.get(id);
      if (!rec) return null;
      const fix = rec.data.fix;
      const onMap = Boolean(rec.shown && fix);
      const point = onMap ? pagePoint(map.latLngToContainerPoint([fix.lat, fix.lon])) : null;
      const clustered = Boolean(onMap && rec.clustered);
      return { look: { ...rec.look }, onMap, clustered, point: clustered ? null : point, data: rec.data };
    },
    /** The post names the map found room for on its last redraw. */
    postLabels: () => canvas.postLabels(),
    /** The campus names the map found room for on its last redraw. */
    campusLabels: () => canvas.campusLabels(),
    /** START, FINISH and the distance markers as drawn: [{text, point}]. */
    courseLabels: () => canvas.courseLabels().map(({ text, point }) => ({ text, point: pagePoint(point) })),
    /** The groups of quiet officers drawn now: [{count, byCategory, point}]. */
    groups: () => groups.shown().map((g) => ({
      count: g.count,
      byCategory: { ...g.byCategory },
      point: pagePoint(map.latLngToContainerPoint([g.lat, g.lon])),
    })),
    layers: () => ({ ...ground.layerCounts(), officers: markers.count() }),
    seq: () => connection.seq(),
    joins: () => connection.joins(),
  });
}
