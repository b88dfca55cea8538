import type { z } from 'zod';
import type { MixProfile } from '../../analysis/profileSchema.js';
import type { FeatureComparison } from '../../reference/compare.js';
import type { BoardCommand, BoardItem, SuggestionState } from '../../suggest/boardTypes.js';
import { errorMessage } from '../../util/errors.js';
import {
  CommandNameSchema, InboundMessageSchema, MessageIdSchema,
  type AckMessageSchema, type CompactComparisonSchema, type ErrorCode, type ErrorMessageSchema, type HelloMessageSchema,
  type InboundMessage, type LiveLoudnessSchema, type MessageId, type MeterMessageSchema, type NoticeMessageSchema,
  type ProfileMessageSchema, type StatusMessageSchema, type SuggestionsMessageSchema,
} from './protocolSchemas.js';
import { PROTOCOL_VERSION } from './protocolTypes.js';

/**
 * The feed protocol's pure side: parsing inbound text into a validated message (never throwing) and
 * building outbound messages. Sockets live in server.ts; nothing here does I/O.
 */

export { PROTOCOL_VERSION } from './protocolTypes.js';
export type { ErrorCode, InboundMessage, MessageId, OutboundMessage } from './protocolSchemas.js';

/** Hello message. */
export type HelloMessage = z.infer<typeof HelloMessageSchema>;
/** Status message. */
export type StatusMessage = z.infer<typeof StatusMessageSchema>;
/** Meter message. */
export type MeterMessage = z.infer<typeof MeterMessageSchema>;
/** Live loudness figures a meter message carries. */
export type LiveLoudness = z.infer<typeof LiveLoudnessSchema>;
/** Profile message. */
export type ProfileMessage = z.infer<typeof ProfileMessageSchema>;
/** The compact comparison with the references. */
export type CompactComparison = z.infer<typeof CompactComparisonSchema>;
/** Suggestions message. */
export type SuggestionsMessage = z.infer<typeof SuggestionsMessageSchema>;
/** Ack message. */
export type AckMessage = z.infer<typeof AckMessageSchema>;
/** Error message. */
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;
/** Notice message. */
export type NoticeMessage = z.infer<typeof NoticeMessageSchema>;

/** Result of parsing one inbound frame: the message, or an error code and a sentence (with the client's id when it could be read). */
export type ParseResult = { ok: true; msg: InboundMessage } | { ok: false; code: ErrorCode; message: string; id?: MessageId };

const TYPES = ['command', 'ping'] as const;
const COMMANDS = CommandNameSchema.options;
const FORMS = `Accepted forms: {"v":${PROTOCOL_VERSION},"type":"command","id":"optional","command":"approve|reject|undo","key":"<suggestion key>"} and {"v":${PROTOCOL_VERSION},"type":"ping","id":"optional"}.`;

function kindOf(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

/** Parses one inbound text frame; never throws. Errors name the problem and the accepted forms. */
export function parseInbound(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'BAD_JSON', message: `The message is not valid JSON (${errorMessage(err)}). Send one JSON object per text frame. ${FORMS}` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, code: 'BAD_MESSAGE', message: `Expected a JSON object, got ${kindOf(data)}. ${FORMS}` };
  }
  const obj = data as Record<string, unknown>;
  const idParse = MessageIdSchema.safeParse(obj.id);
  const id = idParse.success ? { id: idParse.data } : {};
  const fail = (code: ErrorCode, message: string): ParseResult => ({ ok: false, code, message, ...id });
  if (!('v' in obj)) return fail('BAD_VERSION', `The message has no protocol version: add "v":${PROTOCOL_VERSION}. ${FORMS}`);
  if (obj.v !== PROTOCOL_VERSION) return fail('BAD_VERSION', `Protocol version ${JSON.stringify(obj.v)} is not supported; this server speaks version ${PROTOCOL_VERSION}.`);
  if (typeof obj.type !== 'string' || !(TYPES as readonly string[]).includes(obj.type)) {
    const got = obj.type === undefined ? 'no "type"' : `type ${JSON.stringify(obj.type)}`;
    return fail('UNKNOWN_TYPE', `Unknown message: ${got}; accepted types: ${TYPES.join(', ')}. ${FORMS}`);
  }
  if (obj.type === 'command' && typeof obj.command === 'string' && !(COMMANDS as readonly string[]).includes(obj.command)) {
    return fail('UNKNOWN_COMMAND', `Unknown command ${JSON.stringify(obj.command)}; accepted commands: ${COMMANDS.join(', ')}.`);
  }
  const parsed = InboundMessageSchema.safeParse(obj);
  if (parsed.success) return { ok: true, msg: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`);
  return fail('BAD_MESSAGE', `The ${obj.type} message is malformed: ${problems.join('; ')}. ${FORMS}`);
}

/** Hello: who is speaking, what it listens to, and what a client may send. */
export function buildHello(x: Pick<HelloMessage, 'server' | 'source' | 'references' | 'maxMessageBytes'>): HelloMessage {
  return { v: PROTOCOL_VERSION, type: 'hello', ...x, commands: [...COMMANDS] };
}

/** Status; fields not given are null (or 0 for counters, 'running' for capture). */
export function buildStatus(x: Partial<Omit<StatusMessage, 'v' | 'type'>> & { t: number }): StatusMessage {
  return {
    v: PROTOCOL_VERSION, type: 'status', device: null, sampleRateHz: null, channels: null, capture: 'running', overruns: 0,
    clients: 0, cpuShare: null, rssMb: null, separator: null, message: null, ...x,
  };
}

/** Meter frame: t in s since the start, loudness as the live meter reads it (nonFiniteSamples left out). */
export function buildMeter(t: number, loudness: LiveLoudness & { nonFiniteSamples?: number }, stereo?: MeterMessage['stereo']): MeterMessage {
  const { nonFiniteSamples: _dropped, ...rest } = loudness;
  return { v: PROTOCOL_VERSION, type: 'meter', t, loudness: rest, ...(stereo !== undefined ? { stereo } : {}) };
}

/** The comparison rows a page needs: the 1/3-octave mid balance and the scalar features (bands of the stereo image left out). */
export function compactComparison(rows: readonly FeatureComparison[], basis: CompactComparison['basis']): CompactComparison {
  const tonal = rows.filter((r) => r.group === 'spectrum' && r.feature.startsWith('tonal.mid.') && r.centerHz !== undefined)
    .map((r) => ({ centerHz: r.centerHz!, mixDb: r.mix, meanDb: r.mean, minDb: r.min, maxDb: r.max }));
  const features = rows.filter((r) => r.group !== 'spectrum' && r.group !== 'stereoBands')
    .map((r) => ({ feature: r.feature, unit: r.unit, mix: r.mix, mean: r.mean, min: r.min, max: r.max, inside: r.inside, outsideBy: r.outsideBy }));
  return { basis, tonal, features };
}

/** Profile update: the sliding-window profile (and its length, s), the session profile and the comparison. */
export function buildProfile(x: { t: number; windowSec: number; window: MixProfile | null; session: MixProfile | null; comparison: CompactComparison | null }): ProfileMessage {
  return { v: PROTOCOL_VERSION, type: 'profile', t: x.t, window: { sec: x.windowSec, profile: x.window }, session: { profile: x.session }, comparison: x.comparison };
}

/** The board's visible items, ranked, with the board's revision. */
export function buildSuggestions(items: readonly BoardItem[], revision: number): SuggestionsMessage {
  return { v: PROTOCOL_VERSION, type: 'suggestions', revision, items: [...items] };
}

/** Reply to a successful command (with the suggestion's new state) or ping. */
export function buildAck(id: MessageId | null | undefined, command: BoardCommand | 'ping', key?: string, state?: SuggestionState): AckMessage {
  return { v: PROTOCOL_VERSION, type: 'ack', id: id ?? null, command, ...(key !== undefined ? { key } : {}), ...(state !== undefined ? { state } : {}) };
}

/** Reply to a refused message or command. */
export function buildError(id: MessageId | null | undefined, code: ErrorCode, message: string): ErrorMessage {
  return { v: PROTOCOL_VERSION, type: 'error', id: id ?? null, code, message };
}

/** A sentence for the client (dropped frames, shutdown). */
export function buildNotice(code: NoticeMessage['code'], message: string, dropped?: number): NoticeMessage {
  return { v: PROTOCOL_VERSION, type: 'notice', code, message, ...(dropped !== undefined ? { dropped } : {}) };
}
