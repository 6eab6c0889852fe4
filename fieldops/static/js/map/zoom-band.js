// The map's zoom as a band on its container (data-zoom-band: far, mid, near), so the style
// sheet can size what it draws for the distance it is seen from.

export function bindZoomBand(map) {
  function apply() {
    const zoom = map.getZoom();
    map.getContainer().dataset.zoomBand = zoom < 12 ? "far" : zoom < 15 ? "mid" : "near";
  }
  map.on("zoomend", apply);
  apply();
}
