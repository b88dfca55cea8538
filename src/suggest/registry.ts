import { agent as dynamics } from '../../agents/dynamics.js';
import { agent as eq } from '../../agents/eq.js';
import { agent as loudness } from '../../agents/loudness.js';
import { agent as stems } from '../../agents/stems.js';
import { agent as stereo } from '../../agents/stereo.js';
import { agent as tonal } from '../../agents/tonal.js';
import type { Agent, AgentName } from './types.js';

/**
 * The built-in agents, registered explicitly in one map, in the order they run. Loudness runs last:
 * its gain accounts for the level the other moves add or take away (see engine.ts).
 */
export const AGENTS: ReadonlyMap<AgentName, Agent> = new Map<AgentName, Agent>([
  ['eq', eq],
  ['tonal', tonal],
  ['dynamics', dynamics],
  ['stereo', stereo],
  ['stems', stems],
  ['loudness', loudness],
]);

/** Names of the registered agents, in run order. */
export const AGENT_NAMES: readonly AgentName[] = [...AGENTS.keys()];
