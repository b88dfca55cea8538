/**
 * A minimal ONNX model writer (protobuf encoding of ModelProto by hand) so that tests can build tiny
 * models with known behaviour without Python: float and int64 initializers, nodes with int, ints and
 * float attributes, inputs and outputs with fixed or named (dynamic) dimensions.
 */

/** One dimension: a size, or a name for a dynamic one. */
export type Dim = number | string;

/** A graph input or output: name and shape (float32). */
export interface ValueSpec {
  name: string;
  shape: Dim[];
}

/** A node: operator, inputs, outputs, attributes (numbers become int when integral unless listed in `floats`). */
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Numbers, lists of ints, or a tensor (a Constant's `value`). */
  attrs?: Record<string, number | number[] | InitSpec>;
  /** Node name; `${op}_${index}` when absent. */
  name?: string;
}

/** A constant tensor. */
export interface InitSpec {
  name: string;
  dims: number[];
  type: 'float' | 'int64';
  values: number[] | Float32Array;
}

class Buf {
  private parts: number[] = [];
  varint(n: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(n));
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.parts.push(b);
    } while (v > 0n);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, n: number): this {
    return this.key(field, 0).varint(n);
  }
  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2).varint(data.length);
    for (const b of data) this.parts.push(b);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, m: Buf): this {
    return this.bytes(field, m.done());
  }
  float32(field: number, f: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    this.key(field, 5);
    for (const x of b) this.parts.push(x);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function valueInfo(v: ValueSpec): Buf {
  const shape = new Buf();
  for (const d of v.shape) shape.msg(1, typeof d === 'number' ? new Buf().int(1, d) : new Buf().str(2, d));
  const tensor = new Buf().int(1, 1 /* FLOAT */).msg(2, shape);
  return new Buf().str(1, v.name).msg(2, new Buf().msg(1, tensor));
}

function initializer(t: InitSpec): Buf {
  const b = new Buf();
  for (const d of t.dims) b.int(1, d);
  b.int(2, t.type === 'float' ? 1 : 7);
  if (t.name) b.str(8, t.name);
  const n = t.values.length;
  const raw = new Uint8Array(n * (t.type === 'float' ? 4 : 8));
  const view = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) {
    if (t.type === 'float') view.setFloat32(4 * i, t.values[i], true);
    else view.setBigInt64(8 * i, BigInt(t.values[i]), true);
  }
  return b.bytes(9, raw);
}

function node(n: NodeSpec, index: number): Buf {
  const b = new Buf();
  for (const i of n.inputs) b.str(1, i);
  for (const o of n.outputs) b.str(2, o);
  b.str(3, n.name ?? `${n.op}_${index}`).str(4, n.op);
  for (const [name, value] of Object.entries(n.attrs ?? {})) {
    const a = new Buf().str(1, name);
    if (typeof value === 'object' && !Array.isArray(value)) a.msg(5, initializer(value)).int(20, 4 /* TENSOR */);
    else if (Array.isArray(value)) {
      for (const v of value) a.int(8, v);
      a.int(20, 7 /* INTS */);
    } else if (Number.isInteger(value)) a.int(3, value).int(20, 2 /* INT */);
    else a.float32(2, value).int(20, 1 /* FLOAT */);
    b.msg(5, a);
  }
  return b;
}

/** Serialises a model (IR 8, default opset 17). */
export function writeModel(g: { name: string; inputs: ValueSpec[]; outputs: ValueSpec[]; nodes: NodeSpec[]; inits: InitSpec[] }): Uint8Array {
  const graph = new Buf();
  g.nodes.forEach((n, i) => graph.msg(1, node(n, i)));
  graph.str(2, g.name);
  for (const t of g.inits) graph.msg(5, initializer(t));
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  return new Buf().int(1, 8).str(2, 'ama-tiny-models').msg(7, graph).msg(8, new Buf().str(1, '').int(2, 17)).done();
}
