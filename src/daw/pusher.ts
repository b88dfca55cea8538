import type { Suggestion } from '../suggest/types.js';
import { AmaError, errorMessage } from '../util/errors.js';
import { formatOsc, type OscMessage } from '../transport/osc/codec.js';
import { AuditLog, type AuditOp } from './audit.js';
import { encodeValue } from './encoding.js';
import { DawLink, labelOf, type Listed, type ReadValue, type Vars } from './link.js';
import type { CompressorProfile, EqProfile, Mapping, MappedParam, ReadSpec, Template } from './mappingSchema.js';
import { chooseBand, clampTo, pushTarget, widthValue, type BandState } from './plan.js';

/** One control a push sets: where, how, and its target in ama's unit from the value read before. */
interface Op {
  label: string;
  param: MappedParam;
  write: Template;
  read: ReadSpec;
  vars: Vars;
  range?: { min: number; max: number };
  target: (before: number) => number;
}

/** What a push did to one control (kept for undo). */
interface Done { op: Op; before: ReadValue }

/** The outcome of a push or an undo, with a sentence for the board. */
export interface PushResult { outcome: 'applied' | 'failed' | 'refused'; message: string }

/** Reachability for the status message. */
export interface DawStatus { daw: string; host: string; port: number; reachable: boolean | null; message: string | null }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number) => Math.round(v * 100) / 100;

/**
 * Pushes approved proposals into a DAW through its mapping: read the current values (kept for
 * undo), write, read back and compare within the mapping's tolerance. Undo writes back what was
 * read. Every step goes to the audit log. Pushes and undos run one at a time, in order. The
 * pusher never writes for a proposal the caller has not approved: the daemon calls push() only
 * after the board accepted an approve.
 */
export class DawPusher {
  readonly link: DawLink;
  private readonly done = new Map<string, Done[]>();
  private readonly bandOf = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private monitor: NodeJS.Timeout | null = null;
  private lastReachable: boolean | null = null;

  constructor(readonly mapping: Mapping, private readonly o: { host?: string; port?: number; audit?: AuditLog; mappingName?: string; log?: (line: string) => void; onStatus?: () => void; onSend?: (m: OscMessage) => void } = {}) {
    this.link = new DawLink(mapping, { host: o.host, port: o.port, log: o.log, onSend: o.onSend });
  }

  /** Opens the link and checks reachability (never throws for an absent DAW); re-checks every `checkEveryMs`. */
  async start(checkEveryMs = 5000): Promise<void> {
    await this.link.start();
    const { host, port } = this.link.target;
    this.audit({ event: 'session', daw: this.mapping.daw, host, port, mapping: this.o.mappingName ?? this.mapping.daw });
    await this.checkNow();
    if (checkEveryMs > 0) {
      this.monitor = setInterval(() => void this.serial(() => this.checkNow()).catch(() => {}), checkEveryMs);
      this.monitor.unref();
    }
  }

  /** Stops the checks and closes the link (after the running push). */
  async stop(): Promise<void> {
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = null;
    await this.queue.catch(() => {});
    await this.link.stop();
  }

  /** The DAW's reachability, for the status message. */
  status(): DawStatus {
    const { host, port } = this.link.target;
    return { daw: this.mapping.daw, host, port, reachable: this.link.reachable, message: this.link.problem };
  }

  /** Pushes an approved proposal; resolves with applied, failed (with the values) or refused (not pushable, nothing written). */
  push(s: Suggestion): Promise<PushResult> {
    return this.serial(() => this.pushNow(s));
  }

  /** Restores what a push of `key` read before writing; `nothing` when nothing was written. */
  undo(key: string): Promise<{ outcome: 'restored' | 'failed' | 'nothing'; message: string }> {
    return this.serial(() => this.undoNow(key));
  }

  /** Whether a push of this key wrote something that undo would restore. */
  hasWritten(key: string): boolean {
    return this.done.has(key);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async checkNow(): Promise<void> {
    const ok = await this.link.check();
    if (ok !== this.lastReachable) {
      this.lastReachable = ok;
      this.audit({ event: 'reachability', reachable: ok, message: this.link.problem });
      this.o.onStatus?.();
    }
  }

  private async pushNow(s: Suggestion): Promise<PushResult> {
    const t = pushTarget(s, this.mapping);
    if (!t.ok) {
      this.audit({ event: 'refused', key: s.key, reason: t.reason });
      return { outcome: 'refused', message: t.reason };
    }
    let where = '';
    const ops: AuditOp[] = [];
    const written: Done[] = [];
    try {
      await this.link.ensure();
      if (this.lastReachable !== true) await this.checkNow();
      let plan: { where: string; ops: Op[] };
      if (t.target === 'masterVolume') plan = await this.volumeOps(s.kind === 'gain' ? s.params.gainDb : s.kind === 'limiter' ? s.params.inputGainDb : 0);
      else if (t.target === 'masterPan') plan = await this.panOps(s.kind === 'balance' ? s.params.balanceDb : 0);
      else if (t.target === 'eq' && s.kind === 'eqBand') plan = await this.eqOps(s);
      else if (t.target === 'compressor' && s.kind === 'compressor') plan = await this.compOps(s);
      else throw new AmaError('INTERNAL', `No plan for ${s.kind}.`);
      where = plan.where;
      // 1. read everything first: nothing is written unless every value could be read (undo needs them)
      const befores: ReadValue[] = [];
      for (const op of plan.ops) {
        const b = await this.link.read(op.read, op.vars, op.param.encoding);
        if (!b) throw new AmaError('DAW_PUSH', `${labelOf(this.mapping.daw)} did not answer when ama read ${op.label}; nothing was written.`);
        befores.push(b);
      }
      // 2. write, clamped to each parameter's range
      const clampedNotes: string[] = [];
      for (const [i, op] of plan.ops.entries()) {
        const before = befores[i];
        const requested = op.target(before.value);
        const { value, clamped } = clampTo(requested, op.range);
        if (clamped) clampedNotes.push(`${op.label} clamped from ${round(requested)} to ${round(value)} ${op.param.unit} (its range is ${round(op.range!.min)}..${round(op.range!.max)})`);
        const wire = op.param.unit === 'switch' || op.param.unit === 'choice' ? Math.round(encodeValue(op.param.encoding, value)) : encodeValue(op.param.encoding, value);
        const m = await this.link.write(op.write, { ...op.vars, value: wire });
        written.push({ op, before });
        ops.push({ control: op.label, unit: op.param.unit, before: { wire: before.wire, value: before.value }, requested, clamped, sent: { wire, value, message: formatOsc(m) } });
      }
      this.done.set(s.key, written);
      await sleep(this.mapping.transport.settleMs);
      // 3. read back and compare
      const bad: string[] = [];
      for (const [i, op] of plan.ops.entries()) {
        const rb = await this.link.read(op.read, op.vars, op.param.encoding);
        const want = ops[i].sent!.value as number;
        const ok = rb !== null && Math.abs(rb.value - want) <= op.param.tolerance;
        ops[i].readBack = rb ? { wire: rb.wire, value: rb.value } : null;
        ops[i].ok = ok;
        if (!ok) bad.push(`${op.label}: sent ${round(want)}, read back ${rb ? round(rb.value) : 'nothing'}`);
      }
      const changed = ops.filter((o) => o.before && o.sent && Math.abs((o.before.value ?? 0) - (o.sent.value ?? 0)) > 1e-9 && o.unit !== 'switch' && o.unit !== 'choice')
        .map((o) => `${o.control} ${round(o.before!.value!)}→${round(o.sent!.value!)}`);
      const extra = s.kind === 'limiter' ? '; the ceiling and release are not pushed: set them on your limiter' : '';
      const notes = clampedNotes.length ? `; ${clampedNotes.join('; ')}` : '';
      const result: PushResult = bad.length
        ? { outcome: 'failed', message: `${where}: read-back differs (${bad.join('; ')})${notes}; undo restores the values read before` }
        : { outcome: 'applied', message: `${where}: ${changed.join(', ') || 'already at these values'}${notes}${extra}` };
      this.audit({ event: 'push', key: s.key, suggestion: s, where, outcome: result.outcome === 'applied' ? 'applied' : 'failed', message: result.message, ops });
      return result;
    } catch (err) {
      const message = errorMessage(err);
      if (err instanceof AmaError && err.code === 'DAW_UNREACHABLE') this.o.onStatus?.();
      this.audit({ event: 'push', key: s.key, suggestion: s, where: where || 'nothing', outcome: 'failed', message, ops });
      return { outcome: 'failed', message: written.length ? `${message}; undo restores the values read before` : message };
    }
  }

  private async undoNow(key: string): Promise<{ outcome: 'restored' | 'failed' | 'nothing'; message: string }> {
    const written = this.done.get(key);
    if (!written?.length) {
      this.audit({ event: 'undo', key, outcome: 'nothing', message: 'nothing was written for it', ops: [] });
      return { outcome: 'nothing', message: 'nothing was written for it' };
    }
    const ops: AuditOp[] = [];
    const bad: string[] = [];
    try {
      for (const { op, before } of [...written].reverse()) {
        const wire = typeof before.wire === 'number' && op.read.reply.decode === 'wire' ? before.wire : encodeValue(op.param.encoding, before.value);
        const m = await this.link.write(op.write, { ...op.vars, value: wire });
        ops.push({ control: op.label, unit: op.param.unit, sent: { wire, value: before.value, message: formatOsc(m) } });
      }
      await sleep(this.mapping.transport.settleMs);
      for (const [i, { op, before }] of [...written].reverse().entries()) {
        const rb = await this.link.read(op.read, op.vars, op.param.encoding);
        const ok = rb !== null && Math.abs(rb.value - before.value) <= op.param.tolerance;
        ops[i].readBack = rb ? { wire: rb.wire, value: rb.value } : null;
        ops[i].ok = ok;
        if (!ok) bad.push(`${op.label}: restored ${round(before.value)}, read back ${rb ? round(rb.value) : 'nothing'}`);
      }
    } catch (err) {
      bad.push(errorMessage(err));
    }
    if (bad.length === 0) this.done.delete(key);
    const res = bad.length ? { outcome: 'failed' as const, message: `undo not confirmed: ${bad.join('; ')}` } : { outcome: 'restored' as const, message: `restored ${ops.map((o) => `${o.control} ${round(o.sent!.value!)}`).join(', ')}` };
    this.audit({ event: 'undo', key, outcome: res.outcome, message: res.message, ops });
    return res;
  }

  /** Variables that address the master: {track} or {ssid}. */
  private async masterVars(): Promise<Vars> {
    const m = this.mapping.master;
    if (m.addressing === 'track') return { track: m.track! };
    if (m.addressing === 'strip') {
      const strips = await this.link.list(m.strip!.listing, {});
      const hit = strips.find((e) => e.name === m.strip!.name);
      if (!hit) throw new AmaError('DAW_PUSH', `${labelOf(this.mapping.daw)} listed no strip named "${m.strip!.name}"; enable the master in the OSC strip types (see docs/daw.md).`);
      return { ssid: hit.index };
    }
    return {};
  }

  private async volumeOps(deltaDb: number): Promise<{ where: string; ops: Op[] }> {
    const c = this.mapping.controls.masterVolume;
    const vars = await this.masterVars();
    return { where: 'master volume', ops: [{ label: 'master volume', param: c, write: c.write, read: c.read, vars, range: c.range, target: (b) => b + deltaDb }] };
  }

  private async panOps(balanceDb: number): Promise<{ where: string; ops: Op[] }> {
    const c = this.mapping.controls.masterPan!;
    const vars = await this.masterVars();
    return { where: 'master pan', ops: [{ label: 'master balance', param: c, write: c.write, read: c.read, vars, range: c.range, target: (b) => b + balanceDb }] };
  }

  /** Finds a plugin on the master and its parameters; throws a sentence naming the plugin and the fix. */
  private async resolve(p: EqProfile | CompressorProfile, role: string): Promise<{ vars: Vars; params: Map<string, Listed> }> {
    const vars = await this.masterVars();
    let plugin: number;
    if (p.locate.by === 'fixed') plugin = p.locate.index;
    else {
      const found = await this.link.list(p.locate.listing, vars);
      const ids = p.identity.map((s) => s.toLowerCase());
      const hit = found.find((e) => ids.some((id) => e.name.toLowerCase() === id || e.name.toLowerCase().startsWith(`${id} `)));
      if (!hit) {
        const seen = found.length ? `found ${found.map((e) => `"${e.name}"`).join(', ')}` : 'found no plugins';
        throw new AmaError('DAW_PUSH', `No ${p.identity[0]} on the master (${seen}); insert ${p.identity[0]} as the ${role} on the master bus (see docs/daw.md); nothing was written.`);
      }
      plugin = hit.index;
    }
    const params = new Map<string, Listed>();
    if (p.params) for (const e of await this.link.list(p.params, { ...vars, plugin })) params.set(e.name, e);
    return { vars: { ...vars, plugin }, params };
  }

  /** An op for one plugin parameter, its index and range resolved. */
  private paramOp(p: EqProfile | CompressorProfile, r: { vars: Vars; params: Map<string, Listed> }, q: MappedParam, label: string, target: (b: number) => number): Op {
    let param = q.index;
    let range = q.range;
    if (q.name !== undefined) {
      const hit = r.params.get(q.name);
      if (!hit) throw new AmaError('DAW_PUSH', `${p.identity[0]} reports no parameter "${q.name}" (${r.params.size} parameters listed); check the plugin version against the mapping; nothing was written.`);
      param = hit.index;
      if (q.encoding.kind === 'raw' && hit.min !== undefined && hit.max !== undefined && hit.min < hit.max) range = { min: hit.min, max: hit.max };
    }
    const write = q.write ?? p.paramWrite!;
    const read = q.read ?? p.paramRead!;
    return { label, param: q, write, read, vars: param === undefined ? r.vars : { ...r.vars, param }, range, target };
  }

  private async eqOps(s: Extract<Suggestion, { kind: 'eqBand' }>): Promise<{ where: string; ops: Op[] }> {
    const eq = this.mapping.plugins.eq!;
    const name = eq.identity[0];
    const r = await this.resolve(eq, 'EQ');
    const states: BandState[] = [];
    for (const [index, b] of eq.bands.entries()) {
      if (b.shape !== s.params.type) continue;
      const f = await this.readParam(eq, r, b.frequency, `${name} band ${b.id} frequency`);
      const g = b.gain ? await this.readParam(eq, r, b.gain, `${name} band ${b.id} gain`) : null;
      const on = b.set.find((x) => x.param.unit === 'switch');
      const en = on ? await this.readParam(eq, r, on.param, `${name} band ${b.id} switch`) : null;
      states.push({ index, frequencyHz: f, gainDb: g, enabled: en === null ? null : Math.round(en) === on!.value });
    }
    const taken = new Set<number>();
    for (const [k, i] of this.bandOf) if (k !== s.key && this.done.has(k)) taken.add(i);
    const i = chooseBand(eq, s.params.type, s.params.frequencyHz, states, taken, this.done.has(s.key) ? this.bandOf.get(s.key) : undefined);
    if (i === null) {
      throw new AmaError('DAW_PUSH', `No free ${s.params.type} band in ${name} on the master: every one holds a setting (gain not 0 dB); free one, or add a band, then approve again; nothing was written.`);
    }
    this.bandOf.set(s.key, i);
    const b = eq.bands[i];
    const ops: Op[] = [];
    if (eq.enable) ops.push(this.paramOp(eq, r, eq.enable, `${name} on`, () => 1));
    for (const x of b.set) ops.push(this.paramOp(eq, r, x.param, `${name} band ${b.id} ${x.param.name ?? x.param.unit}`, () => x.value));
    ops.push(this.paramOp(eq, r, b.frequency, `${name} band ${b.id} frequency`, () => s.params.frequencyHz));
    if (b.gain) ops.push(this.paramOp(eq, r, b.gain, `${name} band ${b.id} gain`, () => s.params.gainDb));
    if (b.width) ops.push(this.paramOp(eq, r, b.width, `${name} band ${b.id} width`, () => widthValue(b.width!, s.params.q)));
    return { where: `${name} band ${b.id} (${b.shape})`, ops };
  }

  private async compOps(s: Extract<Suggestion, { kind: 'compressor' }>): Promise<{ where: string; ops: Op[] }> {
    const c = this.mapping.plugins.compressor!;
    const name = c.identity[0];
    const r = await this.resolve(c, 'compressor');
    const ops: Op[] = [];
    if (c.enable) ops.push(this.paramOp(c, r, c.enable, `${name} on`, () => 1));
    const k = c.controls;
    const p = s.params;
    ops.push(this.paramOp(c, r, k.thresholdDb, `${name} threshold`, () => p.thresholdDb));
    ops.push(this.paramOp(c, r, k.ratio, `${name} ratio`, () => p.ratio));
    ops.push(this.paramOp(c, r, k.attackMs, `${name} attack`, () => p.attackMs));
    ops.push(this.paramOp(c, r, k.releaseMs, `${name} release`, () => p.releaseMs));
    if (k.kneeDb) ops.push(this.paramOp(c, r, k.kneeDb, `${name} knee`, () => p.kneeDb));
    if (k.makeupDb) ops.push(this.paramOp(c, r, k.makeupDb, `${name} makeup`, () => p.makeupDb));
    return { where: name, ops };
  }

  private async readParam(p: EqProfile | CompressorProfile, r: { vars: Vars; params: Map<string, Listed> }, q: MappedParam, label: string): Promise<number> {
    const op = this.paramOp(p, r, q, label, (b) => b);
    const v = await this.link.read(op.read, op.vars, q.encoding);
    if (!v) throw new AmaError('DAW_PUSH', `${labelOf(this.mapping.daw)} did not answer when ama read ${label}; nothing was written.`);
    return v.value;
  }

  private audit(e: Parameters<AuditLog['append']>[0]): void {
    this.o.audit?.append(e, (err) => this.o.log?.(`audit log: ${errorMessage(err)}`));
  }
}
