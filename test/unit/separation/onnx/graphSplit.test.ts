import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { writeModel, type NodeSpec } from '../../../../scripts/models/onnxWriter.js';
import { fileSource, memorySource } from '../../../../src/separation/onnx/protobuf.js';
import { blockCuts, ONNX_BOOL, ONNX_FLOAT, ONNX_INT64, inferElemTypes, parseModel, partsAtBlocks, planParts, splitModel } from '../../../../src/separation/onnx/graphSplit.js';

// The truth for every split is onnxruntime running the whole, unsplit model on the same input.

/**
 * x [2,3,8] -> blocks whose boundaries carry float, int64 and bool values, a Constant node read by
 * two blocks, and an initializer read by two blocks:
 *   /a.0: shp = Shape(x); n = Gather(shp, 1) (int64); y = x * w; nf = Cast(n, float)
 *   /b.0: z = y / nf; z2 = z * k (k: a Constant node)
 *   /c.0: r = Reshape(z2, [n, -1]); r2 = r + k; big = r2 > k (bool)
 *   /d.0: sel = Where(big, r2, w0) ; out = sel * w[0..]
 */
function testModel(): Uint8Array {
  const nodes: NodeSpec[] = [
    { op: 'Shape', inputs: ['x'], outputs: ['shp'], name: '/a.0/Shape' },
    { op: 'Constant', inputs: [], outputs: ['one'], attrs: { value: { name: '', dims: [], type: 'int64', values: [1] } }, name: '/a.0/Constant' },
    { op: 'Gather', inputs: ['shp', 'one'], outputs: ['n'], attrs: { axis: 0 }, name: '/a.0/Gather' },
    { op: 'Mul', inputs: ['x', 'w'], outputs: ['y'], name: '/a.0/Mul' },
    { op: 'Cast', inputs: ['n'], outputs: ['nf'], attrs: { to: ONNX_FLOAT }, name: '/a.0/Cast' },
    { op: 'Constant', inputs: [], outputs: ['k'], attrs: { value: { name: '', dims: [], type: 'float', values: [0.75] } }, name: '/b.0/Constant' },
    { op: 'Div', inputs: ['y', 'nf'], outputs: ['z'], name: '/b.0/Div' },
    { op: 'Mul', inputs: ['z', 'k'], outputs: ['z2'], name: '/b.0/Mul' },
    { op: 'Unsqueeze', inputs: ['n', 'axis0'], outputs: ['n1'], name: '/c.0/Unsqueeze' },
    { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['newshape'], attrs: { axis: 0 }, name: '/c.0/Concat' },
    { op: 'Reshape', inputs: ['z2', 'newshape'], outputs: ['r'], name: '/c.0/Reshape' },
    { op: 'Add', inputs: ['r', 'k'], outputs: ['r2'], name: '/c.0/Add' },
    { op: 'Greater', inputs: ['r2', 'k'], outputs: ['big'], name: '/c.0/Greater' },
    { op: 'Where', inputs: ['big', 'r2', 'w16'], outputs: ['sel'], name: '/d.0/Where' },
    { op: 'Mul', inputs: ['sel', 'w16'], outputs: ['out'], name: '/d.0/Mul' },
  ];
  const w = Array.from({ length: 8 }, (_, i) => 0.5 + 0.25 * i);
  return writeModel({
    name: 'split-test',
    inputs: [{ name: 'x', shape: [2, 3, 8] }],
    outputs: [
      { name: 'out', shape: [3, 16] },
      { name: 'y', shape: [2, 3, 8] },
    ],
    nodes,
    inits: [
      { name: 'w', dims: [8], type: 'float', values: w },
      { name: 'w16', dims: [16], type: 'float', values: [...w, ...w] },
      { name: 'axis0', dims: [1], type: 'int64', values: [0] },
      { name: 'minus1', dims: [1], type: 'int64', values: [-1] },
    ],
  });
}

const input = () => new ort.Tensor('float32', Float32Array.from({ length: 48 }, (_, i) => Math.sin(i * 0.7) * 2), [2, 3, 8]);

async function runWhole(model: Uint8Array): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(model);
  const out = await s.run({ x: input() });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

async function runChain(parts: { model: Uint8Array; inputs: string[]; outputs: string[] }[]): Promise<Map<string, ort.OnnxValue>> {
  const values = new Map<string, ort.OnnxValue>([['x', input()]]);
  for (const p of parts) {
    const s = await ort.InferenceSession.create(p.model);
    const out = await s.run(Object.fromEntries(p.inputs.map((x) => [x, values.get(x)!])));
    expect(Object.keys(out).sort()).toEqual([...p.outputs].sort());
    for (const [k, v] of Object.entries(out)) values.set(k, v);
  }
  return values;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ama-split-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('graphSplit', () => {
  it('cuts before each named block and hands on float, int64 and bool values with their types', () => {
    const model = parseModel(memorySource(testModel()));
    // A block starts at its first node that is not a Constant (Constants go wherever they are read).
    expect(blockCuts(model.nodes)).toEqual([6, 8, 13]);
    const plans = planParts(model, blockCuts(model.nodes));
    expect(plans.map((p) => [p.inputs, p.outputs])).toEqual([
      [['x'], ['n', 'y', 'nf']],
      [['y', 'nf'], ['z2']],
      [['n', 'z2'], ['r2', 'big']],
      [['big', 'r2'], ['out']],
    ]);
    // The Constant k travels into both blocks that read it; w16 into the only one that does.
    expect(plans[1].nodes.map((n) => n.name)).toEqual(['/b.0/Constant', '/b.0/Div', '/b.0/Mul']);
    expect(plans[2].nodes[0].name).toBe('/b.0/Constant');
    expect(plans[3].initializers).toEqual(['w16']);
    const types = inferElemTypes(model);
    expect([types.get('n'), types.get('nf'), types.get('big'), types.get('sel'), types.get('newshape')]).toEqual([ONNX_INT64, ONNX_FLOAT, ONNX_BOOL, ONNX_FLOAT, ONNX_INT64]);
  });

  it('the chain of parts computes exactly what onnxruntime computes with the whole model', async () => {
    const bytes = testModel();
    const whole = await runWhole(bytes);
    const model = parseModel(memorySource(bytes));
    const values = await runChain(splitModel(model, blockCuts(model.nodes)));
    expect(Array.from(values.get('out')!.data as Float32Array)).toEqual(Array.from(whole.out));
    expect(Array.from(values.get('y')!.data as Float32Array)).toEqual(Array.from(whole.y));
    // and for every other place to cut, one node at a time
    for (let cut = 1; cut < model.nodes.length; cut++) {
      const chained = await runChain(splitModel(model, [cut]));
      expect(Array.from(chained.get('out')!.data as Float32Array), `cut before node ${cut}`).toEqual(Array.from(whole.out));
    }
  });

  it('reads a model file without loading its initializers until a part is encoded', async () => {
    const file = path.join(tmp, 'm.onnx');
    writeFileSync(file, testModel());
    const fd = openSync(file, 'r');
    try {
      const parts = partsAtBlocks(fileSource(fd))!;
      expect(parts.inputs.map((v) => [v.name, v.dims, v.elemType])).toEqual([['x', [2, 3, 8], ONNX_FLOAT]]);
      expect(parts.outputs.map((v) => v.name)).toEqual(['out', 'y']);
      const values = await runChain(parts.plans.map((p) => ({ model: parts.encode(p), inputs: p.inputs, outputs: p.outputs })));
      expect(Array.from(values.get('out')!.data as Float32Array)).toEqual(Array.from((await runWhole(testModel())).out));
    } finally {
      closeSync(fd);
    }
  });

  it('leaves a model without named blocks whole, and refuses bytes that are not a model', () => {
    const unnamed = writeModel({
      name: 'plain',
      inputs: [{ name: 'x', shape: [4] }],
      outputs: [{ name: 'y', shape: [4] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      inits: [],
    });
    expect(partsAtBlocks(memorySource(unnamed))).toBeNull();
    const bytes = testModel();
    expect(() => parseModel(memorySource(bytes.subarray(0, bytes.length - 7)))).toThrow(/runs past the end|truncated/);
    expect(() => parseModel(memorySource(new TextEncoder().encode('not a model at all')))).toThrow();
  });
});
