// What a dispatcher does to an incident, over the REST API. Each answer goes straight into
// the store (the envelope that follows is then no news); failures are said out loud.

import { get, post } from "./api.js";

export function createActions({ store, say }) {
  async function run(path, body, done) {
    const answer = await post(path, body);
    if (!answer.ok) {
      say(`Not done: ${answer.message}`, "bad");
      return null;
    }
    if (answer.data?.id && answer.data.status) store.upsert(answer.data);
    if (done) say(done, "ok");
    return answer.data;
  }

  const transition = (id, to, extra = {}) =>
    run(`/api/v1/incidents/${id}/transitions`, { to, ...extra }, null);

  return {
    acknowledge: (id) => transition(id, "acknowledged"),
    cancel: (id) => transition(id, "cancelled"),
    resolve: (id, disposition) => transition(id, "resolved", { disposition }),

    dispatchTo(id, officer) {
      return run(`/api/v1/incidents/${id}/assignments`, { officer_ids: [officer.id] },
        `${officer.name} dispatched`);
    },

    async dispatchNearest(id) {
      const nearest = await get(`/api/v1/incidents/${id}/nearest`);
      if (!nearest.ok) {
        say(`Not done: ${nearest.message}`, "bad");
        return null;
      }
      const first = nearest.data.officers[0];
      if (!first) {
        say("No free officer with a fresh position: nobody dispatched.", "bad");
        return null;
      }
      return this.dispatchTo(id, first.officer);
    },

    addNote: (id, text) => run(`/api/v1/incidents/${id}/notes`, { text }, "Note added"),

    report: (eventId, body) => run(`/api/v1/events/${eventId}/incidents`, body, "Incident logged"),
  };
}
