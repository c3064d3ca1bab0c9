/**
 * Aho–Corasick automaton over UTF-16 code units, compiled into flat typed arrays (no object per
 * node) so it is cache-friendly to scan, cheap to serialise and loads without parsing.
 *
 * Layout (chosen for memory locality: a scan step touches one node record and one edge slice):
 * - `classOf[codeUnit]` maps a code unit to a dense class id (0 = appears in no pattern, which
 *   sends the scan straight back to the root without walking failure links);
 * - nodes are numbered breadth-first (children of a node in class order), so the shallow nodes a
 *   scan of real text sits in almost all the time are packed together at the front of the arrays;
 * - the root's transitions are a direct table `rootNext[class]`;
 * - `nodes` holds one 4-int record per node: [first edge, end of edges, failure link, emit], where
 *   emit = first node on the failure chain (itself included) that ends a pattern, or -1 — so
 *   reporting costs nothing when nothing ends;
 * - `edges` holds (class, target) pairs, sorted by class within a node; since children have
 *   consecutive ids, edge e leads to node e + 1, and the scan only reads `labels` (the classes, two
 *   bytes per edge). A node with at most WIDE_FROM - 1 children is looked up by a short linear scan;
 * - a wider node (the hubs: mostly first characters of many terms) has an open-addressing hash table
 *   of classes in `wideClass` (targets beside it in `wideTarget`), at most half full, so a lookup —
 *   hit or miss — is about one probe: its record holds the table's first slot as edge start and
 *   ~log2(size), a negative number, as edge end;
 * - the scan itself reads `compact`, the same records in half the bytes (2 ints per node), so that the
 *   records of the shallow nodes it mostly visits stay in cache: a goto word, (first edge << 3 |
 *   number of edges) for a narrow node, ~(first slot << 5 | log2 table size) for a wide one; and a
 *   failure word, the failure link, bit-inverted when something ends at the node (emit ≠ -1);
 * - `depth`, `liveDepth`, `out` and `dictLink` are only read when something ends or is pending.
 */

export interface AutomatonArrays {
  readonly classOf: Uint16Array;
  readonly rootNext: Int32Array;
  /**
   * NODE_STRIDE ints per node: edge start, edge end (for a wide node: first slot of its table in
   * `wideClass`, ~log2 of the table size), failure link, emit.
   */
  readonly nodes: Int32Array;
  /** 2 ints per edge: class, target node (every node's children, wide nodes included). */
  readonly edges: Int32Array;
  /** COMPACT_STRIDE ints per node: goto word, failure word (see the layout above). */
  readonly compact: Int32Array;
  /** labels[e] = class of edge e (edge e leads to node e + 1). */
  readonly labels: Uint16Array;
  /** Hash tables of the wide nodes' children: class per slot (0 when free)… */
  readonly wideClass: Uint16Array;
  /** …and the child it leads to. */
  readonly wideTarget: Int32Array;
  readonly depth: Int32Array;
  /**
   * Depth of the deepest node on this node's failure chain (itself included) that still has children:
   * how far back a match that is not complete yet can start. Text before `pos - liveDepth` can take
   * part in no future match.
   */
  readonly liveDepth: Int32Array;
  /** Pattern id ending exactly at this node, or -1. */
  readonly out: Int32Array;
  /** Next node on the failure chain that ends a pattern, or -1. */
  readonly dictLink: Int32Array;
  /** Length in code units of each pattern. */
  readonly patternLength: Int32Array;
}

export const NODE_STRIDE = 4;
export const EDGE_LO = 0;
export const EDGE_HI = 1;
export const FAIL = 2;
export const EMIT = 3;
/** Nodes (other than the root) with at least this many children get a hash table (at most 7: see `compact`). */
export const WIDE_FROM = 5;
export const COMPACT_STRIDE = 2;
/** Multiplier of the wide nodes' hash (Fibonacci hashing: the top bits of class × 2^32/φ). */
export const HASH = -1640531535; // 0x9e3779b1 as int32

/** Builds the automaton for distinct, non-empty patterns; pattern id = index in the array. */
export function buildAutomaton(patterns: readonly string[]): AutomatonArrays {
  const classOf = new Uint16Array(65536);
  let classCount = 0;
  // Trie construction. Node count is at most 1 + total pattern length, so the scratch arrays are
  // sized up front; transitions live in an open-addressing table keyed by (parent, class).
  let maxNodes = 1;
  for (const pattern of patterns) maxNodes += pattern.length;
  const parent = new Int32Array(maxNodes);
  const label = new Uint16Array(maxNodes);
  const nodeDepth = new Int32Array(maxNodes);
  const terminal = new Int32Array(maxNodes).fill(-1);
  const patternLength = new Int32Array(patterns.length);
  const bits = Math.max(4, 32 - Math.clz32(2 * maxNodes - 1));
  const mask = (1 << bits) - 1;
  const slotParent = new Int32Array(1 << bits).fill(-1);
  const slotClass = new Uint16Array(1 << bits);
  const slotChild = new Int32Array(1 << bits);
  let nodeTotal = 1;

  for (let p = 0; p < patterns.length; p++) {
    const pattern = patterns[p]!;
    if (pattern.length === 0) throw new RangeError(`pattern ${p} is empty`);
    patternLength[p] = pattern.length;
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const unit = pattern.charCodeAt(i);
      let c = classOf[unit]!;
      if (c === 0) {
        if (classCount === 65535) throw new RangeError('too many distinct characters in patterns');
        c = classOf[unit] = ++classCount;
      }
      let h = Math.imul(Math.imul(node, HASH) ^ c, 0x2c1b3c6d) >>> (32 - bits);
      let next = -1;
      for (; slotParent[h] !== -1; h = (h + 1) & mask) {
        if (slotParent[h] === node && slotClass[h] === c) {
          next = slotChild[h]!;
          break;
        }
      }
      if (next === -1) {
        next = nodeTotal++;
        slotParent[h] = node;
        slotClass[h] = c;
        slotChild[h] = next;
        parent[next] = node;
        label[next] = c;
        nodeDepth[next] = nodeDepth[node]! + 1;
      }
      node = next;
    }
    // Duplicate patterns are the caller's to merge; keep the first id.
    if (terminal[node] === -1) terminal[node] = p;
  }

  const nodeCount = nodeTotal;
  const rootNext = new Int32Array(classCount + 1);
  // Children lists in CSR form (trie ids), sorted by class within each node.
  const trieStart = new Int32Array(nodeCount + 1);
  for (let v = 1; v < nodeCount; v++) trieStart[parent[v]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) trieStart[v + 1]! += trieStart[v]!;
  const edgeCount = nodeCount - 1;
  const trieClass = new Uint16Array(edgeCount);
  const trieTarget = new Int32Array(edgeCount);
  const fill = trieStart.slice(0, nodeCount);
  for (let v = 1; v < nodeCount; v++) {
    const at = fill[parent[v]!]!++;
    trieClass[at] = label[v]!;
    trieTarget[at] = v;
  }
  sortEdgeSegments(trieStart, trieClass, trieTarget, nodeCount);

  // Breadth-first numbering: order[new id] = trie id. Children of a node get consecutive ids in
  // class order, so in the renumbered CSR edge e leads to node e + 1.
  const order = new Int32Array(nodeCount);
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const u = order[head]!;
    for (let e = trieStart[u]!; e < trieStart[u + 1]!; e++) order[tail++] = trieTarget[e]!;
  }
  const edgeStart = new Int32Array(nodeCount + 1);
  const edgeClass = new Uint16Array(edgeCount);
  const out = new Int32Array(nodeCount);
  const depth = new Int32Array(nodeCount);
  for (let u = 0; u < nodeCount; u++) {
    const old = order[u]!;
    const lo = trieStart[old]!;
    const degree = trieStart[old + 1]! - lo;
    const at = edgeStart[u]!;
    edgeStart[u + 1] = at + degree;
    for (let k = 0; k < degree; k++) edgeClass[at + k] = trieClass[lo + k]!;
    out[u] = terminal[old]!;
    depth[u] = nodeDepth[old]!;
  }
  for (let e = edgeStart[0]!; e < edgeStart[1]!; e++) rootNext[edgeClass[e]!] = e + 1;

  const dictLink = new Int32Array(nodeCount).fill(-1);
  const liveDepth = new Int32Array(nodeCount);
  const nodes = new Int32Array(nodeCount * NODE_STRIDE);
  const edges = new Int32Array(edgeCount * 2);
  for (let u = 0; u < nodeCount; u++) {
    nodes[u * NODE_STRIDE + EDGE_LO] = edgeStart[u]!;
    nodes[u * NODE_STRIDE + EDGE_HI] = edgeStart[u + 1]!;
    nodes[u * NODE_STRIDE + EMIT] = -1;
  }
  for (let e = 0; e < edgeCount; e++) {
    edges[2 * e] = edgeClass[e]!;
    edges[2 * e + 1] = e + 1;
  }
  const { wideClass, wideTarget } = buildWide(nodes, edgeStart, edgeClass, nodeCount);
  const compact = new Int32Array(nodeCount * COMPACT_STRIDE);
  const arrays: AutomatonArrays = {
    classOf,
    rootNext,
    nodes,
    compact,
    edges,
    labels: edgeClass,
    wideClass,
    wideTarget,
    depth,
    liveDepth,
    out,
    dictLink,
    patternLength,
  };
  const fail = (u: number) => nodes[u * NODE_STRIDE + FAIL]!;

  // Failure links in breadth-first order, which is id order: a node's failure target (shallower) and
  // its parent are done before it. Children of the root fail to the root (0).
  for (let u = 0; u < nodeCount; u++) {
    const f = fail(u);
    if (u !== 0) {
      dictLink[u] = out[f] !== -1 ? f : dictLink[f]!;
      nodes[u * NODE_STRIDE + EMIT] = out[u] !== -1 ? u : dictLink[u]!;
      liveDepth[u] = edgeStart[u + 1]! > edgeStart[u]! ? depth[u]! : liveDepth[f]!;
    }
    if (u === 0) continue;
    for (let e = edgeStart[u]!; e < edgeStart[u + 1]!; e++) {
      const c = edgeClass[e]!;
      let g = f;
      let target = transition(arrays, g, c);
      while (target === -1) {
        g = fail(g);
        target = transition(arrays, g, c);
      }
      nodes[(e + 1) * NODE_STRIDE + FAIL] = target;
    }
  }
  if (edgeCount >= 1 << 28 || wideClass.length >= 1 << 26) {
    throw new RangeError('automaton too large for the compact node layout');
  }
  for (let u = 1; u < nodeCount; u++) {
    const lo = nodes[u * NODE_STRIDE + EDGE_LO]!;
    const hi = nodes[u * NODE_STRIDE + EDGE_HI]!;
    const f = nodes[u * NODE_STRIDE + FAIL]!;
    compact[u * COMPACT_STRIDE] = hi < 0 ? ~((lo << 5) | ~hi) : (lo << 3) | (hi - lo);
    compact[u * COMPACT_STRIDE + 1] = nodes[u * NODE_STRIDE + EMIT] !== -1 ? ~f : f;
  }
  return arrays;
}

/** Goto function: child of `node` on class `c`; for the root, 0 when it has none; -1 otherwise. */
export function transition(a: AutomatonArrays, node: number, c: number): number {
  if (node === 0) return a.rootNext[c]!;
  const { nodes, edges } = a;
  let lo = nodes[node * NODE_STRIDE + EDGE_LO]!;
  const hi = nodes[node * NODE_STRIDE + EDGE_HI]!;
  if (hi < 0) {
    const bits = ~hi;
    const mask = (1 << bits) - 1;
    for (let h = Math.imul(c, HASH) >>> (32 - bits); ; h = (h + 1) & mask) {
      const k = a.wideClass[lo + h]!;
      if (k === c) return a.wideTarget[lo + h]!;
      if (k === 0) return -1;
    }
  }
  for (; lo < hi; lo++) if (edges[2 * lo] === c) return edges[2 * lo + 1]!;
  return -1;
}

/**
 * Gives every wide node an open-addressing hash table of its children in `wideClass`/`wideTarget`:
 * a power-of-two number of (class, target) slots, at most half full, class 0 marking a free slot; the slot of class c
 * is HASH(c) >>> (32 - bits), then the next ones (linear probing). Stores the table's first slot as the
 * node's edge start and ~bits as its edge end.
 */
function buildWide(
  nodes: Int32Array,
  edgeStart: Int32Array,
  edgeClass: Uint16Array,
  nodeCount: number,
): { wideClass: Uint16Array; wideTarget: Int32Array } {
  let slots = 0;
  for (let u = 1; u < nodeCount; u++) {
    const degree = edgeStart[u + 1]! - edgeStart[u]!;
    if (degree >= WIDE_FROM) slots += 1 << tableBits(degree);
  }
  const wideClass = new Uint16Array(slots);
  const wideTarget = new Int32Array(slots);
  let at = 0;
  for (let u = 1; u < nodeCount; u++) {
    const lo = edgeStart[u]!;
    const hi = edgeStart[u + 1]!;
    if (hi - lo < WIDE_FROM) continue;
    const bits = tableBits(hi - lo);
    const mask = (1 << bits) - 1;
    for (let e = lo; e < hi; e++) {
      const c = edgeClass[e]!;
      let h = Math.imul(c, HASH) >>> (32 - bits);
      while (wideClass[at + h] !== 0) h = (h + 1) & mask;
      wideClass[at + h] = c;
      wideTarget[at + h] = e + 1;
    }
    nodes[u * NODE_STRIDE + EDGE_LO] = at;
    nodes[u * NODE_STRIDE + EDGE_HI] = ~bits;
    at += 1 << bits;
  }
  return { wideClass, wideTarget };
}

/** log2 of the table size for a wide node: at least twice its children. */
function tableBits(degree: number): number {
  return 32 - Math.clz32(2 * degree - 1);
}

/**
 * The scan's step for a class c ≠ 0: from state `s`, follow goto and failure links over the compact
 * records (see the layout above) to the next state. Shared by the stream and whole-text scanners; small
 * enough for V8 to inline into their loops.
 */
export function advance(a: AutomatonArrays, s: number, c: number): number {
  const { rootNext, compact, labels, wideClass, wideTarget } = a;
  for (;;) {
    if (s === 0) return rootNext[c]!;
    const goto = compact[2 * s]!;
    if (goto < 0) {
      // Wide node: its hash table, about one probe.
      const start = ~goto >>> 5;
      const bits = ~goto & 31;
      const mask = (1 << bits) - 1;
      for (let h = Math.imul(c, HASH) >>> (32 - bits); ; h = (h + 1) & mask) {
        const k = wideClass[start + h]!;
        if (k === c) return wideTarget[start + h]!;
        if (k === 0) break;
      }
    } else {
      const lo = goto >>> 3;
      const hi = lo + (goto & 7);
      for (let e = lo; e < hi; e++) if (labels[e] === c) return e + 1;
    }
    const f = compact[2 * s + 1]!;
    s = f < 0 ? ~f : f;
  }
}

/** Failure link of a node. */
export function failOf(a: AutomatonArrays, node: number): number {
  return a.nodes[node * NODE_STRIDE + FAIL]!;
}

/** First node on the failure chain from `node` (inclusive) that ends a pattern, or -1. */
export function emitOf(a: AutomatonArrays, node: number): number {
  return a.nodes[node * NODE_STRIDE + EMIT]!;
}

/** Number of nodes. */
export function nodeCount(a: AutomatonArrays): number {
  return a.nodes.length / NODE_STRIDE;
}

/** Next state from `state` on code unit `unit` (following failure links). */
export function step(a: AutomatonArrays, state: number, unit: number): number {
  const c = a.classOf[unit]!;
  if (c === 0) return 0;
  let s = state;
  for (;;) {
    const t = transition(a, s, c);
    if (t !== -1) return t;
    s = a.nodes[s * NODE_STRIDE + FAIL]!;
  }
}

function sortEdgeSegments(
  edgeStart: Int32Array,
  edgeClass: Uint16Array,
  edgeTarget: Int32Array,
  nodeCount: number,
): void {
  for (let u = 0; u < nodeCount; u++) {
    const lo = edgeStart[u]!;
    const hi = edgeStart[u + 1]!;
    if (hi - lo < 2) continue;
    if (hi - lo <= 32) {
      for (let i = lo + 1; i < hi; i++) {
        const c = edgeClass[i]!;
        const t = edgeTarget[i]!;
        let j = i - 1;
        while (j >= lo && edgeClass[j]! > c) {
          edgeClass[j + 1] = edgeClass[j]!;
          edgeTarget[j + 1] = edgeTarget[j]!;
          j--;
        }
        edgeClass[j + 1] = c;
        edgeTarget[j + 1] = t;
      }
    } else {
      // Large fan-out (the root and a few hubs): sort packed (class, target) keys.
      const keys = new Float64Array(hi - lo);
      for (let i = lo; i < hi; i++) keys[i - lo] = edgeClass[i]! * 2 ** 32 + edgeTarget[i]!;
      keys.sort();
      for (let i = lo; i < hi; i++) {
        const k = keys[i - lo]!;
        edgeClass[i] = Math.floor(k / 2 ** 32);
        edgeTarget[i] = k % 2 ** 32;
      }
    }
  }
}
