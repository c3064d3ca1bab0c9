/**
 * `npm run bench`: hegui's keyword matcher against fastscan, aho-corasick, mint-filter and
 * modern-ahocorasick, in one process. Prints the tables and writes bench/RESULTS.md.
 *
 * Environment: HEGUI_SHARED_DATA (data folder, default ../shared/data), BENCH_QUICK=1 (one corpus round,
 * one timed pass — for trying the harness; never for RESULTS.md), BENCH_NO_WRITE=1 (print only).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  KeywordMatcher,
  buildLibrary,
  deserializeMatcher,
  parseKeywordText,
  serializeMatcher,
  step,
  type KeywordLibrary,
} from '../src/engine/keywords/index.js';
import {
  MissingDataError,
  REPO_ROOT,
  buildCorpus,
  loadTerms,
  sampleTerms,
  sharedDataDir,
  type Corpus,
} from './corpus.js';
import {
  CONTENDERS,
  HEGUI_OFF,
  HEGUI_ON,
  RAW_OPTIONS,
  heguiScanner,
  type Contender,
  type Scanner,
  type TermSet,
} from './contenders.js';
import {
  EVASION_CASES,
  EVASION_STEPS,
  EVASION_TERMS,
  NEGATIVE_CASES,
  PINYIN_CATEGORIES,
  evasionLibraryText,
} from './evasion-cases.js';
import { fixed, mark, mb, mdTable, median, visible, type Cell } from './report.js';

const SEED = 20240407;
const QUICK = process.env.BENCH_QUICK === '1';
const MIN_CORPUS_BYTES = QUICK ? 1 : 20e6;
const TIMED_PASSES = QUICK ? 1 : 3;
const LOAD_RUNS = 9;
const SAMPLE_TERMS = 10_000;
const COMMAND = 'npm run bench   # = node --expose-gc --import tsx bench/run.ts';

const gcFn = (globalThis as { gc?: () => void }).gc;
function gc(): void {
  gcFn!();
  gcFn!();
}
const log = (msg: string) => process.stderr.write(msg + '\n');

// ---------------------------------------------------------------------------------------------

interface ThroughputRow {
  name: string;
  ours: boolean;
  normalises: boolean;
  buildMs: number;
  heapDelta: number;
  bufferDelta: number;
  passMs: number[];
  mbps: number;
  matches: number;
  /** Distinct matched substrings per document of round 0 (agreement check, full list only). */
  found?: string[][];
  tableBytes?: number;
}

function scanAll(scanner: Scanner, docs: readonly string[], from = 0, to = docs.length): number {
  let n = 0;
  for (let i = from; i < to; i++) n += scanner.count(docs[i]!);
  return n;
}

function runThroughput(label: string, set: TermSet, corpus: Corpus, collectFound: boolean): ThroughputRow[] {
  const rows: ThroughputRow[] = [];
  for (const contender of CONTENDERS) {
    rows.push(measure(label, contender, set, corpus, collectFound));
    gc();
  }
  return rows;
}

/** One contender; a function of its own so nothing it built is reachable once it returns. */
function measure(
  label: string,
  contender: Contender,
  set: TermSet,
  corpus: Corpus,
  collectFound: boolean,
): ThroughputRow {
  const round0End = corpus.roundStart[1]!;
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const scanner = contender.build(set);
  const buildMs = performance.now() - t0;
  gc();
  const after = process.memoryUsage();
  log(`[${label}] ${contender.name}: built in ${fixed(buildMs, 0)} ms; warming up`);
  scanAll(scanner, corpus.docs, 0, round0End);
  const passMs: number[] = [];
  let matches = 0;
  for (let p = 0; p < TIMED_PASSES; p++) {
    gc();
    const t = performance.now();
    const n = scanAll(scanner, corpus.docs);
    passMs.push(performance.now() - t);
    if (p === 0) matches = n;
    else if (n !== matches) throw new Error(`${contender.name}: match count changed between passes`);
  }
  const row: ThroughputRow = {
    name: contender.name,
    ours: contender.ours,
    normalises: contender.normalises,
    buildMs,
    heapDelta: after.heapUsed - before.heapUsed,
    bufferDelta: after.arrayBuffers - before.arrayBuffers,
    passMs,
    mbps: corpus.totalBytes / 1e6 / (median(passMs) / 1000),
    matches,
  };
  if (scanner.matcher) row.tableBytes = scanner.matcher.tableBytes;
  if (collectFound && contender.name !== HEGUI_ON) {
    row.found = [];
    for (let i = 0; i < round0End; i++) row.found.push([...scanner.found(corpus.docs[i]!)].sort());
  }
  log(
    `[${label}] ${contender.name}: ${fixed(row.mbps, 2)} MB/s (passes ${passMs.map((x) => fixed(x, 0)).join(', ')} ms)`,
  );
  return row;
}

// ---------------------------------------------------------------------------------------------
// Agreement

interface Disagreement {
  doc: number;
  term: string;
  kind: 'missing' | 'extra';
  reason: string;
}

interface AgreementRow {
  name: string;
  docsAgree: number;
  docs: number;
  refPairs: number;
  missing: number;
  extra: number;
  reasons: Map<string, number>;
  examples: Disagreement[];
}

function agreement(rows: ThroughputRow[], corpus: Corpus, set: TermSet): AgreementRow[] {
  const ref = rows.find((r) => r.name === HEGUI_OFF)!.found!;
  const termSet = new Set(set.terms);
  const lowerTerms = new Set(set.terms.map((t) => t.toLowerCase()));
  const raw = KeywordMatcher.compile(set.library, RAW_OPTIONS).data.automaton;
  // mint-filter lower-cases terms and text: its automaton is the one of the lower-cased terms.
  const lower = (t: string) =>
    [...t].map((ch) => (ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch)).join('');
  const lowerLibrary = buildLibrary([
    { entries: set.library.entries.map((e) => ({ ...e, term: lower(e.term) })), diagnostics: [] },
  ]);
  const rawLower = KeywordMatcher.compile(lowerLibrary, RAW_OPTIONS).data.automaton;
  const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });
  const boundaryCache = new Map<number, Set<number>>();
  const bounds = (d: number) => {
    let b = boundaryCache.get(d);
    if (!b) {
      b = new Set([corpus.docs[d]!.length]);
      for (const s of segmenter.segment(corpus.docs[d]!)) b.add(s.index);
      boundaryCache.set(d, b);
    }
    return b;
  };
  /** Is some occurrence of `t` in the doc the tail of a longer path in the trie (automaton depth > |t|)? */
  const insideLongerPath = (d: number, term: string, lowerCase: boolean): boolean => {
    const doc = lowerCase ? lower(corpus.docs[d]!) : corpus.docs[d]!;
    const t = lowerCase ? lower(term) : term;
    const a = lowerCase ? rawLower : raw;
    let s = 0;
    for (let i = 0; i < doc.length; i++) {
      s = step(a, s, doc.charCodeAt(i));
      if (i + 1 >= t.length && doc.startsWith(t, i + 1 - t.length) && a.depth[s]! > t.length) return true;
    }
    return false;
  };
  const onGraphemeBoundaries = (d: number, t: string): boolean => {
    const doc = corpus.docs[d]!;
    const b = bounds(d);
    for (let at = doc.indexOf(t); at !== -1; at = doc.indexOf(t, at + 1)) {
      if (b.has(at) && b.has(at + t.length)) return true;
    }
    return false;
  };
  const result: AgreementRow[] = [];
  for (const row of rows) {
    if (!row.found || row.name === HEGUI_OFF) continue;
    const out: AgreementRow = {
      name: row.name,
      docsAgree: 0,
      docs: ref.length,
      refPairs: 0,
      missing: 0,
      extra: 0,
      reasons: new Map(),
      examples: [],
    };
    const note = (dis: Disagreement) => {
      out.reasons.set(dis.reason, (out.reasons.get(dis.reason) ?? 0) + 1);
      if (out.examples.filter((e) => e.reason === dis.reason).length < 2) out.examples.push(dis);
    };
    for (let d = 0; d < ref.length; d++) {
      const want = new Set(ref[d]);
      const got = new Set(row.found[d]);
      out.refPairs += want.size;
      let same = want.size === got.size;
      for (const t of want) {
        if (got.has(t)) continue;
        same = false;
        out.missing++;
        const grapheme = 'term starts/ends inside a grapheme cluster (matches whole graphemes only)';
        const tail = 'term is the tail of a longer trie path (no output along failure links)';
        const checks: [() => boolean, string][] = row.name.startsWith('modern')
          ? [
              [() => !onGraphemeBoundaries(d, t), grapheme],
              [() => insideLongerPath(d, t, row.name === 'mint-filter'), tail],
            ]
          : [
              [() => insideLongerPath(d, t, row.name === 'mint-filter'), tail],
              [() => !onGraphemeBoundaries(d, t), grapheme],
            ];
        const reason = checks.find(([test]) => test())?.[1] ?? 'unexplained';
        note({ doc: d, term: t, kind: 'missing', reason });
      }
      for (const t of got) {
        if (want.has(t)) continue;
        same = false;
        out.extra++;
        const reason =
          !termSet.has(t) && lowerTerms.has(t.toLowerCase())
            ? 'case-insensitive match (lower-cases terms and text)'
            : 'unexplained';
        note({ doc: d, term: t, kind: 'extra', reason });
      }
      if (same) out.docsAgree++;
    }
    result.push(out);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Evasion

interface EvasionRow {
  name: string;
  perStep: Map<string, number>;
  total: number;
  negativesFired: number;
  exactSpans: number;
}

function runEvasion(): { rows: EvasionRow[]; missedByHegui: string[] } {
  const parsed = parseKeywordText(evasionLibraryText(), 'evasion-terms.txt');
  const library = buildLibrary([parsed]);
  const set: TermSet = { terms: library.entries.map((e) => e.term), library };
  const rows: EvasionRow[] = [];
  const missedByHegui: string[] = [];
  for (const contender of CONTENDERS) {
    const ours = contender.name === HEGUI_ON;
    const scanner = ours
      ? heguiScanner(KeywordMatcher.compile(library, { pinyinCategories: PINYIN_CATEGORIES }))
      : contender.build(set);
    const row: EvasionRow = {
      name: contender.name,
      perStep: new Map(),
      total: 0,
      negativesFired: 0,
      exactSpans: 0,
    };
    for (const c of EVASION_CASES) {
      let caught: boolean;
      if (scanner.matcher) {
        const m = scanner.matcher;
        const hits = m.scan(c.text).filter((h) => m.entries(h.pattern).some((e) => e.term === c.term));
        caught = hits.length > 0;
        if (hits.some((h) => c.text.slice(h.start, h.end) === c.evasion)) row.exactSpans++;
      } else {
        caught = [...scanner.found(c.text)].some((s) => s.toLowerCase() === c.term);
      }
      if (caught) {
        row.total++;
        row.perStep.set(c.step, (row.perStep.get(c.step) ?? 0) + 1);
      } else if (ours) missedByHegui.push(c.id);
    }
    for (const n of NEGATIVE_CASES) if (scanner.found(n.text).size > 0) row.negativesFired++;
    rows.push(row);
  }
  return { rows, missedByHegui };
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  bytes: number;
  readMs: number;
  loadMs: number[];
  identical: boolean;
}

function runLoad(matcher: KeywordMatcher, corpus: Corpus): LoadResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hegui-bench-'));
  try {
    const file = path.join(dir, 'library.bin');
    writeFileSync(file, serializeMatcher(matcher));
    const readStart = performance.now();
    const bytes = readFileSync(file);
    const readMs = performance.now() - readStart;
    const loadMs: number[] = [];
    let loaded: KeywordMatcher | undefined;
    for (let i = 0; i < LOAD_RUNS; i++) {
      gc();
      const t = performance.now();
      loaded = deserializeMatcher(bytes, file);
      loadMs.push(performance.now() - t);
    }
    let identical = true;
    const key = (m: KeywordMatcher, doc: string) =>
      m
        .scan(doc)
        .map((h) => `${h.start}:${h.end}:${m.entries(h.pattern).map((e) => e.term)}`)
        .join(',');
    for (let i = 0; i < Math.min(300, corpus.docs.length); i++) {
      if (key(loaded!, corpus.docs[i]!) !== key(matcher, corpus.docs[i]!)) identical = false;
    }
    return { bytes: bytes.length, readMs, loadMs, identical };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

/** hegui compile timings (median of 3, warm), then the binary round trip of the normalise-ON matcher. */
function heguiBuildAndLoad(library: KeywordLibrary, corpus: Corpus) {
  const compileOn: number[] = [];
  const compileOff: number[] = [];
  let on: KeywordMatcher | undefined;
  for (let i = 0; i < 3; i++) {
    gc();
    let t = performance.now();
    on = KeywordMatcher.compile(library);
    compileOn.push(performance.now() - t);
    gc();
    t = performance.now();
    KeywordMatcher.compile(library, RAW_OPTIONS);
    compileOff.push(performance.now() - t);
  }
  const matcher = on!;
  return {
    compileOn,
    compileOff,
    load: runLoad(matcher, corpus),
    heguiDiagnostics: matcher.diagnostics.filter((d) => d.message.includes('normalises to nothing')).length,
    heguiPatterns: matcher.patternCount,
  };
}

function throughputTable(rows: ThroughputRow[]): {
  table: string;
  fastest: ThroughputRow;
  on: ThroughputRow;
} {
  const competitors = rows.filter((r) => !r.ours);
  const fastest = competitors.reduce((a, b) => (b.mbps > a.mbps ? b : a));
  const on = rows.find((r) => r.name === HEGUI_ON)!;
  const table = mdTable(
    [
      'contender',
      'normalises',
      'MB/s (median)',
      'timed passes (ms)',
      `× fastest contender (${fastest.name})`,
      'matches',
    ],
    rows.map((r) => [
      r.ours ? `**${r.name}**` : r.name,
      r.normalises ? 'yes' : 'no',
      fixed(r.mbps, 2),
      r.passMs.map((x) => fixed(x, 0)).join(' / '),
      fixed(r.mbps / fastest.mbps, 2) + '×',
      r.matches.toLocaleString('en-US'),
    ]),
  );
  return { table, fastest, on };
}

async function main(): Promise<number> {
  if (!gcFn) {
    console.error('bench: run with --expose-gc (npm run bench does).');
    return 1;
  }
  let dataDir: string;
  try {
    dataDir = sharedDataDir();
  } catch (err) {
    if (err instanceof MissingDataError) {
      console.error(`bench: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const started = performance.now();
  log(`data: ${dataDir}`);
  const list = loadTerms(dataDir);
  const corpus = buildCorpus(dataDir, MIN_CORPUS_BYTES, SEED);
  const sample = sampleTerms(list, SAMPLE_TERMS, SEED);
  log(
    `terms: ${list.terms.length} (sample ${sample.terms.length}); corpus: ${corpus.docs.length} docs, ${mb(corpus.totalBytes)} MB in ${corpus.rounds} rounds`,
  );

  // hegui compile timings (median of 3, warm) before anything else fills the heap.
  const { compileOn, compileOff, load, heguiDiagnostics, heguiPatterns } = heguiBuildAndLoad(
    list.library,
    corpus,
  );
  gc();
  log(`load: ${fixed(median(load.loadMs), 1)} ms median`);

  const full = runThroughput(`${list.terms.length} terms`, list, corpus, true);
  const agree = agreement(full, corpus, list);
  const small = runThroughput(`${sample.terms.length} terms`, sample, corpus, false);
  const evasion = runEvasion();
  const totalSeconds = (performance.now() - started) / 1000;

  // ---------------------------------------------------------------- report
  const fullT = throughputTable(full);
  const smallT = throughputTable(small);
  const throughputRatio = fullT.on.mbps / fullT.fastest.mbps;
  const heguiBuildTotal = list.parseMs + median(compileOn);
  const loadMedian = median(load.loadMs);
  const heguiEvasion = evasion.rows.find((r) => r.name === HEGUI_ON)!;
  const bars: Cell[][] = [
    [
      `scan throughput, ${list.terms.length.toLocaleString('en-US')} terms: hegui normalise ON ≥ 3× fastest contender`,
      `${fixed(fullT.on.mbps, 2)} MB/s vs ${fullT.fastest.name} ${fixed(fullT.fastest.mbps, 2)} MB/s = ${fixed(throughputRatio, 2)}×`,
      mark(throughputRatio >= 3),
    ],
    [
      `(anchor) scan throughput, ${sample.terms.length.toLocaleString('en-US')} terms`,
      `${fixed(smallT.on.mbps, 2)} MB/s vs ${smallT.fastest.name} ${fixed(smallT.fastest.mbps, 2)} MB/s = ${fixed(smallT.on.mbps / smallT.fastest.mbps, 2)}×`,
      mark(smallT.on.mbps / smallT.fastest.mbps >= 3),
    ],
    [
      'build of the full automaton < 1 s (hegui normalise ON: `KeywordMatcher.compile`, first/cold build)',
      `${fixed(compileOn[0]!, 0)} ms cold, ${fixed(median(compileOn), 0)} ms warm median (reading + parsing the files adds ${fixed(list.parseMs, 0)} ms: ${fixed(heguiBuildTotal, 0)} ms from files)`,
      mark(compileOn[0]! < 1000),
    ],
    [
      'load of the binary < 50 ms (deserializeMatcher, median)',
      `${fixed(loadMedian, 1)} ms for ${mb(load.bytes)} MB${load.identical ? '' : ' (LOADED MATCHER SCANS DIFFERENTLY!)'}`,
      mark(loadMedian < 50 && load.identical),
    ],
    [
      'evasion suite: hegui catches every case',
      `${heguiEvasion.total}/${EVASION_CASES.length} (exact span ${heguiEvasion.exactSpans}/${EVASION_CASES.length})`,
      mark(heguiEvasion.total === EVASION_CASES.length && heguiEvasion.exactSpans === EVASION_CASES.length),
    ],
  ];

  const buildRows = full.map((r) => [
    r.ours ? `**${r.name}**` : r.name,
    fixed(r.buildMs, 0),
    mb(r.heapDelta),
    mb(r.bufferDelta),
    mb(r.heapDelta + r.bufferDelta),
    r.tableBytes === undefined ? '—' : mb(r.tableBytes),
  ]);

  const agreeRows = agree.map((a) => [
    a.name,
    `${fixed((100 * a.docsAgree) / a.docs, 2)}% (${a.docsAgree}/${a.docs})`,
    fixed(100 - (100 * (a.missing + a.extra)) / Math.max(1, a.refPairs), 3) + '%',
    a.missing,
    a.extra,
    [...a.reasons].map(([reason, n]) => `${n}× ${reason}`).join('; ') || '—',
  ]);
  const examples = agree.flatMap((a) =>
    a.examples.map((e) => {
      const doc = corpus.docs[e.doc]!;
      const at = doc.indexOf(e.term);
      const context =
        at === -1 ? '' : doc.slice(Math.max(0, at - 6), at + e.term.length + 6).replace(/\s+/g, ' ');
      return [
        a.name,
        e.kind,
        JSON.stringify(visible(e.term)),
        `doc ${e.doc}: …${visible(context)}…`,
        e.reason,
      ];
    }),
  );

  const evasionRows = evasion.rows.map((r) => [
    r.name.startsWith('hegui') ? `**${r.name}**` : r.name,
    ...EVASION_STEPS.map(
      (s) => `${r.perStep.get(s) ?? 0}/${EVASION_CASES.filter((c) => c.step === s).length}`,
    ),
    `${r.total}/${EVASION_CASES.length}`,
    `${r.negativesFired}/${NEGATIVE_CASES.length}`,
  ]);

  const date = new Date().toISOString();
  const md = `# Keyword matcher benchmark

Generated by \`npm run bench\` (bench/run.ts) — do not edit by hand.${QUICK ? '\n\n**QUICK MODE (BENCH_QUICK=1): one corpus round, one timed pass; not a valid result.**' : ''}

- date: ${date}
- machine: ${os.availableParallelism()} CPU (\`nproc\`), ${os.cpus()[0]?.model ?? '?'}, ${mb(os.totalmem())} MB RAM, ${os.platform()} ${os.release()}
- node: ${process.version}
- command: \`${COMMAND}\`
- total run time: ${fixed(totalSeconds, 0)} s

## Bars

${mdTable(['bar', 'measured', ''], bars)}

## Inputs

**Terms.** ${list.files} files — \`sensitive-words-houbb/dict_v20240407.txt\` and every \`sensitive-lexicon-konsheng/Vocabulary/*.txt\` — ${list.lines.toLocaleString('en-US')} non-empty lines, parsed with hegui's \`parseKeywordText\` (lines trimmed); ${list.refused} lines refused (they contain control characters — garbage lines in the houbb dict), ${list.duplicates.toLocaleString('en-US')} duplicates dropped → **${list.terms.length.toLocaleString('en-US')} distinct terms**, the same list for every contender. The anchor set is a seeded random sample of ${sample.terms.length.toLocaleString('en-US')} of them. With normalisation ON hegui folds them into ${heguiPatterns.toLocaleString('en-US')} patterns (${heguiDiagnostics} terms normalise to nothing and are skipped).

**Corpus.** ${corpus.distinctTexts.toLocaleString('en-US')} texts, ${mb(corpus.distinctBytes)} MB of distinct UTF-8 text:

${mdTable(
  ['source', 'texts', 'MB'],
  corpus.sources.map((s) => [s.name, s.texts.toLocaleString('en-US'), mb(s.bytes)]),
)}

The texts are concatenated (newline-joined, seeded shuffle) into documents of 1–6 KB of UTF-8, the size a gateway scans per request. That is less than 20 MB of distinct text, so the corpus is **${corpus.rounds} rounds of the same texts, each regrouped in a different seeded order** (round r uses seed ${SEED} + 7919·r; the under-1 KB tail of a round is dropped, ${corpus.droppedTailBytes} bytes in all): **${corpus.docs.length.toLocaleString('en-US')} documents, ${mb(corpus.totalBytes)} MB** (MB = 10⁶ bytes of UTF-8). Every contender scans every document separately, one call per document.

**Method.** One process, contenders one after another. For each: \`gc()\`, build, \`gc()\` (memory measured here), one warm-up pass over round 0 (${mb(corpus.roundStart[1]! === corpus.docs.length ? corpus.totalBytes : corpus.docBytes.slice(0, corpus.roundStart[1]!).reduce((a, b) => a + b, 0))} MB), then ${TIMED_PASSES} timed passes over the whole corpus with \`gc()\` before each; MB/s is from the median pass. "matches" is the number of matches the library reports for one pass through its all-matches call (see bench/contenders.ts).

## Scan throughput — ${list.terms.length.toLocaleString('en-US')} terms

${fullT.table}

## Scan throughput — ${sample.terms.length.toLocaleString('en-US')} terms (seeded sample)

${smallT.table}

hegui normalise ON matches differ from the raw contenders by design: it also finds folded variants (case, width, traditional, separators …) and its default word boundaries drop pure-ASCII terms inside longer ASCII words.

## Agreement (no normalisation)

Reference: **hegui normalise OFF** (\`normalize: false, wordBoundaries: false\`, every overlapping occurrence). Compared per document of round 0 (${agree[0]?.docs ?? 0} documents, each text once): the set of distinct matched substrings of the document (libraries differ in whether they give positions and overlaps; the set of matched strings is what all of them can report). "pair agreement" = 1 − (missing + extra) / reference (document, term) pairs (${agree[0]?.refPairs.toLocaleString('en-US') ?? 0}). Disagreements are classified automatically: a missing term that begins or ends inside a grapheme cluster of the document; a missing term that only occurs as the tail of a longer path in the trie (the automaton is deeper than the term there, so only a library that follows output/failure links reports it); an extra string that is a term only case-insensitively.

${mdTable(['contender', 'documents agreeing', 'pair agreement', 'missing', 'extra', 'reasons'], agreeRows)}

${examples.length > 0 ? `A few disagreements (terms from the lists, shown as found):\n\n${mdTable(['contender', 'kind', 'term', 'where', 'reason'], examples)}` : 'No disagreements.'}

## Build, memory and load — ${list.terms.length.toLocaleString('en-US')} terms

Build = constructor from the term array (hegui: \`KeywordMatcher.compile\` from the parsed library), first build in the process (cold JIT). Memory = growth of \`heapUsed\` and of \`arrayBuffers\` (typed-array backing stores live outside the JS heap) across the build, after \`gc()\`, while the built matcher is alive.

${mdTable(['contender', 'build (ms)', 'heap Δ (MB)', 'arrayBuffers Δ (MB)', 'total Δ (MB)', 'tableBytes (MB)'], buildRows)}

hegui, warm (median of 3): compile normalise ON ${fixed(median(compileOn), 0)} ms (${compileOn.map((x) => fixed(x, 0)).join(' / ')}), normalise OFF ${fixed(median(compileOff), 0)} ms (${compileOff.map((x) => fixed(x, 0)).join(' / ')}); reading the ${list.files} files + \`parseKeywordText\` + \`buildLibrary\`: ${fixed(list.parseMs, 0)} ms.

**Binary (normalise ON):** \`serializeMatcher\` → ${mb(load.bytes)} MB file; \`readFileSync\` ${fixed(load.readMs, 1)} ms; \`deserializeMatcher\` on those bytes, median of ${LOAD_RUNS}: **${fixed(loadMedian, 1)} ms** (${load.loadMs.map((x) => fixed(x, 1)).join(' / ')}; includes the integrity check of the body). The loaded matcher ${load.identical ? 'gives identical hits' : '**DOES NOT give identical hits**'} on the first 300 documents.

## Evasion suite

${EVASION_CASES.length} cases in bench/evasion-cases.ts (${EVASION_STEPS.length} steps), ${NEGATIVE_CASES.length} benign negatives. Every contender gets the same ${EVASION_TERMS.length}-term list; hegui normalise ON is compiled with \`pinyinCategories: ${JSON.stringify(PINYIN_CATEGORIES)}\` (the category of the CJK terms). A contender catches a case when it reports the banned term (case-insensitively, for mint-filter's sake); hegui must report it with a hit covering exactly the evasion span (test/evasion.test.ts asserts the spans in \`npm test\`). "negatives fired" counts benign texts on which it reports anything.

${mdTable(['contender', ...EVASION_STEPS, 'total', 'negatives fired'], evasionRows)}
${evasion.missedByHegui.length > 0 ? `\nhegui missed: ${evasion.missedByHegui.join(', ')}\n` : ''}`;

  console.log(md);
  if (!process.env.BENCH_NO_WRITE) {
    writeFileSync(path.join(REPO_ROOT, 'bench/RESULTS.md'), md);
    log(`wrote bench/RESULTS.md (${fixed(totalSeconds, 0)} s)`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
