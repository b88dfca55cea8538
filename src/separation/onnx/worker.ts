import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { resample } from '../../audio/resample.js';
import { AmaError, errorMessage } from '../../util/errors.js';
import { STEM_NAMES, type StemName } from '../types.js';
import { DEMUCS_SOURCES, separateDemucs, type DemucsRunner } from './demucs.js';
import { MODEL_RATE, type FromOnnxWorker, type OnnxWorkerInit, type ToOnnxWorker } from './protocol.js';
import { checkDemucsSession, checkUmxSession, type SessionShape } from './sessionCheck.js';
import { separateUmx, type UmxRunner } from './umx.js';

/**
 * The separation worker thread: the only module that loads onnxruntime-node. It opens the model's
 * sessions once, checks their tensors against the contract, then separates each request
 * (resampling to 44.1 kHz and back, mono duplicated to stereo) and posts the stems back in shared memory.
 */

const init = workerData as OnnxWorkerInit;
const port = parentPort!;

function post(m: FromOnnxWorker): void {
  port.postMessage(m);
}

function sessionOptions(): ort.InferenceSession.SessionOptions {
  // Without the arena and memory patterns HTDemucs peaks at well under 1 GB instead of ~5 GB, at no measured speed cost.
  return {
    enableCpuMemArena: false,
    enableMemPattern: false,
    intraOpNumThreads: init.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

function shapeOf(session: ort.InferenceSession): SessionShape {
  const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
    list.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : -1)) : [], type: m.isTensor ? m.type : 'non-tensor' }));
  return { inputs: meta(session.inputMetadata), outputs: meta(session.outputMetadata) };
}

async function openSession(file: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, sessionOptions());
  } catch (err) {
    throw new AmaError('MODEL_CORRUPT', `onnxruntime could not load the model ${file}: ${errorMessage(err)}. Reinstall it (ama models install ${init.kind}) or export it again.`, { cause: err });
  }
}

async function demucsRunner(): Promise<DemucsRunner> {
  const session = await openSession(init.files[0]);
  const c = checkDemucsSession(shapeOf(session), init.files[0]);
  const S = c.segment;
  const T = c.frames;
  // The outputs are written into the same two buffers for every segment (onnxruntime fills
  // pre-allocated fetches), instead of ~55 MB of new tensors per segment.
  const specOut = new Float32Array(4 * 4 * 2048 * T);
  const waveOut = new Float32Array(4 * 2 * S);
  const fetches = {
    [c.specOutput]: new ort.Tensor('float32', specOut, [1, 4, 4, 2048, T]),
    [c.waveOutput]: new ort.Tensor('float32', waveOut, [1, 4, 2, S]),
  };
  return {
    segment: S,
    async run(wave, spec) {
      const feeds = {
        [c.waveInput]: new ort.Tensor('float32', wave, [1, 2, S]),
        [c.specInput]: new ort.Tensor('float32', spec, [1, 4, 2048, T]),
      };
      await session.run(feeds, fetches);
      return { spec: specOut, wave: waveOut };
    },
  };
}

async function umxRunner(): Promise<UmxRunner> {
  const sessions = new Map<StemName, { session: ort.InferenceSession; input: string; output: string }>();
  for (let i = 0; i < init.files.length; i++) {
    const session = await openSession(init.files[i]);
    const c = checkUmxSession(shapeOf(session), init.files[i]);
    sessions.set(init.targets[i], { session, input: c.input, output: c.output });
  }
  return {
    targets: [...init.targets],
    async run(target, magnitude, frames) {
      const s = sessions.get(target)!;
      const out = await s.session.run({ [s.input]: new ort.Tensor('float32', magnitude, [1, 2, 2049, frames]) });
      return out[s.output].data as Float32Array;
    },
  };
}

function shared(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

async function separate(req: ToOnnxWorker, runner: DemucsRunner | UmxRunner): Promise<Record<StemName, Float32Array[]>> {
  const inputChannels = req.channels.length;
  const frames = req.channels[0].length;
  const at44 = await resample(req.channels, req.sampleRate, MODEL_RATE);
  const left = at44[0];
  const right = at44[1] ?? at44[0];
  const onProgress = (fraction: number) => post({ kind: 'progress', id: req.id, fraction });
  const bySource: Partial<Record<StemName, Float32Array[]>> = {};
  if ('segment' in runner) {
    const stems = await separateDemucs(left, right, runner, { onProgress });
    DEMUCS_SOURCES.forEach((name, s) => (bySource[name] = stems[s]));
  } else {
    Object.assign(bySource, await separateUmx(left, right, runner, { onProgress }));
  }
  const result = {} as Record<StemName, Float32Array[]>;
  for (const name of STEM_NAMES) {
    const stereo = bySource[name] ?? [new Float32Array(left.length), new Float32Array(left.length)];
    delete bySource[name]; // each 44.1 kHz stem can go as soon as it is converted back
    // A mono input gets a mono stem: the mean of the two (identical-input) channels.
    const chans = inputChannels === 1 ? [mean(stereo[0], stereo[1])] : stereo;
    result[name] = [];
    for (const c of chans) {
      const [back] = await resample([c], MODEL_RATE, req.sampleRate);
      const out = shared(frames);
      out.set(back.subarray(0, frames));
      result[name].push(out);
    }
  }
  return result;
}

function mean(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = 0.5 * (a[i] + b[i]);
  return out;
}

async function main(): Promise<void> {
  let runner: DemucsRunner | UmxRunner;
  try {
    runner = init.kind === 'htdemucs' ? await demucsRunner() : await umxRunner();
  } catch (err) {
    post({ kind: 'failed', id: null, code: err instanceof AmaError ? err.code : 'SEPARATOR_FAILED', message: errorMessage(err) });
    return;
  }
  post({ kind: 'ready', description: `${init.kind} on ${init.threads} thread(s)` });
  // Requests are handled one at a time, in order.
  let queue = Promise.resolve();
  port.on('message', (req: ToOnnxWorker) => {
    queue = queue.then(async () => {
      try {
        post({ kind: 'result', id: req.id, stems: await separate(req, runner) });
      } catch (err) {
        post({ kind: 'failed', id: req.id, code: err instanceof AmaError ? err.code : 'SEPARATOR_FAILED', message: errorMessage(err) });
      }
    });
  });
}

void main();
