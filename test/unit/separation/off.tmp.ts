import { runStemOffsets } from '../../../bench/stemOffsets.js';
const c = await runStemOffsets(process.argv.slice(2), 'dsp', '/tmp/offsets', { log: console.log });
console.log(c.filter(x=>x.verdict==='right').length, '/', c.length, 'wrong', c.filter(x=>x.verdict==='wrong').length);
