// Entry of the separator's worker thread (started by WorkerSeparator in ./thread.ts): separates each
// job's shared input with the dsp masks and writes the stems into the job's shared output (or, for
// a job without one, replies with the stems' figures), then replies. A failing job is answered with its message; the thread stays up for the next one.
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../util/errors.js';
import { separateDspSync } from './dsp.js';
import { stemFeatures } from './features.js';
import type { FromSeparatorWorker, ToSeparatorWorker } from './thread.js';
import { STEM_NAMES } from './types.js';

const port = parentPort;
if (!port) throw new Error('src/separation/worker.ts runs only as a worker thread (see WorkerSeparator).');

port.on('message', (job: ToSeparatorWorker) => {
  let reply: FromSeparatorWorker;
  try {
    const { channels: ch, frames: n } = job;
    const input = Array.from({ length: ch }, (_, c) => new Float32Array(job.input, c * n * 4, n));
    const set = separateDspSync(input, job.sampleRate);
    if (job.output) {
      const out = job.output;
      STEM_NAMES.forEach((name, s) => set.stems[name].forEach((x, c) => new Float32Array(out, (s * ch + c) * n * 4, n).set(x)));
      reply = { id: job.id, ok: true };
    } else {
      // Only the stems' figures are wanted (live): computed here, off the daemon's thread, and no stems copied back.
      reply = { id: job.id, ok: true, features: stemFeatures(input, set, 'dsp') };
    }
  } catch (err) {
    reply = { id: job.id, ok: false, message: errorMessage(err) };
  }
  port.postMessage(reply);
});
