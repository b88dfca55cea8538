// Entry of the profile's worker thread (started by ProfileThread in ./thread.ts): runs the parts it
// was given over the blocks it receives, frees each block's slot, and sends the readings at
// the end. Any exception is reported as a 'failed' message, which the main thread turns into an error.
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../util/errors.js';
import { ProfilePartsAnalyzer } from './parts.js';
import type { FromProfileWorker, ProfileWorkerInit, ToProfileWorker } from './thread.js';

const port = parentPort;
if (!port) throw new Error('src/analysis/profile/worker.ts runs only as a worker thread (see ProfileThread).');

const send = (m: FromProfileWorker): void => port.postMessage(m);
const fail = (err: unknown): void => send({ kind: 'failed', message: errorMessage(err), stack: err instanceof Error ? err.stack : undefined });

const init = workerData as ProfileWorkerInit;
const slots = new Float32Array(init.slots);
const { channels } = init.options;
const { slotFrames } = init;
let analyzer: ProfilePartsAnalyzer | null = null;
try {
  analyzer = new ProfilePartsAnalyzer(init.options, init.parts);
} catch (err) {
  fail(err);
}

port.on('message', (m: ToProfileWorker) => {
  if (!analyzer) return; // construction failed and was reported
  try {
    if (m.kind === 'block') {
      const block: Float32Array[] = [];
      for (let c = 0; c < channels; c++) {
        const at = (m.slot * channels + c) * slotFrames;
        block.push(slots.subarray(at, at + m.frames));
      }
      analyzer.process(block);
      send({ kind: 'free', slot: m.slot });
    } else {
      send({ kind: 'result', readings: analyzer.read() });
    }
  } catch (err) {
    analyzer = null; // its state is unknown after an exception: report once, then ignore the rest
    fail(err);
  }
});
