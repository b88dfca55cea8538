import { measureSdr, runStemOffsets } from '../../../bench/stemOffsets.js';
const r = await measureSdr(['music000','music003','music004','music007'], 'dsp');
for (const s of r.songs) console.log(s.song, JSON.stringify(Object.fromEntries(Object.entries(s.perStem).map(([k,v])=>[k, v?.toFixed(2)]))), (s.seconds/s.wallSec).toFixed(1)+'x');
if (process.argv[2]) { const c = await runStemOffsets([process.argv[2]], 'dsp', '/tmp/offsets', { log: console.log }); console.log(c.filter(x=>x.verdict==='right').length, '/', c.length); }
