// Reads {kind, snapshot, envelopes} as JSON on stdin, applies them with the pages' own stream
// model (fieldops/static/js/streams/model.js) and prints what the screen then holds.
import { readFileSync } from "node:fs";
import { createStreamModel } from "../../fieldops/static/js/streams/model.js";

const { kind, snapshot, envelopes } = JSON.parse(readFileSync(0, "utf8"));
const model = createStreamModel(kind);
model.applySnapshot(snapshot);
for (const envelope of envelopes) model.apply(envelope);
process.stdout.write(JSON.stringify(model.toJSON()));
