import { Worker } from 'node:worker_threads';
import type { ReferenceTarget } from '../reference/target.js';
import { runAgents, type EngineResult } from '../suggest/engine.js';
import type { SuggestOptions } from '../suggest/options.js';
import { AGENTS } from '../suggest/registry.js';
import type { AgentInput } from '../suggest/types.js';
import { AmaError, errorMessage } from '../util/errors.js';
import { WORKER_RESOURCE_LIMITS } from '../util/workerLimits.js';

/** What the agents of one evaluation see, without the target (the runner holds it). */
export type AgentJob = Omit<AgentInput, 'target'>;

/** The agents' result and how long they took, ms (measured where they ran). */
export interface AgentRun {
  result: EngineResult;
  agentsMs: number;
}

/** Runs the agents for a LiveAnalyzer: inline, or in a worker thread. */
export interface AgentRunner {
  /** Runs every enabled agent on one evaluation's figures; rejects with AmaError when they could not run. */
  run(job: AgentJob): Promise<AgentRun>;
  /** Stops the runner (a worker is terminated); safe to call more than once. */
  close(): Promise<void>;
}

/** Runs the agents on the calling thread (tests, and builds run from the TypeScript sources). */
export class InlineAgentRunner implements AgentRunner {
  constructor(private readonly target: ReferenceTarget, private readonly options: SuggestOptions) {}

  async run(job: AgentJob): Promise<AgentRun> {
    const t0 = performance.now();
    const result = runAgents({ ...job, target: this.target }, this.options, AGENTS);
    return { result, agentsMs: performance.now() - t0 };
  }

  async close(): Promise<void> {}
}

/** What the agents' worker is started with. */
export interface AgentWorkerInit {
  target: ReferenceTarget;
  options: SuggestOptions;
}

/** Messages between the runner and its worker. */
export type ToAgentWorker = { id: number; job: AgentJob };
/** The worker's reply to one job. */
export type FromAgentWorker = { id: number; ok: true; run: AgentRun } | { id: number; ok: false; message: string };

/** True when worker threads can be started from this build (compiled JavaScript, not TypeScript under a test runner). */
export const agentWorkerAvailable: boolean = !import.meta.url.endsWith('.ts');

/** First and longest delay before a dead worker is started again, ms. */
const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 30_000;

/**
 * Runs the agents in a worker thread, so that their 100-400 ms per evaluation (the EQ fit above
 * all) never holds up the analysis loop, the dashboard or the feed. One job at a time (the
 * LiveAnalyzer never overlaps evaluations). A worker that fails or exits rejects its job and is
 * started again on a later job, after 1 s, then 2, 4 ... up to 30 s while it keeps failing.
 */
export class WorkerAgentRunner implements AgentRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending: { id: number; resolve: (r: AgentRun) => void; reject: (e: AmaError) => void } | null = null;
  private restartAt = 0;
  private backoffMs = RESTART_MIN_MS;
  private closed = false;

  /** `launch`: the worker's entry module, or (eval) CommonJS source that loads it (tests run the sources). */
  constructor(private readonly init: AgentWorkerInit, private readonly launch: { entry: URL | string; eval?: boolean } = { entry: new URL('./liveAgentsWorker.js', import.meta.url) }) {}

  run(job: AgentJob): Promise<AgentRun> {
    if (this.closed) return Promise.reject(new AmaError('INTERNAL', 'the agents runner is closed'));
    if (this.pending) return Promise.reject(new AmaError('INTERNAL', 'the agents are still running the previous evaluation'));
    const worker = this.worker ?? this.start();
    if (!worker) return Promise.reject(new AmaError('INTERNAL', `the agents' worker failed and restarts in ${Math.ceil((this.restartAt - Date.now()) / 1000)} s`));
    const id = this.nextId++;
    return new Promise<AgentRun>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      worker.postMessage({ id, job } satisfies ToAgentWorker);
    });
  }

  private start(): Worker | null {
    if (Date.now() < this.restartAt) return null;
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    const worker = new Worker(this.launch.entry, { workerData: this.init satisfies AgentWorkerInit, eval: this.launch.eval ?? false, execArgv, resourceLimits: WORKER_RESOURCE_LIMITS });
    worker.on('message', (m: FromAgentWorker) => {
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      this.pending = null;
      this.backoffMs = RESTART_MIN_MS;
      if (m.ok) p.resolve(m.run);
      else p.reject(new AmaError('INTERNAL', `the agents failed: ${m.message}`));
    });
    const fail = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.restartAt = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(RESTART_MAX_MS, this.backoffMs * 2);
      void worker.terminate();
      const p = this.pending;
      this.pending = null;
      p?.reject(new AmaError('INTERNAL', `the agents' worker ${why}`));
    };
    worker.on('error', (err) => fail(`failed: ${errorMessage(err)}`));
    worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.pending?.reject(new AmaError('INTERNAL', 'the agents runner was closed'));
    this.pending = null;
    if (w) await w.terminate();
  }
}

/** The runner for this build: a worker thread when available, else inline. */
export function defaultAgentRunner(target: ReferenceTarget, options: SuggestOptions): AgentRunner {
  return agentWorkerAvailable ? new WorkerAgentRunner({ target, options }) : new InlineAgentRunner(target, options);
}
