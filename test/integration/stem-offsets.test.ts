import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureSdr, runStemOffsets } from '../../bench/stemOffsets.js';
import { skipWithout } from '../helpers/cli.js';

/**
 * The stems agent and the dsp separator on real rendered multitrack material (the efficacy corpus:
 * a planetblupi MIDI song rendered one instrument at a time by fluidsynth). The truth is the stems
 * themselves: SDR against the true role stems, and the direction of a known +-6 dB role offset.
 * The full matrix (4 songs, +-3 and +-6 dB, any separator) is `node dist/bench/efficacy.js stems`.
 */
const skip = await skipWithout('fluidsynth');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-stem-offsets-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.skipIf(skip)('stems on rendered multitrack material (dsp)', () => {
  it('separates drums and bass better than silence would (SDR > 0 dB against the true stems)', async () => {
    const { songs } = await measureSdr(['music003'], 'dsp');
    expect(songs[0].perStem.drums!).toBeGreaterThan(1);
    expect(songs[0].perStem.bass!).toBeGreaterThan(1);
    // Speed is not asserted here (tests assert no wall-clock times): `npm run bench -- separation` measures it.
  }, 300_000);

  it('gets the direction of +-6 dB bass and drums offsets right, and never proposes the wrong direction', async () => {
    const cases = await runStemOffsets(['music003'], 'dsp', work, { offsets: [-6, 6] });
    const bd = cases.filter((c) => c.role === 'bass' || c.role === 'drums');
    expect(bd).toHaveLength(4);
    for (const c of bd) expect(c.verdict, `${c.role} ${c.offsetDb} dB -> ${c.proposedDb}`).toBe('right');
    expect(cases.filter((c) => c.verdict === 'wrong')).toEqual([]);
  }, 600_000);
});
