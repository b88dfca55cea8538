import { roleMix, roleStems } from '../../../scripts/corpus/roleMix.js';
import { corpus } from '../../../scripts/corpus/stems.js';
import { separateDspSync } from '../../../src/separation/dsp.js';
import { captured } from './signals.js';
for (const song of await corpus([process.argv[2] ?? 'music000'])) {
  const rs = await roleStems(song);
  const { mix, sources } = roleMix(rs);
  const t0 = performance.now();
  const set = separateDspSync(mix, rs.sampleRate);
  console.log('sec', (performance.now()-t0)/1000);
  for (const [role, src] of Object.entries(sources)) {
    let l=0,r=0; for (let i=0;i<src![0].length;i++){l+=src![0][i]**2; r+=src![1][i]**2;}
    console.log(role, 'pan', ((r-l)/(r+l)).toFixed(2), Object.fromEntries(Object.entries(set.stems).map(([k, v]) => [k, captured(src!, v).toFixed(2)])));
  }
}
