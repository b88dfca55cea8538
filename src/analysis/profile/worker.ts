// Entry of the profile's worker thread (started by ProfileThread in ./thread.ts): runs the parts it
// was given over the blocks it receives, hands each block's buffer back, and sends the readings at
// the end. Any exception is reported as a 'failed' message, which the main thread turns into an error.
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../util/errors.js';
import { ProfilePartsAnalyzer } from './parts.js';
import type { FromProfileWorker, ProfileWorkerInit, ToProfileWorker } from './thread.js';

const port = parentPort;
if (!port) throw new Error('src/analysis/profile/worker.ts runs only as a worker thread (see ProfileThread).');

const send = (m: FromProfileWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const fail = (err: unknown): void => send({ kind: 'failed', message: errorMessage(err), stack: err instanceof Error ? err.stack : undefined });

let analyzer: ProfilePartsAnalyzer | null = null;
try {
  const init = workerData as ProfileWorkerInit;
  analyzer = new ProfilePartsAnalyzer(init.options, init.parts);
} catch (err) {
  fail(err);
}

port.on('message', (m: ToProfileWorker) => {
  if (!analyzer) return; // construction failed and was reported
  try {
    if (m.kind === 'block') {
      const block: Float32Array[] = [];
      for (let c = 0; c < m.channels; c++) block.push(new Float32Array(m.buffer, c * m.frames * Float32Array.BYTES_PER_ELEMENT, m.frames));
      analyzer.process(block);
      send({ kind: 'free', buffer: m.buffer }, [m.buffer]);
    } else {
      send({ kind: 'result', readings: analyzer.read() });
    }
  } catch (err) {
    analyzer = null; // its state is unknown after an exception: report once, then ignore the rest
    fail(err);
  }
});
