import { constructedMix, captured } from './signals.js';
import { separateDspSync } from '../../../src/separation/dsp.js';
import { sdrDb } from '../../../src/separation/sdr.js';
const c = constructedMix();
const t0 = performance.now();
const r = separateDspSync(c.mix, c.sampleRate);
console.log('ms', performance.now() - t0);
for (const [name, src] of [['tone', c.tone], ['bursts', c.bursts], ['low', c.low]] as const) {
  console.log(name, Object.fromEntries(Object.entries(r.stems).map(([k, v]) => [k, captured(src, v).toFixed(3)])));
}
console.log('sdr vocals', sdrDb(c.tone, r.stems.vocals), 'drums', sdrDb(c.bursts, r.stems.drums), 'bass', sdrDb(c.low, r.stems.bass));
let maxd = 0; for (let ch=0; ch<2; ch++) for (let i=0;i<c.mix[0].length;i++){ const s=r.stems.vocals[ch][i]+r.stems.drums[ch][i]+r.stems.bass[ch][i]+r.stems.other[ch][i]; maxd=Math.max(maxd,Math.abs(s-c.mix[ch][i])); }
console.log('max sum err', maxd);
