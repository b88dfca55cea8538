import { z } from 'zod';
import { MixProfileSchema } from '../../analysis/profileSchema.js';
import { PROTOCOL_VERSION } from './protocolTypes.js';

/**
 * The zod schemas of every feed message, inbound and outbound: the source of truth for the
 * protocol (see protocolTypes.ts for the overview). Inbound messages are strict (an unknown field
 * is an error, so a typo is caught); outbound ones are open (the JSON Schema allows more fields:
 * clients must ignore fields they do not know, so fields can be added within a protocol version).
 */

const v = z.literal(PROTOCOL_VERSION).describe('Protocol version');
const num = z.number();
const numOrNull = z.number().nullable();

/** A client's correlation id, echoed in the ack or error reply: a string of up to 64 characters or an integer. */
export const MessageIdSchema = z.union([z.string().max(64), z.number().int()]);

/** Commands that change a suggestion's state on the board. */
export const CommandNameSchema = z.enum(['approve', 'reject', 'undo']);

/** Client -> server: approve, reject or undo a suggestion by its key. */
export const CommandMessageSchema = z.strictObject({
  v, type: z.literal('command'), id: MessageIdSchema.optional(), command: CommandNameSchema,
  key: z.string().min(1).max(256).describe('The suggestion key, as listed in the suggestions message'),
});

/** Client -> server: liveness check, answered by an ack with command "ping". */
export const PingMessageSchema = z.strictObject({ v, type: z.literal('ping'), id: MessageIdSchema.optional() });

/** Any client -> server message. */
export const InboundMessageSchema = z.discriminatedUnion('type', [CommandMessageSchema, PingMessageSchema]);

/** States a suggestion can be in (see src/suggest/boardTypes.ts). */
export const SuggestionStateSchema = z.enum(['pending', 'proposed', 'approved', 'applied', 'failed', 'undone', 'rejected', 'expired']);

/** Codes of error replies. */
export const ErrorCodeSchema = z.enum([
  'BAD_JSON', 'BAD_MESSAGE', 'BAD_VERSION', 'UNKNOWN_TYPE', 'UNKNOWN_COMMAND', 'TOO_LARGE', 'BINARY',
  'UNKNOWN_KEY', 'BAD_STATE', 'UNAUTHORIZED', 'FORBIDDEN_ORIGIN', 'BUSY', 'NO_HANDLER', 'INTERNAL',
]);

/** One proposal as agents make it (params: numbers with units in their names, or an EQ band type). */
export const SuggestionSchema = z.object({
  key: z.string(),
  agent: z.enum(['loudness', 'eq', 'dynamics', 'stereo', 'tonal', 'stems']),
  scope: z.string().describe("'master', 'mid', 'side' or 'stem:<name>'"),
  kind: z.enum(['gain', 'limiter', 'eqBand', 'compressor', 'width', 'monoBelow', 'balance', 'stemGain', 'note']),
  params: z.record(z.string(), z.union([num, z.string()])),
  confidence: z.number().min(0).max(1),
  rationale: z.string(),
  evidence: z.record(z.string(), numOrNull),
  predicted: z.object({ before: num, after: num }).optional(),
  addressedBy: z.array(z.string()).optional(),
});

/** A suggestion as the board shows it. */
export const BoardItemSchema = z.object({
  suggestion: SuggestionSchema,
  state: SuggestionStateSchema,
  sinceMs: num.describe('When it entered its state, ms'),
  stableForSec: num.describe('How long the agents have proposed it, s'),
  rank: z.number().int().min(1).describe('1 = largest expected effect'),
  message: z.string().optional(),
});

/** Server -> client, once per connection. */
export const HelloMessageSchema = z.object({
  v, type: z.literal('hello'),
  server: z.object({ name: z.literal('ama'), version: z.string() }),
  source: z.object({ kind: z.enum(['device', 'file', 'demo']), name: z.string(), sampleRateHz: numOrNull, channels: z.number().int().nullable() }).nullable(),
  references: z.array(z.object({ name: z.string(), integratedLufs: numOrNull.optional() })),
  commands: z.array(CommandNameSchema),
  maxMessageBytes: z.number().int().positive().describe('Largest inbound message answered rather than refused, bytes'),
});

/** Server -> client, about 1 Hz: the daemon's health. */
export const StatusMessageSchema = z.object({
  v, type: z.literal('status'),
  t: num.describe('s since the stream started'),
  device: z.string().nullable(), sampleRateHz: numOrNull, channels: z.number().int().nullable(),
  capture: z.enum(['starting', 'running', 'retrying', 'lost', 'ended', 'stopped']),
  overruns: z.number().int().min(0), clients: z.number().int().min(0),
  cpuShare: numOrNull.describe('Share of one core, 0..1 (or more)'), rssMb: numOrNull,
  separator: z.string().nullable(), message: z.string().nullable(),
  daw: z.object({
    daw: z.enum(['reaper', 'ableton', 'ardour']), host: z.string(), port: z.number().int(),
    reachable: z.boolean().nullable().describe('null before the first check'), message: z.string().nullable(),
  }).nullable().optional().describe('The DAW ama pushes approved proposals to (ama listen/demo --daw); absent without one'),
  separation: z.object({
    separator: z.string(), coverage: z.number().min(0).max(1).describe('Share of the stream separated so far, 0..1'),
    delaySec: numOrNull.describe('How far the latest separated window lay behind the live stream when its stems were ready, s'),
    windowSec: num.describe('Length of each separated window, s'), separations: z.number().int().min(0), error: z.string().nullable(),
  }).nullable().optional().describe('Live source separation for the stems agent; absent when it is off'),
});

/** Live loudness: the field names of `ama analyze --json` plus the current momentary and short-term values. */
export const LiveLoudnessSchema = z.object({
  integratedLufs: numOrNull, loudnessRangeLu: numOrNull, momentaryLufs: numOrNull, shortTermLufs: numOrNull,
  momentaryMaxLufs: numOrNull, shortTermMaxLufs: numOrNull, truePeakDbtp: numOrNull, samplePeakDbfs: numOrNull,
  rmsDbfs: numOrNull, crestDb: numOrNull, plrDb: numOrNull, psrDb: numOrNull,
  durationSec: num,
  channels: z.array(z.object({ role: z.string(), samplePeakDbfs: numOrNull, truePeakDbtp: numOrNull, rmsDbfs: numOrNull })),
});

/** Server -> client, 10 Hz or more: loudness meters and, for stereo sources, the current image. */
export const MeterMessageSchema = z.object({
  v, type: z.literal('meter'), t: num,
  loudness: LiveLoudnessSchema,
  stereo: z.object({ correlation: numOrNull, balanceDb: numOrNull, sideToMidDb: numOrNull }).nullable().optional(),
});

/** One 1/3-octave band of the tonal balance: the mix against the references' mean and envelope, dB re the loudness. */
export const TonalRowSchema = z.object({ centerHz: num, mixDb: numOrNull, meanDb: numOrNull, minDb: numOrNull, maxDb: numOrNull });

/** One scalar feature compared with the references. */
export const FeatureRowSchema = z.object({
  feature: z.string(), unit: z.string(), mix: numOrNull, mean: numOrNull, min: numOrNull, max: numOrNull,
  inside: z.boolean().nullable(), outsideBy: numOrNull,
});

/** The compact comparison with the references that profile messages carry. */
export const CompactComparisonSchema = z.object({
  basis: z.enum(['window', 'session']).describe('Which profile was compared'),
  tonal: z.array(TonalRowSchema),
  features: z.array(FeatureRowSchema),
});

/** Server -> client, every 1-2 s: the sliding-window and session profiles and the comparison. */
export const ProfileMessageSchema = z.object({
  v, type: z.literal('profile'), t: num,
  window: z.object({ sec: num, profile: MixProfileSchema.nullable() }),
  session: z.object({ profile: MixProfileSchema.nullable() }),
  comparison: CompactComparisonSchema.nullable(),
});

/** Server -> client, whenever the board changes (and once on connect): the ranked visible items. */
export const SuggestionsMessageSchema = z.object({
  v, type: z.literal('suggestions'), revision: z.number().int().min(0), items: z.array(BoardItemSchema),
});

/** Server -> client: a command or ping succeeded. */
export const AckMessageSchema = z.object({
  v, type: z.literal('ack'), id: MessageIdSchema.nullable(),
  command: z.enum(['approve', 'reject', 'undo', 'ping']), key: z.string().optional(), state: SuggestionStateSchema.optional(),
});

/** Server -> client: a message was refused (nothing else happened). */
export const ErrorMessageSchema = z.object({ v, type: z.literal('error'), id: MessageIdSchema.nullable(), code: ErrorCodeSchema, message: z.string() });

/** Server -> client: a sentence for the client, e.g. that frames were dropped because it read too slowly. */
export const NoticeMessageSchema = z.object({
  v, type: z.literal('notice'), code: z.enum(['DROPPED', 'SHUTDOWN', 'INFO']), message: z.string(),
  dropped: z.number().int().min(0).optional().describe('Frames not delivered (DROPPED)'),
});

/** Any server -> client message. */
export const OutboundMessageSchema = z.discriminatedUnion('type', [
  HelloMessageSchema, StatusMessageSchema, MeterMessageSchema, ProfileMessageSchema, SuggestionsMessageSchema,
  AckMessageSchema, ErrorMessageSchema, NoticeMessageSchema,
]);

/** Names under which the schemas appear in the generated JSON Schema's $defs. */
export const SCHEMA_IDS: ReadonlyArray<[z.ZodType, string]> = [
  [CommandMessageSchema, 'CommandMessage'], [PingMessageSchema, 'PingMessage'], [HelloMessageSchema, 'HelloMessage'],
  [StatusMessageSchema, 'StatusMessage'], [MeterMessageSchema, 'MeterMessage'], [ProfileMessageSchema, 'ProfileMessage'],
  [SuggestionsMessageSchema, 'SuggestionsMessage'], [AckMessageSchema, 'AckMessage'], [ErrorMessageSchema, 'ErrorMessage'],
  [NoticeMessageSchema, 'NoticeMessage'], [MixProfileSchema, 'MixProfile'], [BoardItemSchema, 'BoardItem'],
  [SuggestionSchema, 'Suggestion'], [InboundMessageSchema, 'ClientMessage'], [OutboundMessageSchema, 'ServerMessage'],
];

/** A client -> server message. */
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
/** A server -> client message. */
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;
/** An error reply's code. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
/** A client's correlation id. */
export type MessageId = z.infer<typeof MessageIdSchema>;
