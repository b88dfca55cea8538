/**
 * A minimal Standard MIDI File reader and channel filter, enough to render one instrument of a song
 * at a time. Events are kept as raw bytes with their absolute tick, so a filtered file replays the
 * kept events exactly as the original did (same tempo map, same timing).
 */

/** One event of a track: absolute time in ticks and its bytes as they would be written (status included). */
export interface MidiEvent {
  tick: number;
  /** Channel 0..15 of a channel message; null for meta and sysex events. */
  channel: number | null;
  bytes: Uint8Array;
}

/** A parsed SMF: format, time division and tracks of events. */
export interface MidiFile {
  format: number;
  division: number;
  tracks: MidiEvent[][];
}

/** What one MIDI channel plays: its first program and how many notes. */
export interface ChannelUse {
  channel: number;
  /** GM program 0..127 of the first program change (0 when none). */
  program: number;
  notes: number;
}

const DATA_BYTES = [2, 2, 2, 2, 1, 1, 2]; // per status nibble 0x8..0xE

function readVarLen(b: Uint8Array, pos: { p: number }): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = b[pos.p++];
    v = (v << 7) | (c & 0x7f);
    if (!(c & 0x80)) return v;
  }
  throw new Error(`MIDI variable-length number longer than 4 bytes at byte ${pos.p}`);
}

function writeVarLen(v: number, out: number[]): void {
  const bytes = [v & 0x7f];
  for (v >>>= 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80);
  out.push(...bytes);
}

/** Parses an SMF (format 0 or 1); running status is expanded so every event carries its status byte. */
export function parseMidi(buf: Uint8Array): MidiFile {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (at: number) => String.fromCharCode(...buf.subarray(at, at + 4));
  if (tag(0) !== 'MThd') throw new Error('not a Standard MIDI File: no MThd header');
  const format = dv.getUint16(8);
  const ntracks = dv.getUint16(10);
  const division = dv.getUint16(12);
  if (division & 0x8000) throw new Error('SMPTE time division is not supported');
  const tracks: MidiEvent[][] = [];
  let at = 8 + dv.getUint32(4);
  while (tracks.length < ntracks && at + 8 <= buf.length) {
    const len = dv.getUint32(at + 4);
    const end = Math.min(buf.length, at + 8 + len);
    if (tag(at) === 'MTrk') tracks.push(parseTrack(buf.subarray(at + 8, end)));
    at = end;
  }
  return { format, division, tracks };
}

function parseTrack(b: Uint8Array): MidiEvent[] {
  const events: MidiEvent[] = [];
  const pos = { p: 0 };
  let tick = 0;
  let running = 0;
  while (pos.p < b.length) {
    tick += readVarLen(b, pos);
    let status = b[pos.p];
    if (status & 0x80) pos.p++;
    else if (running) status = running;
    else throw new Error(`MIDI data byte without a running status at byte ${pos.p}`);
    if (status === 0xff) {
      const type = b[pos.p++];
      const start = pos.p;
      const len = readVarLen(b, pos);
      const body = b.subarray(start, pos.p + len);
      pos.p += len;
      events.push({ tick, channel: null, bytes: Uint8Array.of(0xff, type, ...body) });
      if (type === 0x2f) break;
    } else if (status === 0xf0 || status === 0xf7) {
      const start = pos.p;
      const len = readVarLen(b, pos);
      pos.p += len;
      events.push({ tick, channel: null, bytes: Uint8Array.of(status, ...b.subarray(start, pos.p)) });
    } else {
      running = status;
      const n = DATA_BYTES[(status >> 4) - 8];
      events.push({ tick, channel: status & 0x0f, bytes: Uint8Array.of(status, ...b.subarray(pos.p, pos.p + n)) });
      pos.p += n;
    }
  }
  return events;
}

/** Which channels play notes, with their first program, in channel order. */
export function channelsInUse(midi: MidiFile): ChannelUse[] {
  const use = new Map<number, ChannelUse>();
  const events = midi.tracks.flat().sort((a, b) => a.tick - b.tick);
  for (const e of events) {
    if (e.channel === null) continue;
    const u = use.get(e.channel) ?? { channel: e.channel, program: -1, notes: 0 };
    use.set(e.channel, u);
    const kind = e.bytes[0] >> 4;
    if (kind === 0xc && u.program < 0) u.program = e.bytes[1];
    if (kind === 0x9 && e.bytes[2] > 0) u.notes++;
  }
  return [...use.values()].filter((u) => u.notes > 0).map((u) => ({ ...u, program: Math.max(0, u.program) })).sort((a, b) => a.channel - b.channel);
}

/**
 * A format-1 SMF with every meta and sysex event (tempo, time signature, GM reset) and only the
 * channel messages of `keep`: the song as it sounds with all other instruments muted.
 */
export function filterChannels(midi: MidiFile, keep: ReadonlySet<number>): Uint8Array {
  const out: number[] = [];
  const u16 = (v: number) => out.push((v >> 8) & 0xff, v & 0xff);
  const u32 = (v: number) => out.push((v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  out.push(...[0x4d, 0x54, 0x68, 0x64]);
  u32(6);
  u16(1);
  u16(midi.tracks.length);
  u16(midi.division);
  for (const track of midi.tracks) {
    const body: number[] = [];
    let last = 0;
    for (const e of track) {
      if (e.channel !== null && !keep.has(e.channel)) continue;
      if (e.bytes[0] === 0xff && e.bytes[1] === 0x2f) continue;
      writeVarLen(e.tick - last, body);
      last = e.tick;
      body.push(...e.bytes);
    }
    const endTick = track.length ? track[track.length - 1].tick : 0;
    writeVarLen(Math.max(0, endTick - last), body);
    body.push(0xff, 0x2f, 0x00);
    out.push(...[0x4d, 0x54, 0x72, 0x6b]);
    u32(body.length);
    for (const x of body) out.push(x);
  }
  return Uint8Array.from(out);
}
