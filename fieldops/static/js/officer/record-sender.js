// An outbox lane that creates a record with its photos (an incident report, a found item):
// POST the body with its client_id until the server has it (a repeat answers 200, never a
// second record), keep the record's id on the outbox item (`idKey`), then upload the photos
// one by one, counting them in `photosDone`.

import { errorOf } from "./http.js";
import { outcome } from "../shared/outbox.js";
import { photoStore, uploadPhoto } from "./photos.js";

export function createRecordSender({ request, outbox, token, path, photosUrl, idKey, onRecord }) {
  return async function sendRecord(item) {
    if (!item[idKey]) {
      const res = await request("POST", path(), item.body);
      const result = outcome(res);
      if (result === "retry") return "retry";
      if (result === "drop") {
        outbox.update(item.id, { error: errorOf(res.data).message || `refused (${res.status})` });
        await Promise.all(item.photoKeys.map((key) => photoStore.remove(key).catch(() => {})));
        return "drop";
      }
      outbox.update(item.id, { [idKey]: res.data.id, sentAt: new Date().toISOString() });
      onRecord(res.data);
    }
    for (const key of item.photoKeys.slice(item.photosDone || 0)) {
      const result = await uploadPhoto(token(), photosUrl(item[idKey]), key);
      if (result === "retry") return "retry";
      outbox.update(item.id, { photosDone: (item.photosDone || 0) + 1, photoError: result === "drop" ? true : item.photoError });
    }
    return "done";
  };
}
