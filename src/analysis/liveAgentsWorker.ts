// Entry of the agents' worker thread (started by WorkerAgentRunner in ./liveAgents.ts): runs the
// agents on each job it receives and replies with the result or the error, so that a failing job
// never takes the thread down.
import { parentPort, workerData } from 'node:worker_threads';
import { runAgents } from '../suggest/engine.js';
import { AGENTS } from '../suggest/registry.js';
import { errorMessage } from '../util/errors.js';
import type { AgentWorkerInit, FromAgentWorker, ToAgentWorker } from './liveAgents.js';

const port = parentPort;
if (!port) throw new Error('src/analysis/liveAgentsWorker.ts runs only as a worker thread (see WorkerAgentRunner).');

const { target, options } = workerData as AgentWorkerInit;

port.on('message', ({ id, job }: ToAgentWorker) => {
  let reply: FromAgentWorker;
  try {
    const t0 = performance.now();
    const result = runAgents({ ...job, target }, options, AGENTS);
    reply = { id, ok: true, run: { result, agentsMs: performance.now() - t0 } };
  } catch (err) {
    reply = { id, ok: false, message: errorMessage(err) };
  }
  port.postMessage(reply);
});
