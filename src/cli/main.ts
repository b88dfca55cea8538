#!/usr/bin/env node
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../util/errors.js';
import { runAnalyze } from './analyze.js';
import { runDemo } from './demo.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

/** Builds the command-line interface; each command's action resolves to the process exit code. */
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
    .action(async (files: string[], opts: { json?: boolean }) => setExit(await runAnalyze(files, opts)));

  program
    .command('demo')
    .description('Run ama on built-in demo material (no audio device or files needed)')
    .option('--json', 'print JSON instead of the readable report')
    .action(async (opts: { json?: boolean }) => setExit(await runDemo(opts)));

  return program;
}

async function main(): Promise<void> {
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
      else process.stderr.write('ama: run with AMA_DEBUG=1 for details, and please report it.\n');
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
