import { closeSync, openSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { AmaError, errorMessage } from '../../util/errors.js';
import { STEM_NAMES, type StemName } from '../types.js';
import { DEMUCS_SOURCES, streamDemucs, type DemucsRunner } from './demucs.js';
import { MODEL_RATE, ONNX_WORKER_INIT_ENV, type FromOnnxWorker, type OnnxWorkerInit, type ToOnnxWorker } from './protocol.js';
import { partsAtBlocks, type BlockParts, type GraphValue, type PartPlan } from './graphSplit.js';
import { fileSource } from './protobuf.js';
import { checkDemucsSession, checkUmxSession, type DemucsTensors, type SessionShape } from './sessionCheck.js';
import { separateUmx, type UmxRunner } from './umx.js';

/**
 * The separation worker process (started by OnnxWorkerHost, host.ts, with an IPC channel and
 * advanced serialisation): the only module that loads onnxruntime-node. It reads its OnnxWorkerInit
 * from the JSON in $AMA_ONNX_WORKER_INIT, opens the model's sessions once, checks their tensors
 * against the contract, then separates each request (resampling to 44.1 kHz and back, mono
 * duplicated to stereo) and sends the stems back one channel at a time. It exits when its IPC
 * channel closes (ama closed it or died) and ignores SIGINT (Ctrl-C reaches ama, which stops it).
 */

const init = readInit();

function readInit(): OnnxWorkerInit {
  const json = process.env[ONNX_WORKER_INIT_ENV];
  if (!process.send || !json) throw new Error(`This is ama's separation worker: ama starts it, with an IPC channel and its settings in $${ONNX_WORKER_INIT_ENV}.`);
  return JSON.parse(json) as OnnxWorkerInit;
}

/** Sends a message; resolves once it is written out (the parent gone, it resolves too: we exit on disconnect). */
function post(m: FromOnnxWorker): Promise<void> {
  return new Promise((resolve) => process.send!(m, undefined, undefined, () => resolve()));
}

/** This process's peak resident memory so far, bytes. */
function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** CPU time this process has used so far (user + system), seconds. */
function cpuSeconds(): number {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
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

async function openSession(file: string, model: string | Uint8Array = file, what = 'the model'): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(model as Uint8Array, sessionOptions());
  } catch (err) {
    throw new AmaError('MODEL_CORRUPT', `onnxruntime could not load ${what} ${file}: ${errorMessage(err)}. Reinstall it (ama models install ${init.kind}) or export it again.`, { cause: err });
  }
}

const ONNX_TYPE_NAMES: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

/** The declared inputs and outputs of a whole model, in the terms of SessionShape. */
function declaredShape(parts: BlockParts): SessionShape {
  const list = (values: GraphValue[]) => values.map((v) => ({ name: v.name, shape: v.dims, type: ONNX_TYPE_NAMES[v.elemType] ?? `onnx type ${v.elemType}` }));
  return { inputs: list(parts.inputs), outputs: list(parts.outputs) };
}

/**
 * One model call through a chain of sessions, one per part (graphSplit.ts), each fed the values
 * earlier parts handed on; a value is dropped once no later part reads it. The two outputs of the
 * contract go into `fetches` (pre-allocated buffers filled in place).
 */
function chainRunner(sessions: ort.InferenceSession[], plans: readonly PartPlan[], fetches: Record<string, ort.Tensor>): (feeds: Record<string, ort.Tensor>) => Promise<void> {
  const lastReader = new Map<string, number>();
  plans.forEach((p, k) => p.inputs.forEach((x) => lastReader.set(x, k)));
  return async (feeds) => {
    const values = new Map<string, ort.OnnxValue>(Object.entries(feeds));
    for (let k = 0; k < plans.length; k++) {
      const plan = plans[k];
      const partFeeds: Record<string, ort.OnnxValue> = {};
      for (const x of plan.inputs) {
        const v = values.get(x);
        if (!v) throw new AmaError('SEPARATOR_FAILED', `part ${k} of the model needs "${x}", which no earlier part produced.`);
        partFeeds[x] = v;
      }
      const partFetches: Record<string, ort.OnnxValue | null> = {};
      for (const o of plan.outputs) partFetches[o] = fetches[o] ?? null;
      const out = await sessions[k].run(partFeeds, partFetches);
      for (const x of plan.inputs) if (lastReader.get(x) === k) values.delete(x);
      for (const o of plan.outputs) if (!(o in fetches)) values.set(o, out[o]);
    }
  };
}

async function demucsRunner(): Promise<DemucsRunner> {
  const file = init.files[0];
  // HTDemucs runs as a chain of sessions cut at its layers: onnxruntime then frees each layer's
  // buffers when it returns, which takes a segment's peak from ~2.1 GB to under 1 GB (graphSplit.ts).
  let parts: BlockParts | null;
  const fd = openSync(file, 'r');
  try {
    try {
      parts = partsAtBlocks(fileSource(fd));
    } catch (err) {
      throw new AmaError('MODEL_CORRUPT', `${file} is not a readable ONNX model (${errorMessage(err)}). Reinstall it (ama models install ${init.kind}).`, { cause: err });
    }
    let call: (feeds: Record<string, ort.Tensor>) => Promise<void>;
    let c: DemucsTensors;
    let fetches: Record<string, ort.Tensor>;
    let specOut: Float32Array;
    let waveOut: Float32Array;
    const buffers = (t: DemucsTensors) => {
      // The outputs are written into the same two buffers for every segment (onnxruntime fills
      // pre-allocated fetches), instead of ~55 MB of new tensors per segment.
      specOut = new Float32Array(4 * 4 * 2048 * t.frames);
      waveOut = new Float32Array(4 * 2 * t.segment);
      return {
        [t.specOutput]: new ort.Tensor('float32', specOut, [1, 4, 4, 2048, t.frames]),
        [t.waveOutput]: new ort.Tensor('float32', waveOut, [1, 4, 2, t.segment]),
      };
    };
    if (parts) {
      c = checkDemucsSession(declaredShape(parts), file);
      const sessions: ort.InferenceSession[] = [];
      for (const plan of parts.plans) sessions.push(await openSession(file, parts.encode(plan), `part ${plan.index + 1} of ${parts.plans.length} of the model`));
      fetches = buffers(c);
      call = chainRunner(sessions, parts.plans, fetches);
    } else {
      const session = await openSession(file);
      c = checkDemucsSession(shapeOf(session), file);
      fetches = buffers(c);
      call = (feeds) => session.run(feeds, fetches).then(() => undefined);
    }
    const { segment: S, frames: T, waveInput, specInput } = c;
    return {
      segment: S,
      async run(wave, spec) {
        await call({ [waveInput]: new ort.Tensor('float32', wave, [1, 2, S]), [specInput]: new ort.Tensor('float32', spec, [1, 4, 2048, T]) });
        return { spec: specOut, wave: waveOut };
      },
    };
  } finally {
    closeSync(fd);
  }
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

/**
 * Separates one request (audio at MODEL_RATE, mono or stereo), sending the stems as they are
 * finished, one channel of one stretch per message (a mono request gets mono stems: the mean of the
 * model's two channels). HTDemucs hands stretches on segment by segment, so this process never
 * holds whole stems.
 */
async function separate(req: { id: number; channels: Float32Array[] }, runner: DemucsRunner | UmxRunner): Promise<void> {
  const mono = req.channels.length === 1;
  const left = req.channels[0];
  const right = req.channels[1] ?? left;
  const onProgress = (fraction: number) => void post({ kind: 'progress', id: req.id, fraction });
  const send = async (stem: StemName, offset: number, pair: Float32Array[]) => {
    const chans = mono ? [mean(pair[0], pair[1])] : pair;
    // IPC copies the channel; waiting for the write keeps one copy at a time.
    for (const [channel, data] of chans.entries()) await post({ kind: 'stem', id: req.id, stem, channel, offset, data });
  };
  if ('segment' in runner) {
    await streamDemucs(left, right, runner, async (offset, chunks) => {
      for (const [s, name] of DEMUCS_SOURCES.entries()) await send(name, offset, chunks[s]);
    }, { onProgress });
  } else {
    const stems = await separateUmx(left, right, runner, { onProgress });
    // A target without a model comes back silent (openOnnxSeparator has said so).
    for (const name of STEM_NAMES) {
      await send(name, 0, stems[name] ?? [new Float32Array(left.length), new Float32Array(left.length)]);
      delete stems[name];
    }
  }
}

function mean(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = 0.5 * (a[i] + b[i]);
  return out;
}

async function main(): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => undefined);
  let runner: DemucsRunner | UmxRunner;
  try {
    runner = init.kind === 'htdemucs' ? await demucsRunner() : await umxRunner();
  } catch (err) {
    await post({ kind: 'failed', id: null, code: err instanceof AmaError ? err.code : 'SEPARATOR_FAILED', message: errorMessage(err) });
    process.disconnect();
    return;
  }
  // Each request's audio comes one channel per message, then its `separate`.
  const audio = new Map<number, Float32Array[]>();
  // Requests are handled one at a time, in order.
  let queue = Promise.resolve();
  process.on('message', (m: ToOnnxWorker) => {
    if (m.kind === 'audio') {
      let chans = audio.get(m.id);
      if (!chans) audio.set(m.id, (chans = []));
      chans[m.channel] = m.data;
      return;
    }
    if (m.kind !== 'separate') return;
    const got = audio.get(m.id) ?? [];
    audio.delete(m.id);
    const channels = Array.from({ length: m.channels }, (_, i) => got[i]);
    queue = queue.then(async () => {
      try {
        if (m.channels < 1 || !channels.every((c) => c instanceof Float32Array)) {
          throw new AmaError('INTERNAL', `The separation worker got ${got.filter((c) => c instanceof Float32Array).length} of the request's ${m.channels} audio channels.`);
        }
        await separate({ id: m.id, channels }, runner);
        await post({ kind: 'result', id: m.id, peakRssBytes: peakRssBytes(), cpuSeconds: cpuSeconds() });
      } catch (err) {
        await post({ kind: 'failed', id: m.id, code: err instanceof AmaError ? err.code : 'SEPARATOR_FAILED', message: errorMessage(err) });
      }
    });
  });
  await post({ kind: 'ready', description: `${init.kind} on ${init.threads} thread(s)`, peakRssBytes: peakRssBytes() });
}

void main();
