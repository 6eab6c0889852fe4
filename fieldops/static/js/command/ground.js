// What the event puts on the ground: the course, the posts and a school's campus, redrawn only
// when the snapshot's course, posts, campus or distance unit change; the course length in the header; and the
// first view of an event, fitted to its course and posts (else to its officers).

import { $, setText } from "./format.js";
import { courseLabels, drawCourse } from "../map/course.js";
import { campusBounds, campusLabels, drawCampus } from "../map/campus.js";
import { spotsAround } from "../map/labels.js";
import { drawPosts, isPolygon, postLabels } from "../map/posts.js";

export function createGround({ map, renderer, officers, footer, redraw }) {
  const campusLayer = L.featureGroup().addTo(map);
  const courseLayer = L.featureGroup().addTo(map);
  const postLayer = L.featureGroup().addTo(map);
  let key = "";
  let posts = []; // as in the snapshot, for clicks on the map and the desk
  let campus = [];
  let courseMarks = []; // START, FINISH and the distance markers, for the label pass
  let fitted = false;

  function renderCourseLength(course, event) {
    const node = $("#course-length");
    node.classList.toggle("muted", !course);
    const school = event?.kind === "school";
    setText(node, course ? `Course ${course.length_label}` : course === null && !school ? "No course" : "");
  }

  function clearLayers() {
    campusLayer.clearLayers();
    courseLayer.clearLayers();
    postLayer.clearLayers();
    posts = [];
    campus = [];
    courseMarks = [];
  }

  function fit() {
    const bounds = campusBounds(campus);
    courseLayer.eachLayer((layer) => bounds.extend(layer.getBounds()));
    for (const post of posts) {
      if (isPolygon(post)) bounds.extend(post.polygon);
      else bounds.extend([post.lat, post.lon]);
    }
    if (!bounds.isValid()) {
      for (const rec of officers.values()) {
        if (rec.data.fix) bounds.extend([rec.data.fix.lat, rec.data.fix.lon]);
      }
    }
    if (!bounds.isValid()) return;
    // A marathon from afar; a campus close enough to read its buildings.
    map.fitBounds(bounds, { padding: [48, 48], maxZoom: campus.length ? 18 : 16, animate: false });
    fitted = true;
  }

  return {
    show(snapshot) {
      const next = JSON.stringify([snapshot.course, snapshot.posts, snapshot.campus, snapshot.event?.distance_unit]);
      if (next === key) return;
      key = next;
      clearLayers();
      posts = snapshot.posts || [];
      campus = snapshot.campus || [];
      drawCampus(campusLayer, campus, { renderer });
      drawPosts(postLayer, posts, renderer);
      courseMarks = drawCourse(courseLayer, snapshot.course, renderer);
      renderCourseLength(snapshot.course, snapshot.event);
      footer.setScale(snapshot.event?.distance_unit);
      redraw();
    },
    /** Another event: nothing on the ground, and its first snapshot fits the map again. */
    clear() {
      clearLayers();
      key = "";
      fitted = false;
      renderCourseLength(undefined);
    },
    fitOnce() {
      if (!fitted) fit();
    },
    posts: () => posts,
    campus: () => campus,
    /** START, FINISH, the distance markers, the post names and the campus's for the label pass. */
    labels: () => [
      ...courseLabels(map, courseMarks), ...postLabels(map, posts), ...campusLabels(map, campus, spotsAround),
    ],
    layerCounts: () => ({
      course: courseLayer.getLayers().length,
      posts: postLayer.getLayers().length,
      campus: campusLayer.getLayers().length,
    }),
  };
}
