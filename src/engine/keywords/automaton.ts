/**
 * Aho–Corasick automaton over UTF-16 code units, compiled into flat typed arrays (no object per
 * node) so it is cache-friendly to scan, cheap to serialise and loads without parsing.
 *
 * Layout (chosen for memory locality: a scan step touches one node record and one edge slice):
 * - `classOf[codeUnit]` maps a code unit to a dense class id (0 = appears in no pattern, which
 *   sends the scan straight back to the root without walking failure links);
 * - the root's transitions are a direct table `rootNext[class]`;
 * - `nodes` holds one 4-int record per node: [first edge, end of edges, failure link, emit], where
 *   emit = first node on the failure chain (itself included) that ends a pattern, or -1 — so
 *   reporting costs nothing when nothing ends;
 * - `edges` holds (class, target) pairs, sorted by class within a node (nodes mostly have one or two
 *   children, so a short linear scan wins; wide nodes are binary-searched);
 * - `depth`, `liveDepth`, `out` and `dictLink` are only read when something ends or is pending.
 */

export interface AutomatonArrays {
  readonly classOf: Uint16Array;
  readonly rootNext: Int32Array;
  /** NODE_STRIDE ints per node: edge start, edge end, failure link, emit. */
  readonly nodes: Int32Array;
  /** 2 ints per edge: class, target node. */
  readonly edges: Int32Array;
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
const LINEAR_SEARCH_LIMIT = 8;

/** Builds the automaton for distinct, non-empty patterns; pattern id = index in the array. */
export function buildAutomaton(patterns: readonly string[]): AutomatonArrays {
  const classOf = new Uint16Array(65536);
  let classCount = 0;
  // Trie construction: transitions keyed by parent * 65536 + code unit. Plain arrays here are
  // build-time scratch; the compiled form below is typed arrays only.
  const children = new Map<number, number>();
  const parent: number[] = [0];
  const label: number[] = [0];
  const nodeDepth: number[] = [0];
  const terminal: number[] = [-1];
  const patternLength = new Int32Array(patterns.length);

  for (let p = 0; p < patterns.length; p++) {
    const pattern = patterns[p]!;
    if (pattern.length === 0) throw new RangeError(`pattern ${p} is empty`);
    patternLength[p] = pattern.length;
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const unit = pattern.charCodeAt(i);
      if (classOf[unit] === 0) {
        if (classCount === 65535) throw new RangeError('too many distinct characters in patterns');
        classOf[unit] = ++classCount;
      }
      const key = node * 65536 + unit;
      let next = children.get(key);
      if (next === undefined) {
        next = parent.length;
        children.set(key, next);
        parent.push(node);
        label.push(classOf[unit]!);
        nodeDepth.push(nodeDepth[node]! + 1);
        terminal.push(-1);
      }
      node = next;
    }
    // Duplicate patterns are the caller's to merge; keep the first id.
    if (terminal[node] === -1) terminal[node] = p;
  }

  const nodeCount = parent.length;
  const rootNext = new Int32Array(classCount + 1);
  // Children lists in CSR form, sorted by class within each node.
  const edgeStart = new Int32Array(nodeCount + 1);
  for (let v = 1; v < nodeCount; v++) edgeStart[parent[v]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) edgeStart[v + 1]! += edgeStart[v]!;
  const edgeCount = nodeCount - 1;
  const edgeClass = new Uint16Array(edgeCount);
  const edgeTarget = new Int32Array(edgeCount);
  const fill = edgeStart.slice(0, nodeCount);
  for (let v = 1; v < nodeCount; v++) {
    const u = parent[v]!;
    const at = fill[u]!++;
    edgeClass[at] = label[v]!;
    edgeTarget[at] = v;
    if (u === 0) rootNext[label[v]!] = v;
  }
  sortEdgeSegments(edgeStart, edgeClass, edgeTarget, nodeCount);

  const out = Int32Array.from(terminal);
  const dictLink = new Int32Array(nodeCount).fill(-1);
  const depth = Int32Array.from(nodeDepth);
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
    edges[2 * e + 1] = edgeTarget[e]!;
  }
  const arrays: AutomatonArrays = {
    classOf,
    rootNext,
    nodes,
    edges,
    depth,
    liveDepth,
    out,
    dictLink,
    patternLength,
  };
  const fail = (u: number) => nodes[u * NODE_STRIDE + FAIL]!;

  // Breadth-first failure links.
  const queue = new Int32Array(nodeCount);
  let head = 0;
  let tail = 0;
  for (let e = edgeStart[0]!; e < edgeStart[1]!; e++) queue[tail++] = edgeTarget[e]!;
  while (head < tail) {
    const u = queue[head++]!;
    const f = fail(u);
    dictLink[u] = out[f] !== -1 ? f : dictLink[f]!;
    nodes[u * NODE_STRIDE + EMIT] = out[u] !== -1 ? u : dictLink[u]!;
    // BFS order: the failure target (shallower) is already done.
    liveDepth[u] = edgeStart[u + 1]! > edgeStart[u]! ? depth[u]! : liveDepth[f]!;
    for (let e = edgeStart[u]!; e < edgeStart[u + 1]!; e++) {
      const v = edgeTarget[e]!;
      const c = edgeClass[e]!;
      let g = f;
      let target = transition(arrays, g, c);
      while (target === -1) {
        g = fail(g);
        target = transition(arrays, g, c);
      }
      nodes[v * NODE_STRIDE + FAIL] = target;
      queue[tail++] = v;
    }
  }
  return arrays;
}

/** Goto function: child of `node` on class `c`; for the root, 0 when it has none; -1 otherwise. */
export function transition(a: AutomatonArrays, node: number, c: number): number {
  if (node === 0) return a.rootNext[c]!;
  const { nodes, edges } = a;
  let lo = nodes[node * NODE_STRIDE + EDGE_LO]!;
  let hi = nodes[node * NODE_STRIDE + EDGE_HI]!;
  if (hi - lo <= LINEAR_SEARCH_LIMIT) {
    for (; lo < hi; lo++) if (edges[2 * lo] === c) return edges[2 * lo + 1]!;
    return -1;
  }
  hi--;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = edges[2 * mid]!;
    if (m === c) return edges[2 * mid + 1]!;
    if (m < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
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
