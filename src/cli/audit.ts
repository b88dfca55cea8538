import { readAuditLog, replayAudit } from '../daw/audit.js';

/**
 * `ama audit FILE [--json]`: replays a DAW audit log. Text: one line per event (approvals, pushes
 * with each control's value before, sent and read back, undos), then the net effect on the
 * session: each control ama touched, its value before ama and now. Returns the exit code.
 */
export async function runAudit(file: string, o: { json?: boolean }): Promise<number> {
  const { entries, problems } = readAuditLog(file);
  const r = replayAudit(entries);
  if (o.json) {
    process.stdout.write(JSON.stringify({ file, events: entries.length, problems, changes: r.changes, net: r.net }, null, 2) + '\n');
    return problems.length ? 1 : 0;
  }
  for (const p of problems) process.stderr.write(`ama: ${file}: ${p}\n`);
  process.stdout.write(`${entries.length} events in ${file}\n\n${r.lines.join('\n')}\n\n`);
  if (r.net.length === 0) process.stdout.write('Net effect: ama changed nothing in the session.\n');
  else {
    process.stdout.write('Net effect on the session (value before ama -> value now):\n');
    for (const n of r.net) {
      const same = n.original !== null && n.now !== null && Math.abs(n.original - n.now) < 1e-6;
      const f = (v: number | null) => (v === null ? '?' : String(Math.round(v * 1000) / 1000));
      const u = n.unit === 'ratio' || n.unit === 'switch' || n.unit === 'choice' ? '' : ` ${n.unit}`;
      process.stdout.write(`  ${n.control}: ${f(n.original)} -> ${f(n.now)}${u}${same ? ' (restored)' : ` (by ${n.byKeys.join(', ')})`}\n`);
    }
  }
  return problems.length ? 1 : 0;
}
