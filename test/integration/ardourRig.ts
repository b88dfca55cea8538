import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

/** Ardour's master bus as its own Lua API reports it (serve-master.lua's STATE lines). */
export interface ArdourState {
  masterGainDb: number;
  masterPan: number | null;
  plugins: Array<{ name: string; active: boolean; params: Record<string, number> }>;
}

/** A free UDP port on loopback (bound, read, released). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** A headless Ardour 7.3 serving test/fixtures/ardour's session (ACE EQ + ACE Compressor on the master), OSC on `port`. */
export class ArdourRig {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-ardour-'));
  port = 0;

  async start(): Promise<void> {
    this.port = await freeUdpPort();
    const script = path.join(ROOT, 'test/fixtures/ardour/run.sh');
    await new Promise<void>((resolve, reject) => {
      const p = spawn('bash', [script, path.join(this.dir, 'w'), String(this.port)], { stdio: 'inherit' });
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`run.sh exited ${code}`))));
    });
    await this.waitFor(() => this.log().includes('READY'), 60_000, 'Ardour to load the session');
    await this.waitFor(() => this.states().length > 0, 20_000, 'the first STATE line');
  }

  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'w', 'serve.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Every STATE line so far, parsed. */
  states(): ArdourState[] {
    return this.log().split('\n').filter((l) => l.startsWith('STATE ')).map((l) => JSON.parse(l.slice(6).replace(/-?1e999/g, (m) => (m.startsWith('-') ? '-1e308' : '1e308'))) as ArdourState);
  }

  latest(): ArdourState {
    const s = this.states();
    return s[s.length - 1];
  }

  /** Waits until the latest state satisfies `ok` (serve.lua polls every 0.25 s). */
  async until(ok: (s: ArdourState) => boolean, what: string, timeoutMs = 5000): Promise<ArdourState> {
    await this.waitFor(() => ok(this.latest()), timeoutMs, what);
    return this.latest();
  }

  param(plugin: number, name: string, s = this.latest()): number {
    return s.plugins[plugin].params[name];
  }

  async stop(): Promise<void> {
    const w = path.join(this.dir, 'w');
    try {
      fs.writeFileSync(path.join(w, 'stop'), '');
      await this.waitFor(() => this.log().includes('BYE'), 8000, 'Ardour to stop').catch(() => {});
      const pid = Number(fs.readFileSync(path.join(w, 'serve.pid'), 'utf8'));
      try {
        process.kill(pid, 0);
        process.kill(pid, 'SIGKILL');
      } catch { /* already gone */ }
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async waitFor(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; serve.log:\n${this.log().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
