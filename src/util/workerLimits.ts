import type { ResourceLimits } from 'node:worker_threads';

/**
 * Heap limits of ama's worker threads. Only the young generation is capped (3 MB, semi-spaces of
 * about 1 MB): by default V8 lets each worker's young generation grow to tens of MB of mostly garbage
 * that then stays resident, and the live daemon runs three workers whose live data is small. A small
 * young generation means more, but shorter, scavenges (no measurable CPU in `npm run bench -- daemon`).
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 3 };
