// Node module hooks that let a worker thread or a child process run ama's TypeScript sources (vitest
// transforms the test's own imports, but a worker or child is plain Node): `./x.js` resolves to
// `./x.ts` when only the .ts exists, and .ts files are transpiled with TypeScript (types stripped,
// no type check).
// Registered by tsWorkerLaunch() and tsChildLaunch() in ./tsWorker.ts.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && parent.endsWith('.ts') && specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('file:'))) {
    const js = new URL(specifier, parent);
    const tsUrl = new URL(js.href.slice(0, -3) + '.ts');
    if (!existsSync(js) && existsSync(tsUrl)) return { url: tsUrl.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const out = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
