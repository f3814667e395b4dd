/**
 * @module models/onnx/onnx-proto
 * Just enough of the ONNX protobuf to learn what onnxruntime's session metadata does not say: the class
 * labels of classifier nodes, and which graph outputs are ZipMaps (rewritten to their dense input, because
 * onnxruntime-node cannot return sequence<map> values). Walks the wire format directly; weights are skipped
 * by length, never decoded. Field numbers are those of onnx.proto3.
 */

/** One node of the main graph, with the class labels it declares (`classlabels_strings` / `_int64s`). */
export interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  classLabels?: string[];
}

interface Field {
  field: number;
  wire: number;
  /** Varint value (wire type 0). */
  value: bigint;
  /** Payload of a length-delimited field (wire type 2). */
  bytes: Uint8Array;
  /** Byte range of the whole field (tag included), for copying it unchanged. */
  start: number;
  end: number;
}

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTR_NAME = 1;
const ATTR_INTS = 8;
const ATTR_STRINGS = 9;
const VALUE_INFO_NAME = 1;

const utf8 = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length || shift > 63n) throw new Error('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function* fields(buf: Uint8Array): Generator<Field> {
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    const wire = Number(tag & 7n);
    const field = Number(tag >> 3n);
    let value = 0n;
    let bytes = buf.subarray(pos, pos);
    if (wire === 0) [value, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, afterLen] = readVarint(buf, pos);
      pos = afterLen + Number(len);
      bytes = buf.subarray(afterLen, pos);
    } else throw new Error(`unsupported wire type ${wire}`);
    if (pos > buf.length || field === 0) throw new Error('truncated field');
    yield { field, wire, value, bytes, start, end: pos };
  }
}

function graphBytes(model: Uint8Array): Uint8Array | undefined {
  let graph: Uint8Array | undefined;
  for (const f of fields(model)) if (f.field === MODEL_GRAPH && f.wire === 2) graph = f.bytes;
  return graph;
}

function readNode(buf: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: '', domain: '', inputs: [], outputs: [] };
  for (const f of fields(buf)) {
    if (f.wire !== 2) continue;
    if (f.field === NODE_INPUT) node.inputs.push(utf8.decode(f.bytes));
    else if (f.field === NODE_OUTPUT) node.outputs.push(utf8.decode(f.bytes));
    else if (f.field === NODE_OP_TYPE) node.opType = utf8.decode(f.bytes);
    else if (f.field === NODE_DOMAIN) node.domain = utf8.decode(f.bytes);
    else if (f.field === NODE_ATTRIBUTE) {
      const labels = readClassLabels(f.bytes);
      if (labels) node.classLabels = labels;
    }
  }
  return node;
}

function readClassLabels(attr: Uint8Array): string[] | undefined {
  let name = '';
  const ints: string[] = [];
  const strings: string[] = [];
  for (const f of fields(attr)) {
    if (f.field === ATTR_NAME && f.wire === 2) name = utf8.decode(f.bytes);
    else if (f.field === ATTR_STRINGS && f.wire === 2) strings.push(utf8.decode(f.bytes));
    else if (f.field === ATTR_INTS && f.wire === 0) ints.push(String(BigInt.asIntN(64, f.value)));
    else if (f.field === ATTR_INTS && f.wire === 2) {
      // packed repeated int64
      for (let pos = 0; pos < f.bytes.length; ) {
        const [v, next] = readVarint(f.bytes, pos);
        ints.push(String(BigInt.asIntN(64, v)));
        pos = next;
      }
    }
  }
  if (name === 'classlabels_strings') return strings;
  if (name === 'classlabels_int64s' || name === 'classlabels_ints') return ints;
  return undefined;
}

/** Nodes of the model's main graph, or undefined when the bytes are not a protobuf with a graph. */
export function readGraphNodes(model: Uint8Array): OnnxNode[] | undefined {
  try {
    const graph = graphBytes(model);
    if (!graph) return undefined;
    const nodes: OnnxNode[] = [];
    for (const f of fields(graph)) if (f.field === GRAPH_NODE && f.wire === 2) nodes.push(readNode(f.bytes));
    return nodes;
  } catch {
    return undefined;
  }
}

/**
 * Class labels for a graph output: those of the node producing it, or of the nearest ancestor along first
 * inputs (skl2onnx puts Cast / Normalizer after the classifier), else those of the graph's only classifier.
 */
export function classLabelsFor(nodes: OnnxNode[], output: string): string[] | undefined {
  let name = output;
  for (let step = 0; step < 16; step++) {
    const producer = nodes.find((n) => n.outputs.includes(name));
    if (!producer) break;
    if (producer.classLabels) return producer.classLabels;
    if (producer.inputs.length === 0) break;
    name = producer.inputs[0]!;
  }
  const labelled = nodes.filter((n) => n.classLabels);
  return labelled.length === 1 ? labelled[0]!.classLabels : undefined;
}

export interface ZipMapRewrite {
  /** The rewritten model. */
  bytes: Uint8Array;
  /** Original ZipMap output name -> the dense probabilities tensor now exposed in its place. */
  renamed: Map<string, string>;
}

/**
 * Removes ZipMap nodes that produce graph outputs and exposes their input (a float tensor [N, classes],
 * columns in the ZipMap's label order) as the graph output instead. Returns undefined when there is none.
 */
export function stripZipMaps(model: Uint8Array): ZipMapRewrite | undefined {
  try {
    return rewriteZipMaps(model);
  } catch {
    return undefined; // not a protobuf: onnxruntime will say so
  }
}

function rewriteZipMaps(model: Uint8Array): ZipMapRewrite | undefined {
  const nodes = readGraphNodes(model);
  const graph = graphBytes(model);
  if (!nodes || !graph) return undefined;
  const zipmaps = nodes.filter((n) => n.opType === 'ZipMap' && n.inputs.length === 1 && n.outputs.length === 1);
  if (zipmaps.length === 0) return undefined;
  const renamed = new Map<string, string>();
  const newGraph: Uint8Array[] = [];
  const existing = new Set<string>();
  for (const f of fields(graph)) if (f.field === GRAPH_OUTPUT && f.wire === 2) existing.add(valueInfoName(f.bytes));
  for (const f of fields(graph)) {
    if (f.field === GRAPH_NODE && f.wire === 2) {
      const node = readNode(f.bytes);
      if (zipmaps.some((z) => z.outputs[0] === node.outputs[0] && node.opType === 'ZipMap')) continue;
    } else if (f.field === GRAPH_OUTPUT && f.wire === 2) {
      const name = valueInfoName(f.bytes);
      const zipmap = zipmaps.find((z) => z.outputs[0] === name);
      if (zipmap) {
        renamed.set(name, zipmap.inputs[0]!);
        if (!existing.has(zipmap.inputs[0]!)) newGraph.push(lengthDelimited(GRAPH_OUTPUT, floatMatrixValueInfo(zipmap.inputs[0]!, zipmap.classLabels?.length)));
        continue;
      }
    }
    newGraph.push(graph.subarray(f.start, f.end));
  }
  if (renamed.size === 0) return undefined;
  const parts: Uint8Array[] = [];
  for (const f of fields(model)) {
    parts.push(f.field === MODEL_GRAPH && f.wire === 2 ? lengthDelimited(MODEL_GRAPH, concat(newGraph)) : model.subarray(f.start, f.end));
  }
  return { bytes: concat(parts), renamed };
}

function valueInfoName(buf: Uint8Array): string {
  for (const f of fields(buf)) if (f.field === VALUE_INFO_NAME && f.wire === 2) return utf8.decode(f.bytes);
  return '';
}

/** ValueInfoProto { name, type: { tensor_type: { elem_type: FLOAT, shape: [N, classes] } } }. */
function floatMatrixValueInfo(name: string, classes: number | undefined): Uint8Array {
  const rowDim = lengthDelimited(1, lengthDelimited(2, encoder.encode('N')));
  const colDim = lengthDelimited(1, classes === undefined ? new Uint8Array(0) : concat([varint(1 << 3), varint(classes)]));
  const shape = lengthDelimited(2, concat([rowDim, colDim]));
  const tensorType = lengthDelimited(1, concat([varint(1 << 3), varint(1), shape]));
  return concat([lengthDelimited(1, encoder.encode(name)), lengthDelimited(2, tensorType)]);
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
