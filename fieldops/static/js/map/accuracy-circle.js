// A fix's accuracy as a dashed circle in metres on the ground (the selected officer's).

export function createAccuracyCircle({ map, renderer }) {
  let circle = null;

  function clear() {
    if (circle) circle.remove();
    circle = null;
  }

  function show(fix) {
    if (!fix || !fix.accuracy) {
      clear();
      return;
    }
    if (!circle) {
      circle = L.circle([fix.lat, fix.lon], {
        renderer, radius: fix.accuracy, color: "#ffffff", weight: 1.5,
        dashArray: "4 4", fillColor: "#ffffff", fillOpacity: 0.12, interactive: false,
      }).addTo(map);
    }
    circle.setLatLng([fix.lat, fix.lon]);
    circle.setRadius(fix.accuracy);
  }

  return { show, clear };
}
