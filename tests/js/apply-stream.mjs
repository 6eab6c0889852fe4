// Reads {kind, snapshot, envelopes, now?} as JSON on stdin, applies them with the pages' own stream
// model (fieldops/static/js/streams/model.js) and prints what the screen then holds.
import { readFileSync } from "node:fs";
import { createStreamModel } from "../../fieldops/static/js/streams/model.js";

const { kind, snapshot, envelopes, now } = JSON.parse(readFileSync(0, "utf8"));
const model = createStreamModel(kind);
model.applySnapshot(snapshot);
for (const envelope of envelopes) model.apply(envelope);
model.prune(now ?? Date.now()); // what the pages do every little while (`now`: server time, ms)
process.stdout.write(JSON.stringify(model.toJSON()));
