import { createRequire } from 'node:module';
import { AmaError } from '../../util/errors.js';

// osc-js is a UMD bundle whose module.exports is the OSC class; its typings describe it as a default export.
interface OscJsApi {
  TypedMessage: new (address: string, args: unknown[]) => { pack(): Uint8Array };
  Packet: new () => { value: unknown; unpack(view: DataView): number };
}
const OSC = createRequire(import.meta.url)('osc-js') as OscJsApi;

/**
 * OSC encoding, separate from sockets. Every argument carries its type tag: osc-js's untyped
 * Message sends a whole-number JS number as int32 (1.0 goes out as `i`), which DAWs such as
 * Ardour silently ignore where they expect a float. Decoding flattens bundles and turns int64
 * (BigInt) arguments into numbers, so replies can be logged as JSON.
 */

/** OSC type tags ama sends and reads: int32, float32, string, double, int64, true, false, nil. */
export type OscType = 'i' | 'f' | 's' | 'd' | 'h' | 'T' | 'F' | 'N';

/** One typed argument. */
export type OscArg =
  | { type: 'i' | 'f' | 'd' | 'h'; value: number }
  | { type: 's'; value: string }
  | { type: 'T' | 'F' | 'N'; value: null };

/** One OSC message: an address starting with `/` and typed arguments. */
export interface OscMessage {
  address: string;
  args: OscArg[];
}

/** Shorthands for typed arguments. */
export const int = (value: number): OscArg => ({ type: 'i', value });
/** A float32 argument (use this for every fader, gain or plugin value). */
export const float = (value: number): OscArg => ({ type: 'f', value });
/** A string argument. */
export const str = (value: string): OscArg => ({ type: 's', value });

/** The arguments' values as plain JS (numbers and strings; null for T/F/N). */
export function argValues(m: OscMessage): Array<number | string | null> {
  return m.args.map((a) => a.value);
}

/** The type tag string of a message, without the comma (`iif`). */
export function typeTags(m: OscMessage): string {
  return m.args.map((a) => a.type).join('');
}

/** Encodes a message; throws AmaError BAD_OSC for an address without `/`, a non-finite number or an int out of range. */
export function encodeOsc(m: OscMessage): Uint8Array {
  if (typeof m.address !== 'string' || !m.address.startsWith('/')) throw new AmaError('BAD_OSC', `OSC address ${JSON.stringify(m.address)} must start with "/".`);
  const args = m.args.map((a, i) => {
    if (a.type === 'i' && (!Number.isInteger(a.value) || a.value < -2147483648 || a.value > 2147483647)) {
      throw new AmaError('BAD_OSC', `${m.address} argument ${i + 1}: int32 expected, got ${a.value}.`);
    }
    if ((a.type === 'f' || a.type === 'd') && !Number.isFinite(a.value)) throw new AmaError('BAD_OSC', `${m.address} argument ${i + 1}: a finite number is required, got ${a.value}.`);
    if (a.type === 'h') return { type: 'h', value: BigInt(Math.trunc(a.value)) };
    if (a.type === 'T') return { type: 'T', value: true };
    if (a.type === 'F') return { type: 'F', value: false };
    if (a.type === 'N') return { type: 'N', value: null };
    return { type: a.type, value: a.value };
  });
  return new OSC.TypedMessage(m.address, args).pack();
}

interface RawMessage { address: string; types: string; args: unknown[] }
interface RawBundle { bundleElements: Array<RawMessage | RawBundle> }

/** Decodes one UDP datagram (a message or a bundle, flattened); throws AmaError BAD_OSC when it is not valid OSC. */
export function decodeOsc(data: Uint8Array): OscMessage[] {
  const packet = new OSC.Packet();
  try {
    packet.unpack(new DataView(data.buffer, data.byteOffset, data.byteLength));
  } catch (err) {
    throw new AmaError('BAD_OSC', `Malformed OSC packet (${data.byteLength} bytes): ${err instanceof Error ? err.message : String(err)}.`);
  }
  const out: OscMessage[] = [];
  const walk = (v: RawMessage | RawBundle): void => {
    if ('bundleElements' in v) {
      for (const e of v.bundleElements) walk(e);
      return;
    }
    const types = (v.types ?? ',').replace(/^,/, '');
    const args: OscArg[] = [];
    for (let i = 0; i < types.length; i++) args.push(toArg(types[i], v.args[i], v.address));
    out.push({ address: v.address, args });
  };
  walk(packet.value as unknown as RawMessage | RawBundle);
  return out;
}

function toArg(t: string, value: unknown, address: string): OscArg {
  switch (t) {
    case 'i': case 'f': case 'd': return { type: t, value: Number(value) };
    case 'h': case 't': return { type: 'h', value: Number(value as bigint) }; // int64 replies (Ardour): BigInt -> number
    case 's': return { type: 's', value: String(value) };
    case 'T': case 'F': case 'N': case 'I': return { type: t === 'I' ? 'N' : t, value: null };
    case 'b': return { type: 's', value: `<blob ${(value as Uint8Array)?.byteLength ?? 0} bytes>` };
    default: throw new AmaError('BAD_OSC', `${address}: unsupported OSC type tag "${t}".`);
  }
}

/** A message as one readable line: `/strip/gain i:2 f:-3.5`. */
export function formatOsc(m: OscMessage): string {
  return [m.address, ...m.args.map((a) => `${a.type}:${a.value === null ? '' : a.type === 's' ? JSON.stringify(a.value) : a.value}`)].join(' ');
}
