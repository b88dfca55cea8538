import { FAULT_NAMES, FAULTS, type FaultName } from '../scripts/corpus/faults.js';
import type { TargetDistance } from '../src/reference/distance.js';
import type { Suggestion } from '../src/suggest/types.js';
import { heading } from './common.js';
import { aspectDistance, magnitudeDb, shortMove, type Verdict } from './efficacyRules.js';

/** The issue's targets. */
export const TARGETS = {
  /** Share of relevant proposals in the right direction, at least. */
  rightShare: 0.9,
  /** Distance after / before on tonal and stereo faults, at most. */
  distanceRatio: 0.5,
  /** |integrated loudness - target| after apply, at most, LU. */
  loudnessLu: 0.5,
  /** Largest move proposed for a balanced mix, dB. */
  falseAlarmDb: 1,
} as const;

/** One mix of one song through suggest and apply. */
export interface CaseResult {
  song: string;
  fault: FaultName | 'balanced';
  suggestions: Suggestion[];
  /** Verdict per suggestion (empty for balanced mixes). */
  verdicts: Verdict[];
  /** Distance to the truth (the song's balanced mix) before and after apply. */
  before: TargetDistance;
  after: TargetDistance;
  /** Distance to the references' target before and after apply (what `ama apply` prints). */
  beforeRefs: TargetDistance;
  afterRefs: TargetDistance;
  /** What the render-time trim added to the level move, dB: the engine's level prediction error. */
  trimDb: number;
  samplePeakDbfs: number | null;
  suggestSec: number;
  applySec: number;
}

/** All cases of one reference set. */
export interface SetResult {
  set: 'variants' | 'songs';
  cases: CaseResult[];
}

const DESCRIPTION = {
  variants: 'references = 3 balance variants of the same song (stem roles +-1.5 dB); truth = its balanced mix',
  songs: 'references = the balanced mixes of the 3 other songs; truth = the song\'s own balanced mix',
};
const f2 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(2));
const mean = (xs: Array<number | null>) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};
const pass = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const MARK: Record<Verdict, string> = { right: '+', wrong: '-', other: '.' };

/** Counts of verdicts over some cases. */
function tally(cases: CaseResult[]): { right: number; wrong: number; other: number } {
  const t = { right: 0, wrong: 0, other: 0 };
  for (const c of cases) for (const v of c.verdicts) t[v]++;
  return t;
}

/** Per fault: mean distance before and after on the fault's aspect, and their ratio (to the truth, or to the references' target). */
function distances(cases: CaseResult[], fault: FaultName, to: 'truth' | 'refs' = 'truth'): { before: number | null; after: number | null; ratio: number | null } {
  const aspect = FAULTS[fault].aspect;
  const before = mean(cases.map((c) => aspectDistance(aspect, to === 'truth' ? c.before : c.beforeRefs)));
  const after = mean(cases.map((c) => aspectDistance(aspect, to === 'truth' ? c.after : c.afterRefs)));
  return { before, after, ratio: before && after !== null ? after / before : null };
}

/** Moves over the false-alarm limit in a balanced mix's proposals. */
function bigMoves(c: CaseResult): Suggestion[] {
  return c.suggestions.filter((s) => magnitudeDb(s, c.samplePeakDbfs) > TARGETS.falseAlarmDb);
}

/** Prints one reference set: the per-fault table, each case's proposals, the false alarms. */
export function printSet(r: SetResult): void {
  heading(`efficacy: ${DESCRIPTION[r.set]}`);
  console.log('distances on the fault\'s aspect (dB; LU for level), mean over the songs: to the truth, and to the references\' target (what `ama apply` prints)');
  console.log('fault     aspect    right wrong other share | truth before -> after  ratio | refs before -> after  ratio | truth per song');
  for (const fault of FAULT_NAMES) {
    const cases = r.cases.filter((c) => c.fault === fault);
    const t = tally(cases);
    const share = t.right + t.wrong ? `${((100 * t.right) / (t.right + t.wrong)).toFixed(0)}%` : 'n/a';
    const d = distances(cases, fault);
    const dr = distances(cases, fault, 'refs');
    const aspect = FAULTS[fault].aspect;
    const perSong = cases.map((c) => `${f2(aspectDistance(aspect, c.before))}->${f2(aspectDistance(aspect, c.after))}`).join(' ');
    const cols = [String(t.right).padStart(5), String(t.wrong).padStart(5), String(t.other).padStart(5), share.padStart(5)].join(' ');
    const dist = (x: typeof d) => `${f2(x.before).padStart(12)} -> ${f2(x.after).padEnd(5)} ${f2(x.ratio).padStart(6)}`;
    console.log(`${fault.padEnd(9)} ${aspect.padEnd(9)} ${cols} | ${dist(d)} | ${dist(dr).slice(1)} | ${perSong}`);
  }
  console.log('\nproposals per case (+ right direction, - wrong, . elsewhere); tonal/stereo/dynamics dB and loudness LU to the truth, before -> after:');
  for (const c of r.cases.filter((x) => x.fault !== 'balanced')) {
    const moves = c.suggestions.map((s, i) => `${MARK[c.verdicts[i]]}${shortMove(s)}`).join('; ');
    const d = (k: keyof TargetDistance) => `${f2(c.before[k])}->${f2(c.after[k])}`;
    console.log(`  ${c.song} ${c.fault.padEnd(9)} tonal ${d('tonalDb')} stereo ${d('stereoDb')} dyn ${d('dynamicsDb')} LU ${d('loudnessLu')} TPover ${f2(c.after.truePeakOverDb)} trim ${f2(c.trimDb)} | ${moves || '(none)'}`);
  }
  console.log(`\nfalse alarms: proposals for each balanced mix (moves over ${TARGETS.falseAlarmDb} dB marked !, sizes in dB):`);
  for (const c of r.cases.filter((x) => x.fault === 'balanced')) {
    const list = c.suggestions.map((s) => {
      const m = magnitudeDb(s, c.samplePeakDbfs);
      return s.kind === 'note' ? shortMove(s) : `${m > TARGETS.falseAlarmDb ? '!' : ''}${shortMove(s)} (${Number.isFinite(m) ? m.toFixed(1) : 'no dB size'})`;
    });
    const d = (k: keyof TargetDistance) => `${f2(c.before[k])}->${f2(c.after[k])}`;
    console.log(`  ${c.song} ${bigMoves(c).length} over ${TARGETS.falseAlarmDb} dB; tonal ${d('tonalDb')} stereo ${d('stereoDb')} dyn ${d('dynamicsDb')} after apply | ${list.join('; ') || '(none)'}`);
  }
}

/** Prints PASS/MISS against the issue's targets, per reference set, and the timings. */
export function printSummary(results: SetResult[], time: { corpusSec: number; totalSec: number }): void {
  heading('efficacy summary against the targets of issue 4');
  for (const r of results) {
    const faulty = r.cases.filter((c) => c.fault !== 'balanced');
    const t = tally(faulty);
    const share = t.right + t.wrong ? t.right / (t.right + t.wrong) : 0;
    const missed = faulty.filter((c) => !c.verdicts.includes('right')).map((c) => `${c.song}/${c.fault}`);
    console.log(`[${r.set}] ${DESCRIPTION[r.set]}`);
    console.log(`  right direction >= ${TARGETS.rightShare * 100}%: ${(share * 100).toFixed(0)}% (${t.right} of ${t.right + t.wrong} relevant proposals; ${t.other} elsewhere) ${pass(share >= TARGETS.rightShare)}`);
    console.log(`    faulty mixes with no proposal that undoes the fault: ${missed.length ? missed.join(', ') : 'none'}`);
    const halved = FAULT_NAMES.filter((f) => FAULTS[f].aspect === 'tonal' || FAULTS[f].aspect === 'stereo').map((f) => ({ f, ...distances(r.cases.filter((c) => c.fault === f), f) }));
    const halvedOk = halved.every((h) => h.ratio !== null && h.ratio <= TARGETS.distanceRatio);
    console.log(`  tonal and stereo distance at least halved (after/before <= ${TARGETS.distanceRatio}): ${halved.map((h) => `${h.f} ${f2(h.ratio)}`).join(', ')} ${pass(halvedOk)}`);
    const level = faulty.filter((c) => FAULTS[c.fault as FaultName].aspect === 'level');
    const levelOk = level.filter((c) => c.after.loudnessLu !== null && c.after.loudnessLu <= TARGETS.loudnessLu && c.after.truePeakOverDb === 0);
    const levelText = level.map((c) => `${c.song}/${c.fault} ${f2(c.after.loudnessLu)} LU, TP over ${f2(c.after.truePeakOverDb)}`).join('; ');
    console.log(`  loudness within ${TARGETS.loudnessLu} LU of the target, true peak at or under -1 dBTP after apply: ${levelOk.length} of ${level.length} ${pass(levelOk.length === level.length)}`);
    console.log(`    ${levelText}`);
    const allOk = r.cases.filter((c) => c.after.truePeakOverDb === 0).length;
    console.log(`    (true peak at or under the ceiling after apply in ${allOk} of ${r.cases.length} mixes of every kind)`);
    const trims = r.cases.map((c) => Math.abs(c.trimDb));
    const worst = r.cases.reduce((a, c) => (Math.abs(c.trimDb) > Math.abs(a.trimDb) ? c : a));
    console.log(`    (level trim at render time, the engine's loudness prediction error: mean |trim| ${f2(mean(trims))} dB, largest ${f2(worst.trimDb)} dB on ${worst.song}/${worst.fault})`);
    const balanced = r.cases.filter((c) => c.fault === 'balanced');
    const over = balanced.flatMap((c) => bigMoves(c).map((s) => `${c.song}: ${shortMove(s)}`));
    console.log(`  no proposal over ${TARGETS.falseAlarmDb} dB for a balanced mix: ${over.length} over in ${balanced.length} mixes ${pass(over.length === 0)}`);
    const dyn = distances(r.cases.filter((c) => c.fault === 'squashed'), 'squashed');
    console.log(`  (no target) over-compression, dynamics distance ${f2(dyn.before)} -> ${f2(dyn.after)} dB (PLR, PSR and crest read peaks: moves that shift phase, EQ and width, let limited peaks grow back)`);
    const sug = r.cases.reduce((a, c) => a + c.suggestSec, 0), app = r.cases.reduce((a, c) => a + c.applySec, 0);
    console.log(`  time: suggest ${sug.toFixed(1)} s, apply + measure ${app.toFixed(1)} s over ${r.cases.length} mixes`);
  }
  console.log(`\ncorpus ${time.corpusSec.toFixed(1)} s, total ${time.totalSec.toFixed(1)} s`);
}
