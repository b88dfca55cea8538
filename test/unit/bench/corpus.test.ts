import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../../scripts/corpus/faults.js';
import { measure } from '../../../scripts/corpus/mix.js';
import { channelsInUse, filterChannels, parseMidi } from '../../../scripts/corpus/midi.js';
import { excerptStartSec, roleOf, withProgram } from '../../../scripts/corpus/stems.js';
import { whiteNoise } from '../../../src/audio/generate.js';

const fs = 48000;

/** A format-1 SMF: a tempo track (100 bpm) and one track playing channel 0 and channel 9, with running status. */
function smf(): Uint8Array {
  const tempo = [0x00, 0xff, 0x51, 0x03, 0x09, 0x27, 0xc0, 0x00, 0xff, 0x2f, 0x00]; // 600000 us per quarter
  const notes = [
    0x00, 0xc0, 0x21, // program 33 on channel 0
    0x00, 0x90, 0x28, 0x64, // note on ch 0
    0x60, 0x28, 0x00, // running status: note off (velocity 0) 96 ticks later
    0x00, 0x99, 0x24, 0x70, // note on ch 9 (drums)
    0x81, 0x40, 0x89, 0x24, 0x00, // 192 ticks later, note off ch 9
    0x00, 0xff, 0x2f, 0x00,
  ];
  const chunk = (tag: string, body: number[]) => [...Buffer.from(tag, 'latin1'), 0, 0, (body.length >> 8) & 0xff, body.length & 0xff, ...body];
  return Uint8Array.from([...chunk('MThd', [0, 1, 0, 2, 0, 96]), ...chunk('MTrk', tempo), ...chunk('MTrk', notes)]);
}

describe('MIDI channel filter', () => {
  it('parses running status and variable-length deltas into absolute ticks', () => {
    const m = parseMidi(smf());
    expect(m.division).toBe(96);
    const ticks = m.tracks[1].filter((e) => e.channel !== null).map((e) => [e.tick, e.channel, e.bytes[0]]);
    expect(ticks).toEqual([[0, 0, 0xc0], [0, 0, 0x90], [96, 0, 0x90], [96, 9, 0x99], [288, 9, 0x89]]);
    expect(channelsInUse(m)).toEqual([{ channel: 0, program: 33, notes: 1 }, { channel: 9, program: 0, notes: 1 }]);
  });

  it('keeps the tempo map and one channel\'s events at their ticks, and nothing of the other channels', () => {
    const kept = parseMidi(filterChannels(parseMidi(smf()), new Set([9])));
    expect(kept.tracks).toHaveLength(2);
    expect(kept.tracks[0].some((e) => e.bytes[1] === 0x51)).toBe(true);
    const events = kept.tracks.flat().filter((e) => e.channel !== null);
    expect(events.map((e) => [e.tick, e.channel])).toEqual([[96, 9], [288, 9]]);
    expect(channelsInUse(kept)).toEqual([{ channel: 9, program: 0, notes: 1 }]);
  });

  it('re-programs one channel (a voiced lead) and leaves the others as they were', () => {
    const m = parseMidi(smf());
    const voiced = parseMidi(filterChannels(withProgram(m, 0, 54, 127), new Set([0, 9])));
    expect(channelsInUse(voiced)).toEqual([{ channel: 0, program: 54, notes: 1 }, { channel: 9, program: 0, notes: 1 }]);
    const cc1 = voiced.tracks.flat().filter((e) => e.bytes[0] === 0xb0 && e.bytes[1] === 1);
    expect(cc1.map((e) => [e.tick, e.bytes[2]])).toEqual([[0, 127]]);
    // A channel without a program change gets one at tick 0.
    const drumsVoiced = withProgram(m, 9, 54);
    expect(channelsInUse(drumsVoiced).find((u) => u.channel === 9)?.program).toBe(54);
    expect(channelsInUse(m).find((u) => u.channel === 9)?.program).toBe(0); // the input is not changed
  });

  it('starts the excerpt once every early instrument has entered, in seconds', () => {
    // Last first note at tick 96 = one quarter at 100 bpm = 0.6 s, rounded up.
    expect(excerptStartSec(parseMidi(smf()))).toBe(1);
  });
});

describe('stem roles', () => {
  it('groups by GM channel and program', () => {
    expect(roleOf(9, 0)).toBe('drums');
    expect(roleOf(2, 38)).toBe('bass');
    expect(roleOf(3, 66)).toBe('lead');
    expect(roleOf(1, 53)).toBe('lead');
    expect(roleOf(4, 61)).toBe('other');
    expect(roleOf(0, 0)).toBe('other');
  });
});

/** Level of a sine of `hz` through a fault, relative to its input, dB. */
function sineGainDb(fault: keyof typeof FAULTS, hz: number): number {
  const n = fs * 2;
  const x = Float32Array.from({ length: n }, (_, i) => 0.1 * Math.sin((2 * Math.PI * hz * i) / fs));
  const [y] = FAULTS[fault].apply([x, Float32Array.from(x)], fs);
  const rms = (a: Float32Array) => Math.sqrt(a.subarray(n / 2).reduce((s, v) => s + v * v, 0) / (n / 2));
  return 20 * Math.log10(rms(y) / rms(x));
}

/** Side-to-mid level of planar stereo, dB. */
function sideToMidDb([l, r]: Float32Array[]): number {
  let m = 0, s = 0;
  for (let i = 0; i < l.length; i++) {
    m += (l[i] + r[i]) ** 2;
    s += (l[i] - r[i]) ** 2;
  }
  return 10 * Math.log10(s / m);
}

describe('faults', () => {
  it('shape the spectrum by the stated amounts (RBJ filters, within the filters\' own skirts)', () => {
    expect(sineGainDb('lowUp', 20)).toBeCloseTo(6, 0);
    expect(Math.abs(sineGainDb('lowUp', 5000))).toBeLessThan(0.1);
    expect(sineGainDb('lowDown', 20)).toBeCloseTo(-6, 0);
    expect(sineGainDb('harsh', 3500)).toBeCloseTo(6, 1);
    expect(Math.abs(sineGainDb('harsh', 200))).toBeLessThan(0.2);
    expect(sineGainDb('dull', 18000)).toBeCloseTo(-6, 0);
    expect(Math.abs(sineGainDb('dull', 300))).toBeLessThan(0.1);
  });

  it('change the width and the level by the stated dB', () => {
    const noise = whiteNoise({ rmsDbfs: -20, durationSec: 3, sampleRate: fs, channels: 2, seed: 3 });
    const before = sideToMidDb(noise);
    expect(sideToMidDb(FAULTS.narrow.apply(noise, fs)) - before).toBeCloseTo(-9, 0);
    expect(sideToMidDb(FAULTS.wide.apply(noise, fs)) - before).toBeCloseTo(6, 0);
    const lufs = measure(noise, fs).integratedLufs!;
    expect(measure(FAULTS.quiet.apply(noise, fs), fs).integratedLufs! - lufs).toBeCloseTo(-10, 1);
    const loud = FAULTS.loud.apply(noise.map((c) => c.map((v) => v * 8)), fs);
    expect(loud.reduce((m, c) => c.reduce((a, v) => Math.max(a, Math.abs(v)), m), 0)).toBe(1);
  });

  it('squash the peaks while the loudness stays where it was', () => {
    // Noise bursts with a quiet bed: a drum-like crest factor.
    const noise = whiteNoise({ rmsDbfs: -20, durationSec: 6, sampleRate: fs, channels: 2, seed: 5 });
    const bursts = noise.map((c) => c.map((v, i) => v * (i % 24000 < 2400 ? 4 : 0.5)));
    const before = measure(bursts, fs);
    const after = measure(FAULTS.squashed.apply(bursts, fs), fs);
    expect(after.integratedLufs!).toBeCloseTo(before.integratedLufs!, 1);
    expect(before.plrDb! - after.plrDb!).toBeGreaterThan(4);
  });
});
