// Entry of the separator's worker thread (started by WorkerSeparator in ./thread.ts): separates each
// job's shared input with the dsp masks and writes the stems into the job's shared output (or, for
// a job without one, replies with the stems' figures), then replies. A failing job is answered with its message; the thread stays up for the next one.
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../util/errors.js';
import { DspStemFeatures, separateDspSync } from './dsp.js';
import type { FromSeparatorWorker, ToSeparatorWorker } from './thread.js';
import { STEM_NAMES } from './types.js';

const port = parentPort;
if (!port) throw new Error('src/separation/worker.ts runs only as a worker thread (see WorkerSeparator).');
/** Kept between jobs: its buffers are reused, so a job every few seconds leaves no garbage behind. */
const measurer = new DspStemFeatures();

port.on('message', (job: ToSeparatorWorker) => {
  let reply: FromSeparatorWorker;
  try {
    const { channels: ch, frames: n } = job;
    const input = Array.from({ length: ch }, (_, c) => new Float32Array(job.input, c * n * 4, n));
    if (job.output) {
      const set = separateDspSync(input, job.sampleRate);
      const out = job.output;
      STEM_NAMES.forEach((name, s) => set.stems[name].forEach((x, c) => new Float32Array(out, (s * ch + c) * n * 4, n).set(x)));
      reply = { id: job.id, ok: true };
    } else {
      // Only the stems' figures are wanted (live): measured here as the stems come out, off the daemon's
      // thread, without ever holding the stems whole; nothing but the figures goes back.
      reply = { id: job.id, ok: true, features: measurer.measure(input, job.sampleRate) };
    }
  } catch (err) {
    reply = { id: job.id, ok: false, message: errorMessage(err) };
  }
  port.postMessage(reply);
});
