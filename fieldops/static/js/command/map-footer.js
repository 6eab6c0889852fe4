// The strip under the map with the scale bar and the map credit, so no pin is ever under them.

export function createMapFooter({ map, node }) {
  let scale = null;
  node.append(map.attributionControl.getContainer());

  return {
    /** The scale bar in the event's distance unit ("mi" or metric). */
    setScale(unit) {
      if (scale) scale.remove();
      scale = L.control.scale({ metric: unit !== "mi", imperial: unit === "mi", maxWidth: 160 }).addTo(map);
      node.prepend(scale.getContainer());
    },
  };
}
