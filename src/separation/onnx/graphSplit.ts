import { concat, fields, lengthDelimited, memorySource, str, stringField, varintField, type ByteSource } from './protobuf.js';

/**
 * Splits an ONNX model into consecutive sub-models ("parts") that, run one after the other with the
 * values that cross each boundary handed on, compute exactly what the whole model computes.
 *
 * Why: onnxruntime's allocation planner reuses same-sized buffers across a run, which keeps many
 * intermediate tensors of HTDemucs alive far past their last use (measured: ~1.9 GB outstanding in the
 * transformer although at most ~0.56 GB is live by the graph). Each part is its own session, so
 * everything a part allocated is gone when it returns. Splitting at HTDemucs's encoder, transformer
 * and decoder layers brings one segment's peak from ~2.1 GB to ~0.9 GB, with the same outputs to
 * float rounding (see docs/separation-onnx.md).
 *
 * Only the protobuf fields needed to re-wire the graph are decoded; nodes, initializers and the
 * model's other fields are copied byte for byte, so nothing the model says is lost or re-encoded.
 */

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;

/** A node, as far as the splitter needs it. */
export interface GraphNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Its encoded NodeProto, copied as is into a part. */
  bytes: Uint8Array;
  /** Cast's `to`; Constant's and ConstantOfShape's value type. */
  typeAttr?: number;
  /** Whether it carries a subgraph (If, Loop, Scan): such models are not split. */
  hasSubgraph: boolean;
}

interface Initializer {
  name: string;
  dataType: number;
  /** Its encoded TensorProto, read from the source only when a part that needs it is encoded. */
  bytes: () => Uint8Array;
}

export interface GraphValue {
  name: string;
  elemType: number;
  /** Declared dimensions, -1 where symbolic or absent. */
  dims: number[];
  /** Encoded ValueInfoProto (with its shape) for the model's own inputs and outputs. */
  bytes: Uint8Array;
}

/** A parsed model: what splitting needs, with everything else kept as encoded bytes. */
export interface ParsedModel {
  /** ModelProto fields other than the graph, encoded (ir_version, opsets, producer, metadata...). */
  modelFields: Uint8Array[];
  graphName: string;
  nodes: GraphNode[];
  initializers: Map<string, Initializer>;
  inputs: GraphValue[];
  outputs: GraphValue[];
}

/** One part: an encoded model, the values it takes and the values it hands on. */
export interface ModelPart {
  model: Uint8Array;
  inputs: string[];
  outputs: string[];
}


function tensorType(buf: ByteSource, from: number, to: number): number {
  for (const f of fields(buf, from, to)) if (f.no === 2 && f.wire === 0) return f.varint!; // TensorProto.data_type
  return ONNX_FLOAT;
}

function parseNode(bytes: Uint8Array): GraphNode {
  const buf = memorySource(bytes);
  const node: GraphNode = { name: '', opType: '', inputs: [], outputs: [], bytes, hasSubgraph: false };
  for (const f of fields(buf)) {
    if (f.no === 1) node.inputs.push(str(buf, f));
    else if (f.no === 2) node.outputs.push(str(buf, f));
    else if (f.no === 3) node.name = str(buf, f);
    else if (f.no === 4) node.opType = str(buf, f);
    else if (f.no === 5 && f.data) {
      // AttributeProto: name 1, f 2, i 3, t 5, g 6, graphs 11.
      let name = '';
      let i: number | undefined;
      let t: number | undefined;
      for (const a of fields(buf, f.data[0], f.data[1])) {
        if (a.no === 1) name = str(buf, a);
        else if (a.no === 3 && a.wire === 0) i = a.varint;
        else if (a.no === 5 && a.data) t = tensorType(buf, a.data[0], a.data[1]);
        else if (a.no === 6 || a.no === 11) node.hasSubgraph = true;
      }
      if (name === 'to' && i !== undefined) node.typeAttr = i;
      else if (name === 'value' && t !== undefined) node.typeAttr = t;
      else if (name === 'value_int' || name === 'value_ints') node.typeAttr = ONNX_INT64;
      else if (name === 'value_float' || name === 'value_floats') node.typeAttr = ONNX_FLOAT;
    }
  }
  return node;
}

function parseValueInfo(bytes: Uint8Array): GraphValue {
  const buf = memorySource(bytes);
  const value: GraphValue = { name: '', elemType: 0, dims: [], bytes };
  for (const f of fields(buf)) {
    if (f.no === 1) value.name = str(buf, f);
    else if (f.no === 2 && f.data) {
      // TypeProto.tensor_type (1) { elem_type (1), shape (2) { dim (1) { dim_value (1) | dim_param (2) } } }
      for (const t of fields(buf, f.data[0], f.data[1])) {
        if (t.no !== 1 || !t.data) continue;
        for (const e of fields(buf, t.data[0], t.data[1])) {
          if (e.no === 1 && e.wire === 0) value.elemType = e.varint!;
          else if (e.no === 2 && e.data) {
            for (const d of fields(buf, e.data[0], e.data[1])) {
              if (d.no !== 1 || !d.data) continue;
              let size = -1;
              for (const v of fields(buf, d.data[0], d.data[1])) if (v.no === 1 && v.wire === 0) size = v.varint!;
              value.dims.push(size);
            }
          }
        }
      }
    }
  }
  return value;
}

/**
 * Reads the parts of a ModelProto that splitting needs: nodes, value infos and the model's other
 * fields are read; initializers only as far as their name and type (their data stays in the source).
 * Throws on a malformed or unsupported model.
 */
export function parseModel(src: ByteSource): ParsedModel {
  const model: ParsedModel = { modelFields: [], graphName: 'graph', nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  let sawGraph = false;
  for (const f of fields(src)) {
    if (f.no !== 7) {
      model.modelFields.push(src.read(f.start, f.end));
      continue;
    }
    if (!f.data) throw new Error('the graph field is not a message');
    sawGraph = true;
    for (const g of fields(src, f.data[0], f.data[1])) {
      if (!g.data) continue;
      const [from, to] = g.data;
      if (g.no === 1) model.nodes.push(parseNode(src.read(from, to)));
      else if (g.no === 2) model.graphName = str(src, g);
      else if (g.no === 5) {
        let name = '';
        let dataType = ONNX_FLOAT;
        for (const t of fields(src, from, to)) {
          if (t.no === 8) name = str(src, t);
          else if (t.no === 2 && t.wire === 0) dataType = t.varint!;
          else if (t.no === 13 || t.no === 14) throw new Error('initializers with external data are not supported');
        }
        model.initializers.set(name, { name, dataType, bytes: () => src.read(from, to) });
      } else if (g.no === 11) model.inputs.push(parseValueInfo(src.read(from, to)));
      else if (g.no === 12) model.outputs.push(parseValueInfo(src.read(from, to)));
      else if (g.no === 15) throw new Error('sparse initializers are not supported');
      // value_info (13), doc_string (10) and quantization annotations (14) are dropped: ORT infers them again.
    }
  }
  if (!sawGraph) throw new Error('the file has no graph');
  return model;
}

const BOOL_OPS = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);

/**
 * Element type of every value the graph computes, by forward propagation: most operators give the
 * type of their first input; the exceptions that matter for exported audio models are listed.
 */
export function inferElemTypes(model: ParsedModel): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of model.inputs) types.set(v.name, v.elemType);
  for (const t of model.initializers.values()) types.set(t.name, t.dataType);
  for (const n of model.nodes) {
    let t: number | undefined;
    if (INT64_OPS.has(n.opType)) t = ONNX_INT64;
    else if (BOOL_OPS.has(n.opType)) t = ONNX_BOOL;
    else if (n.opType === 'Cast' || n.opType === 'Constant') t = n.typeAttr;
    else if (n.opType === 'ConstantOfShape') t = n.typeAttr ?? ONNX_FLOAT;
    else if (n.opType === 'Where') t = types.get(n.inputs[1]);
    else t = types.get(n.inputs.find((i) => i !== '') ?? '');
    if (t !== undefined) for (const o of n.outputs) if (o !== '') types.set(o, t);
  }
  return types;
}

/**
 * Where to cut: before the first node of each numbered block, a node-name path component ending in
 * `.N` (PyTorch exports name nodes after their module: `/encoder.0/conv/Conv`,
 * `/crosstransformer/layers_t.3/self_attn/MatMul`). Nodes outside such blocks stay with the part
 * before them. Returns node indices, ascending; none for a model without named blocks.
 */
export function blockCuts(nodes: readonly GraphNode[]): number[] {
  const cuts: number[] = [];
  let current: string | null = null;
  nodes.forEach((n, i) => {
    if (n.opType === 'Constant') return;
    const parts = n.name.split('/');
    const at = parts.findIndex((p) => /\.\d+$/.test(p));
    if (at < 0) return;
    const key = parts.slice(0, at + 1).join('/');
    if (key !== current) {
      if (current !== null || i > 0) cuts.push(i);
      current = key;
    }
  });
  return cuts.filter((c, k) => c > 0 && c < nodes.length && (k === 0 || c !== cuts[k - 1]));
}

/** What one part holds: its nodes (Constant nodes it reads first), initializers, inputs and outputs. */
export interface PartPlan {
  index: number;
  nodes: GraphNode[];
  initializers: string[];
  inputs: string[];
  outputs: string[];
}

/**
 * Plans the parts of a model cut before each node index in `cuts`. Constant nodes travel with every
 * part that reads them; initializers go into every part that reads them; each part's inputs and
 * outputs are the values that cross its boundaries.
 */
export function planParts(model: ParsedModel, cuts: readonly number[]): PartPlan[] {
  const nodes = model.nodes;
  if (nodes.some((n) => n.hasSubgraph)) throw new Error('models with subgraphs (If, Loop, Scan) are not split');
  const bounds = [...new Set([0, ...cuts.filter((c) => c > 0 && c < nodes.length), nodes.length])].sort((a, b) => a - b);
  const constantOf = new Map<string, GraphNode>();
  for (const n of nodes) if (n.opType === 'Constant') for (const o of n.outputs) constantOf.set(o, n);
  const graphOutputs = new Set(model.outputs.map((o) => o.name));
  // The last part (index into bounds) that reads each value.
  const lastReader = new Map<string, number>();
  for (let p = 0; p + 1 < bounds.length; p++) {
    for (let i = bounds[p]; i < bounds[p + 1]; i++) for (const x of nodes[i].inputs) if (x !== '') lastReader.set(x, p);
  }
  const plans: PartPlan[] = [];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const body = nodes.slice(bounds[p], bounds[p + 1]).filter((n) => n.opType !== 'Constant' || n.outputs.some((o) => graphOutputs.has(o)));
    if (body.length === 0) continue;
    const produced = new Set(body.flatMap((n) => n.outputs));
    const constants: GraphNode[] = [];
    const inputs: string[] = [];
    const initializers: string[] = [];
    const seen = new Set<string>();
    for (const n of body) {
      for (const x of n.inputs) {
        if (x === '' || produced.has(x) || seen.has(x)) continue;
        seen.add(x);
        const constant = constantOf.get(x);
        if (model.initializers.has(x)) initializers.push(x);
        else if (constant) constants.push(constant);
        else inputs.push(x);
      }
    }
    const outputs = [...produced].filter((o) => o !== '' && (graphOutputs.has(o) || (lastReader.get(o) ?? -1) > p));
    plans.push({ index: plans.length, nodes: [...constants, ...body], initializers, inputs, outputs });
  }
  return plans;
}

/** Encodes one planned part as a model (the source's other fields kept as they are). */
export function encodePart(model: ParsedModel, plan: PartPlan, types = inferElemTypes(model)): Uint8Array {
  const own = new Map([...model.inputs, ...model.outputs].map((v) => [v.name, v]));
  const valueInfo = (name: string) => {
    const known = own.get(name);
    if (known) return known.bytes;
    const t = types.get(name);
    if (t === undefined) throw new Error(`cannot tell the element type of "${name}"`);
    // ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type } } }; ORT infers the shape.
    return concat([stringField(1, name), lengthDelimited(2, [lengthDelimited(1, [varintField(1, t)])])]);
  };
  const graph: Uint8Array[] = [
    ...plan.nodes.map((n) => lengthDelimited(1, [n.bytes])),
    stringField(2, `${model.graphName}.part${plan.index}`),
    ...plan.initializers.map((t) => lengthDelimited(5, [model.initializers.get(t)!.bytes()])),
    ...plan.inputs.map((x) => lengthDelimited(11, [valueInfo(x)])),
    ...plan.outputs.map((o) => lengthDelimited(12, [valueInfo(o)])),
  ];
  return concat([...model.modelFields, lengthDelimited(7, graph)]);
}

/** Plans and encodes every part (see planParts). */
export function splitModel(model: ParsedModel, cuts: readonly number[]): ModelPart[] {
  const types = inferElemTypes(model);
  return planParts(model, cuts).map((plan) => ({ model: encodePart(model, plan, types), inputs: plan.inputs, outputs: plan.outputs }));
}


/** A model's parts, planned; each is encoded only when asked for, so one part's bytes exist at a time. */
export interface BlockParts {
  /** The whole model's inputs and outputs, as declared. */
  inputs: GraphValue[];
  outputs: GraphValue[];
  plans: PartPlan[];
  encode(plan: PartPlan): Uint8Array;
}

/**
 * The parts of a model cut at its named blocks (see blockCuts), or null when it has no such blocks
 * or cannot be split (the caller then runs it whole). Throws when the bytes are not a readable model.
 */
export function partsAtBlocks(src: ByteSource): BlockParts | null {
  const model = parseModel(src);
  const cuts = blockCuts(model.nodes);
  if (cuts.length === 0) return null;
  try {
    const plans = planParts(model, cuts);
    const types = inferElemTypes(model);
    for (const plan of plans) for (const x of [...plan.inputs, ...plan.outputs]) if (!types.has(x)) return null;
    return { inputs: model.inputs, outputs: model.outputs, plans, encode: (plan) => encodePart(model, plan, types) };
  } catch {
    return null;
  }
}
