import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProfileWorkerLaunch } from '../../src/analysis/profile/thread.js';
import { ROOT } from './cli.js';

/**
 * Starts a worker thread on a TypeScript entry of the sources (relative to the repository root),
 * through the hooks of ./tsLoader.mjs, so that tests exercise the worker without a build.
 */
export function tsWorkerLaunch(entry: string): ProfileWorkerLaunch {
  const loader = pathToFileURL(path.join(ROOT, 'test/helpers/tsLoader.mjs')).href;
  const target = pathToFileURL(path.join(ROOT, entry)).href;
  return {
    eval: true,
    entry: `require('node:module').register(${JSON.stringify(loader)}); import(${JSON.stringify(target)});`,
  };
}

/** A worker made of `code` (CommonJS source), to stand in for a broken worker. */
export function evalLaunch(code: string): ProfileWorkerLaunch {
  return { eval: true, entry: code };
}
