import { loadMapping } from '../daw/mapping.js';
import type { DawServiceOptions } from '../daw/service.js';
import { errorMessage } from '../util/errors.js';

/** The DAW-push options of `ama listen` and `ama demo`, as commander gives them. */
export interface DawCliOptions {
  daw?: string;
  dawHost?: string;
  dawPort?: string;
  auditLog?: string;
  surface?: string;
  surfacePort?: string;
}

function port(problems: string[], name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || v < min || v > 65535) {
    problems.push(`--${name}: must be a port number ${min}-65535, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return v;
}

/**
 * Validates --daw, --daw-host, --daw-port, --audit-log, --surface host:port and --surface-port;
 * problems are added as `--name: message`. Defaults: the mapping's host and port; the audit log
 * is ama-audit.jsonl in the current folder whenever --daw is given; the surface listens for
 * commands on 127.0.0.1:9100 when --surface is given (--surface-port 0 picks a free port).
 */
export function dawSettings(o: DawCliOptions, problems: string[]): DawServiceOptions | null {
  const dawPort = port(problems, 'daw-port', o.dawPort, 1);
  const listen = port(problems, 'surface-port', o.surfacePort, 0);
  let target: { host: string; port: number } | null = null;
  if (o.surface !== undefined) {
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(o.surface.trim());
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) problems.push(`--surface: must be host:port (e.g. 127.0.0.1:9000), got ${JSON.stringify(o.surface)}`);
    else target = { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  }
  if ((o.dawHost !== undefined || o.dawPort !== undefined) && o.daw === undefined) problems.push('--daw-host/--daw-port: give --daw reaper|ableton|ardour|<mapping.json> too');
  if (o.daw !== undefined) {
    try {
      loadMapping(o.daw); // validated at start-up, before references load: every problem at once
    } catch (err) {
      problems.push(`--daw: ${errorMessage(err)}`);
    }
  }
  if (o.daw === undefined && o.surface === undefined && o.surfacePort === undefined && o.auditLog === undefined) return null;
  const surface = target || listen !== undefined ? { target, listenPort: listen ?? 9100 } : null;
  return {
    daw: o.daw ?? null, host: o.dawHost, port: dawPort,
    auditLog: o.auditLog ?? (o.daw !== undefined ? 'ama-audit.jsonl' : null),
    surface,
  };
}
