import { z } from 'zod';

/**
 * The one schema of every DAW mapping in mappings/ (reaper.json, ableton.json, ardour.json): how
 * to reach the DAW, how its master bus is addressed, and, for each control ama can push, the OSC
 * address templates with explicit type tags, the encoding from ama's units to the wire, the
 * read-back query and a tolerance. Templates name run-time values in braces: `{value}` (the wire
 * value), `{track}` (the master's track index), `{ssid}` (Ardour's master strip), `{plugin}` and
 * `{param}` (indices resolved by name at run time, or fixed), `{band}` (an EQ band's id).
 */

const port = z.number().int().min(1).max(65535);
const argIndex = z.number().int().min(0).max(64);

/** One typed OSC argument of a template: a number or string, or a `{name}` placeholder. */
export const TemplateArgSchema = z.strictObject({
  type: z.enum(['i', 'f', 's', 'd']).describe('OSC type tag: i int32, f float32, s string, d double'),
  value: z.union([z.number(), z.string()]).describe('A literal, or a placeholder such as "{value}" or "{track}"'),
});

/** An OSC message template: address (may hold placeholders) and typed arguments. */
export const TemplateSchema = z.strictObject({
  address: z.string().regex(/^\//, 'an OSC address starts with "/"'),
  args: z.array(TemplateArgSchema).default([]),
});

/** The encoding from ama's unit to the wire value (and back, for read-back). */
export const EncodingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('raw').describe('the wire takes ama\'s unit as it is (raw dB, Hz, octaves, ms)') }),
  z.strictObject({ kind: z.literal('linear'), from: z.tuple([z.number(), z.number()]), to: z.tuple([z.number(), z.number()]) }),
  z.strictObject({ kind: z.literal('log').describe('log of the value maps linearly onto the wire range (frequency knobs)'), from: z.tuple([z.number().positive(), z.number().positive()]), to: z.tuple([z.number(), z.number()]) }),
  z.strictObject({ kind: z.literal('table').describe('calibration points [ama, wire], monotonic, interpolated linearly'), points: z.array(z.tuple([z.number(), z.number()])).min(2) }),
  z.strictObject({ kind: z.literal('amplitude').describe('dB to linear amplitude, times scale (1.0 = 0 dB at scale 1)'), scale: z.number().positive().default(1) }),
  z.strictObject({
    kind: z.literal('balance').describe('L/R balance in dB onto a balance pan control: the louder side stays, the other drops'),
    center: z.number(), span: z.number().describe('wire distance from center to a hard side'),
  }),
]);

/** How a value is read back: an optional request, and the reply that carries the value. */
export const ReadSchema = z.strictObject({
  request: TemplateSchema.nullable().describe('sent to ask for the value; null: the value only arrives as feedback'),
  reply: z.strictObject({
    address: z.string().regex(/^\//),
    match: z.record(z.string().regex(/^\d+$/), z.union([z.number(), z.string()])).default({}).describe('argument index -> value (or placeholder) the reply must carry'),
    valueIndex: argIndex,
    decode: z.enum(['wire', 'numberText']).default('wire').describe('wire: decode with the encoding; numberText: a display string holding the value in ama\'s unit'),
  }),
});

/** Units of ama's side of a control. */
export const UnitSchema = z.enum(['dB', 'Hz', 'octaves', 'q', 'ratio', 'ms', 'switch', 'balanceDb', 'choice']);

/** One parameter a proposal sets: ama unit, range, encoding, write and read templates, tolerance. */
export const ParamSchema = z.strictObject({
  name: z.string().optional().describe('the parameter\'s name in the DAW, resolved to {param} at run time'),
  index: z.number().int().min(0).optional().describe('a fixed {param} index, when it is not resolved by name'),
  unit: UnitSchema,
  range: z.strictObject({ min: z.number(), max: z.number() }).optional().describe('in ama\'s unit; values outside are clamped (a range the DAW reports wins)'),
  encoding: EncodingSchema.default({ kind: 'raw' }),
  tolerance: z.number().positive().describe('read-back must be within this, in ama\'s unit'),
  write: TemplateSchema.optional().describe('overrides the plugin\'s paramWrite'),
  read: ReadSchema.optional().describe('overrides the plugin\'s paramRead'),
});

/** A listing the DAW answers with names: plugins on the master, or a plugin's parameters. */
export const ListingSchema = z.strictObject({
  request: TemplateSchema.nullable(),
  reply: z.strictObject({ address: z.string().regex(/^\//).describe('may hold {n}: the index is then taken from the address'), match: z.record(z.string().regex(/^\d+$/), z.union([z.number(), z.string()])).default({}) }),
  layout: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('perMessage'), index: z.union([argIndex, z.literal('address')]), name: argIndex, min: argIndex.optional(), max: argIndex.optional() }),
    z.strictObject({ kind: z.literal('list'), start: argIndex, stride: z.number().int().min(1), indexAt: z.number().int().min(0).nullable(), nameAt: z.number().int().min(0), base: z.number().int().min(0).default(0) }),
  ]),
  endAddress: z.string().regex(/^\//).optional().describe('a message that ends the listing'),
});

/** A control on the master bus (volume, pan). */
export const ControlSchema = ParamSchema.extend({ write: TemplateSchema, read: ReadSchema, description: z.string().optional() });

const PluginBase = {
  identity: z.array(z.string().min(1)).min(1).describe('names the DAW reports for this plugin (Ardour plugin name, Live class_name, REAPER FX name)'),
  locate: z.discriminatedUnion('by', [
    z.strictObject({ by: z.literal('fixed'), index: z.number().int().min(0).default(0).describe('{plugin}; the addresses already name the plugin (REAPER fxeq)') }),
    z.strictObject({ by: z.literal('name'), listing: ListingSchema }),
  ]),
  params: ListingSchema.optional().describe('resolves parameter names to {param} (and ranges, when the DAW reports them)'),
  paramWrite: TemplateSchema.optional(),
  paramRead: ReadSchema.optional(),
  enable: ParamSchema.optional().describe('the plugin\'s own on switch: switched on with a push, restored on undo'),
  description: z.string().optional(),
};

/** One EQ band: shape, the params a proposal sets, and fixed settings it needs (band on, filter type). */
export const BandSchema = z.strictObject({
  id: z.union([z.number().int(), z.string()]).describe('{band} in the templates, and the name shown'),
  shape: z.enum(['peaking', 'lowShelf', 'highShelf', 'highPass']),
  frequency: ParamSchema,
  gain: ParamSchema.optional(),
  width: ParamSchema.optional().describe('unit q or octaves (bandwidth); ama converts its Q'),
  set: z.array(z.strictObject({ param: ParamSchema, value: z.number() })).default([]).describe('fixed settings written with the band (band on, filter type), restored on undo'),
});

/** An EQ plugin profile. */
export const EqProfileSchema = z.strictObject({ ...PluginBase, bands: z.array(BandSchema).min(1) });

/** A compressor plugin profile. */
export const CompressorProfileSchema = z.strictObject({
  ...PluginBase,
  controls: z.strictObject({
    thresholdDb: ParamSchema, ratio: ParamSchema, attackMs: ParamSchema, releaseMs: ParamSchema,
    kneeDb: ParamSchema.optional(), makeupDb: ParamSchema.optional(),
  }),
});

/** A DAW mapping file. */
export const MappingSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  daw: z.enum(['reaper', 'ableton', 'ardour']),
  description: z.string(),
  transport: z.strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('where the DAW listens'),
    port: port.describe('the DAW\'s OSC listen port'),
    replyPort: z.number().int().min(0).max(65535).describe('ama listens (and sends from) here; 0: any free port, for a DAW that answers the sender\'s port'),
    handshake: z.array(TemplateSchema).default([]).describe('sent on connect and again whenever the DAW was unreachable'),
    probe: ReadSchema.describe('a question any running DAW answers: decides reachable or unreachable'),
    timeoutMs: z.number().int().min(20).max(10000).default(800),
    settleMs: z.number().int().min(0).max(2000).default(30).describe('pause between a write and its read-back'),
  }),
  trackIndexBase: z.union([z.literal(0), z.literal(1)]),
  master: z.strictObject({
    addressing: z.enum(['dedicated', 'strip', 'track']).describe('dedicated: /master/... addresses; strip: a strip id found by a listing; track: a chosen track'),
    track: z.number().int().min(0).optional().describe('addressing track: the track (in the DAW\'s index base) that carries the mix'),
    strip: z.strictObject({ listing: ListingSchema, name: z.string() }).optional().describe('addressing strip: the listing and the name of the master strip'),
    description: z.string(),
  }),
  controls: z.strictObject({ masterVolume: ControlSchema, masterPan: ControlSchema.optional() }),
  plugins: z.strictObject({ eq: EqProfileSchema.optional(), compressor: CompressorProfileSchema.optional() }),
}).superRefine((m, ctx) => {
  if (m.master.addressing === 'track' && m.master.track === undefined) ctx.addIssue({ code: 'custom', path: ['master', 'track'], message: 'addressing "track" needs the track index' });
  if (m.master.addressing === 'strip' && !m.master.strip) ctx.addIssue({ code: 'custom', path: ['master', 'strip'], message: 'addressing "strip" needs a listing and the master strip\'s name' });
  for (const [kind, p] of Object.entries(m.plugins)) {
    if (!p) continue;
    const params: Array<[string[], z.infer<typeof ParamSchema>]> = [];
    if ('bands' in p) p.bands.forEach((b, i) => {
      params.push([['bands', String(i), 'frequency'], b.frequency]);
      if (b.gain) params.push([['bands', String(i), 'gain'], b.gain]);
      if (b.width) params.push([['bands', String(i), 'width'], b.width]);
      b.set.forEach((s, j) => params.push([['bands', String(i), 'set', String(j), 'param'], s.param]));
    });
    if ('controls' in p) for (const [k, c] of Object.entries(p.controls)) if (c) params.push([['controls', k], c]);
    if (p.enable) params.push([['enable'], p.enable]);
    for (const [path, q] of params) {
      if (!q.write && !p.paramWrite) ctx.addIssue({ code: 'custom', path: ['plugins', kind, ...path, 'write'], message: 'no write template here and no paramWrite on the plugin' });
      if (!q.read && !p.paramRead) ctx.addIssue({ code: 'custom', path: ['plugins', kind, ...path, 'read'], message: 'no read template here and no paramRead on the plugin' });
      if (q.name !== undefined && !p.params) ctx.addIssue({ code: 'custom', path: ['plugins', kind, ...path, 'name'], message: 'a parameter named here needs the plugin\'s "params" listing to resolve it' });
      if (q.name === undefined && q.index === undefined && !q.write) ctx.addIssue({ code: 'custom', path: ['plugins', kind, ...path], message: 'give the parameter a name, an index, or its own write template' });
    }
  }
});

/** A validated mapping. */
export type Mapping = z.infer<typeof MappingSchema>;
/** One parameter of a mapping. */
export type MappedParam = z.infer<typeof ParamSchema>;
/** An OSC template. */
export type Template = z.infer<typeof TemplateSchema>;
/** A read-back description. */
export type ReadSpec = z.infer<typeof ReadSchema>;
/** A listing description. */
export type Listing = z.infer<typeof ListingSchema>;
/** An encoding. */
export type Encoding = z.infer<typeof EncodingSchema>;
/** An EQ profile. */
export type EqProfile = z.infer<typeof EqProfileSchema>;
/** A compressor profile. */
export type CompressorProfile = z.infer<typeof CompressorProfileSchema>;
