// The outbox's `reports` lane: POST the report with its client_id until the server has it (a
// repeat answers 200, never a second incident), then upload its photos one by one.

import { errorOf } from "./http.js";
import { outcome } from "../shared/outbox.js";
import { photoStore, uploadPhoto } from "./photos.js";

export function createReportSender({ session, request, outbox, onIncident }) {
  return async function sendReport(item) {
    if (!item.incidentId) {
      const res = await request("POST", session.eventPath("incidents"), item.body);
      const result = outcome(res);
      if (result === "retry") return "retry";
      if (result === "drop") {
        outbox.update(item.id, { error: errorOf(res.data).message || `refused (${res.status})` });
        await Promise.all(item.photoKeys.map((key) => photoStore.remove(key).catch(() => {})));
        return "drop";
      }
      outbox.update(item.id, { incidentId: res.data.id, sentAt: new Date().toISOString() });
      onIncident(res.data);
    }
    for (const key of item.photoKeys.slice(item.photosDone || 0)) {
      const result = await uploadPhoto(session.token(), `/api/v1/incidents/${item.incidentId}/photos`, key);
      if (result === "retry") return "retry";
      outbox.update(item.id, { photosDone: (item.photosDone || 0) + 1, photoError: result === "drop" ? true : item.photoError });
    }
    return "done";
  };
}
