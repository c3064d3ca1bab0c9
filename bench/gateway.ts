/**
 * `npm run bench:gateway`: hegui's gateway against a direct call, a bare undici pass-through proxy and
 * Portkey's gateway (without and with a 500-word guardrail), all in front of the same fake OpenAI
 * upstream. Writes bench/GATEWAY-RESULTS.md (see there for the method).
 *
 * Every server is a child process on 127.0.0.1 (bench/support/leash.cjs pins `listen` and ends the child
 * with this process); the load generator (autocannon) and the sequential TTFB client (undici) run here.
 *
 * Environment: BENCH_ROUNDS (load rounds, default 3), BENCH_DURATION (s per contender, mode and round,
 * default 5), BENCH_WARMUP (s, before a contender's first round, default 2),
 * BENCH_CONNECTIONS (default 50), BENCH_SEQUENTIAL (sequential requests per contender and mode, default
 * 300), BENCH_ONLY (comma-separated contender keys: direct,bare,portkey,portkey-guard,hegui), BENCH_MODES
 * (json,stream),
 * BENCH_KEYWORDS (a compiled .bin; default: the two shared lists compiled once into
 * $TMPDIR/hegui-bench-big.bin), HEGUI_SHARED_DATA (default ../shared/data), BENCH_HEGUI_PROF (a folder:
 * run hegui with --cpu-prof into it), BENCH_HEGUI_JS (a `tsc -p tsconfig.build.json --outDir …` folder: run
 * hegui from compiled JS instead of tsx, e.g. for a profile with real line numbers), BENCH_NO_WRITE=1
 * (print only). Runs with BENCH_ONLY or BENCH_MODES never write the results file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import Database from 'better-sqlite3';
import { Client } from 'undici';
import { machineBusyMs, processCpuMs, startChild, type Child } from './support/children.js';
import { PORTKEY_ENTRY, PORTKEY_HEADER_LIMIT, guardrailWords, portkeyHeaders } from './support/portkey.js';
import { ANSWER, chatBody } from './support/texts.js';

const REPO = path.resolve(import.meta.dirname, '..');
const env = process.env;
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const DURATION = Number(env.BENCH_DURATION ?? 5);
const WARMUP = Number(env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 50);
const SEQUENTIAL = Number(env.BENCH_SEQUENTIAL ?? 300);
const SEQ_WARMUP = 50;
const SHARED = env.HEGUI_SHARED_DATA ?? path.resolve(REPO, '../shared/data');
const HOUBB = path.join(SHARED, 'sensitive-words-houbb/dict_v20240407.txt');
const KONSHENG = path.join(SHARED, 'sensitive-lexicon-konsheng/Vocabulary');
const CHAT = '/v1/chat/completions';
const NOTES_MARKER = '<!-- notes: written by hand, kept by the generator -->';

type Mode = 'json' | 'stream';
const MODES: readonly Mode[] = (['json', 'stream'] as const).filter(
  (m) => !env.BENCH_MODES || env.BENCH_MODES.split(',').includes(m),
);

interface Target {
  key: string;
  label: string;
  origin: string;
  pathPrefix: string;
  headers: Record<string, string>;
  /** The proxy process whose CPU is measured (null for direct). */
  child: Child | null;
  stop(): Promise<void>;
  /** Extra facts collected while the contender runs (hegui: metrics, audit rows). */
  notes: string[];
}

interface Sanity {
  ok: boolean;
  status: number;
  detail: string;
}

interface LoadRun {
  sanity: Sanity;
  seconds: number;
  result: Result;
  okPerSec: number;
  errors: number;
  statusCodes: Record<string, number>;
  proxyCpuMsPerReq: number | null;
  upstreamCpuMsPerReq: number;
  loadGenCpuMsPerReq: number;
  /** Share of the machine's busy CPU time during the run used by processes outside this benchmark. */
  foreignShare: number;
  loadAvg: number;
  /** Rounds combined into this figure (medians), and the spread of the per-round figures. */
  rounds: number;
  cpuRange: [number, number] | null;
  okRange: [number, number];
}

interface SeqRun {
  ok: number;
  bad: number;
  total: number[];
  firstByte: number[];
  firstContent: number[];
  firstError: string;
}

interface ContenderResult {
  key: string;
  label: string;
  load: Partial<Record<Mode, LoadRun>>;
  seq: Partial<Record<Mode, SeqRun>>;
  notes: string[];
  failure?: string;
}

// --------------------------------------------------------------------------------------------------
// Keyword library

function ensureKeywords(): { file: string; summary: string } {
  const file = env.BENCH_KEYWORDS || path.join(os.tmpdir(), 'hegui-bench-big.bin');
  const summaryFile = `${file}.summary`;
  const engine = path.join(REPO, 'src/engine/keywords');
  const newestSource = Math.max(...readdirSync(engine).map((f) => statSync(path.join(engine, f)).mtimeMs));
  // A cached library older than the matcher's sources may be in an old binary format: rebuild it.
  if (existsSync(file) && (env.BENCH_KEYWORDS || statSync(file).mtimeMs > newestSource)) {
    return { file, summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8').trim() : 'given' };
  }
  const lists = [
    HOUBB,
    ...readdirSync(KONSHENG)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => path.join(KONSHENG, f)),
  ];
  process.stderr.write(
    `compiling the keyword library (houbb + ${lists.length - 1} konsheng files) into ${file} …\n`,
  );
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'keywords', 'compile', ...lists, '-o', file],
    { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
  );
  const line = (run.stderr ?? '').split('\n').find((l) => l.includes(' terms, ')) ?? '';
  if (run.status !== 0 || !existsSync(file)) {
    throw new Error(`keyword compile failed (${run.status}): ${(run.stderr ?? '').slice(-2000)}`);
  }
  const summary = line.replace(`${file}: `, '').trim() || `${lists.length} lists`;
  writeFileSync(summaryFile, summary);
  return { file, summary };
}

// --------------------------------------------------------------------------------------------------
// Requests

function bodyOf(mode: Mode): string {
  return chatBody(mode === 'stream');
}

function headersOf(target: Target): Record<string, string> {
  return { ...target.headers, 'content-type': 'application/json' };
}

/** Joins the content deltas of an SSE body; null if it is not a well-formed stream ending in [DONE]. */
function sseContent(text: string): { content: string; finish: string | null; done: boolean } {
  let content = '';
  let finish: string | null = null;
  let done = false;
  for (const event of text.split('\n\n')) {
    const line = event.split('\n').find((l) => l.startsWith('data:'));
    if (!line) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const json = JSON.parse(data) as { choices?: { delta?: { content?: string }; finish_reason?: string }[] };
    const choice = json.choices?.[0];
    if (choice?.delta?.content) content += choice.delta.content;
    if (choice?.finish_reason) finish = choice.finish_reason;
  }
  return { content, finish, done };
}

/** One request, checked word for word: 200, the full answer, finish_reason stop, nothing blocked. */
async function sanity(target: Target, mode: Mode): Promise<Sanity> {
  try {
    const res = await fetch(`${target.origin}${target.pathPrefix}${CHAT}`, {
      method: 'POST',
      headers: headersOf(target),
      body: bodyOf(mode),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status !== 200) return { ok: false, status: res.status, detail: text.slice(0, 300) };
    if (mode === 'json') {
      const json = JSON.parse(text) as {
        choices?: { message?: { content?: string }; finish_reason?: string }[];
        hegui?: unknown;
      };
      const choice = json.choices?.[0];
      const ok = choice?.message?.content === ANSWER && choice.finish_reason === 'stop' && !json.hegui;
      return { ok, status: 200, detail: ok ? 'full answer' : text.slice(0, 300) };
    }
    const s = sseContent(text);
    const ok = s.content === ANSWER && s.finish === 'stop' && s.done;
    return {
      ok,
      status: 200,
      detail: ok
        ? 'full answer, 50 deltas'
        : `content ${JSON.stringify(s.content.slice(0, 80))}, finish ${s.finish}, done ${s.done}`,
    };
  } catch (err) {
    return { ok: false, status: 0, detail: (err as Error).message };
  }
}

function verifier(mode: Mode): (body: string) => boolean {
  // autocannon decodes each network chunk separately (multi-byte characters may be cut), so check ASCII
  // markers only; the sanity request above checked the text itself.
  if (mode === 'json') return (b) => b.includes('OK-END') && b.includes('"finish_reason":"stop"');
  return (b) => b.includes('[DONE]') && b.includes('"finish_reason":"stop"') && !b.includes('content_filter');
}

/** One measured load round (after a warm-up on the first round). */
async function load(target: Target, mode: Mode, upstreamPid: number, first: boolean): Promise<LoadRun> {
  const check = await sanity(target, mode);
  // A contender that fails its check request is still loaded, briefly, to record how it fails.
  const seconds = check.ok ? DURATION : Math.min(DURATION, 2);
  const options = {
    url: `${target.origin}${target.pathPrefix}${CHAT}`,
    connections: CONNECTIONS,
    method: 'POST',
    headers: headersOf(target),
    body: bodyOf(mode),
    verifyBody: verifier(mode),
    timeout: 10,
  };
  if (first && check.ok && WARMUP > 0) await autocannon({ ...options, duration: WARMUP });
  const pid = target.child?.pid ?? null;
  const before = {
    proxy: pid ? processCpuMs(pid) : 0,
    upstream: processCpuMs(upstreamPid),
    self: process.cpuUsage(),
    machine: machineBusyMs(),
  };
  const result = await autocannon({ ...options, duration: seconds });
  const self = process.cpuUsage(before.self);
  const proxyMs = pid ? processCpuMs(pid) - before.proxy : 0;
  const upstreamMs = processCpuMs(upstreamPid) - before.upstream;
  const selfMs = (self.user + self.system) / 1000;
  const machineMs = machineBusyMs() - before.machine;
  const n = Math.max(1, result.requests.total);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]),
  );
  return {
    sanity: check,
    seconds,
    result,
    // autocannon counts a non-2xx response as a body mismatch too.
    okPerSec: (result['2xx'] - Math.max(0, result.mismatches - result.non2xx)) / result.duration,
    errors: result.errors + result.timeouts + result.non2xx + Math.max(0, result.mismatches - result.non2xx),
    statusCodes,
    proxyCpuMsPerReq: pid ? proxyMs / n : null,
    upstreamCpuMsPerReq: upstreamMs / n,
    loadGenCpuMsPerReq: selfMs / n,
    foreignShare: machineMs > 0 ? Math.max(0, 1 - (proxyMs + upstreamMs + selfMs) / machineMs) : 0,
    loadAvg: os.loadavg()[0]!,
    rounds: 1,
    cpuRange: pid ? [proxyMs / n, proxyMs / n] : null,
    okRange: [0, 0],
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Rounds → one figure: medians of the per-round figures, sums of the counts, the CPU and req/s spread. */
function combine(runs: LoadRun[]): LoadRun {
  const sum = (pick: (r: Result) => number) => runs.reduce((a, r) => a + pick(r.result), 0);
  const statusCodes: Record<string, number> = {};
  for (const r of runs)
    for (const [c, n] of Object.entries(r.statusCodes)) statusCodes[c] = (statusCodes[c] ?? 0) + n;
  const cpus = runs.map((r) => r.proxyCpuMsPerReq).filter((x): x is number => x !== null);
  const oks = runs.map((r) => r.okPerSec);
  const result = {
    ...runs[0]!.result,
    latency: {
      ...runs[0]!.result.latency,
      p50: median(runs.map((r) => r.result.latency.p50)),
      p99: median(runs.map((r) => r.result.latency.p99)),
    },
    '2xx': sum((r) => r['2xx']),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    mismatches: sum((r) => r.mismatches),
  };
  return {
    sanity: runs.find((r) => !r.sanity.ok)?.sanity ?? runs[0]!.sanity,
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
    result,
    okPerSec: median(oks),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    statusCodes,
    proxyCpuMsPerReq: cpus.length ? median(cpus) : null,
    upstreamCpuMsPerReq: median(runs.map((r) => r.upstreamCpuMsPerReq)),
    loadGenCpuMsPerReq: median(runs.map((r) => r.loadGenCpuMsPerReq)),
    foreignShare: median(runs.map((r) => r.foreignShare)),
    loadAvg: median(runs.map((r) => r.loadAvg)),
    rounds: runs.length,
    cpuRange: cpus.length ? [Math.min(...cpus), Math.max(...cpus)] : null,
    okRange: [Math.min(...oks), Math.max(...oks)],
  };
}

/** One request on a keep-alive connection: full time, time to first byte, to first content. */
async function timedRequest(
  client: Client,
  target: Target,
  mode: Mode,
): Promise<{ good: boolean; total: number; byte: number; content: number; error: string }> {
  const t0 = performance.now();
  let tByte = 0;
  let tContent = 0;
  let text = '';
  let status = 0;
  let error = '';
  try {
    const res = await client.request({
      path: `${target.pathPrefix}${CHAT}`,
      method: 'POST',
      headers: headersOf(target),
      body: bodyOf(mode),
    });
    status = res.statusCode;
    for await (const chunk of res.body) {
      if (tByte === 0) tByte = performance.now();
      text += (chunk as Buffer).toString('latin1');
      if (tContent === 0 && mode === 'stream' && /"content":"[^"]/.test(text)) tContent = performance.now();
    }
  } catch (err) {
    error = (err as Error).message;
  }
  const tEnd = performance.now();
  const good = status === 200 && (mode === 'json' ? text.includes('OK-END') : text.includes('[DONE]'));
  if (!good && !error) error = `HTTP ${status}: ${text.slice(0, 200)}`;
  return { good, total: tEnd - t0, byte: tByte - t0, content: (tContent || tEnd) - t0, error };
}

/**
 * Sequential requests, one at a time, interleaved across contenders (request i goes to every contender
 * in turn, the order rotating each round), so the machine's noise falls on all of them alike.
 */
async function sequentialInterleaved(targets: Target[], mode: Mode): Promise<Map<string, SeqRun>> {
  const runs = new Map<string, SeqRun>();
  const clients = new Map<string, Client>();
  for (const t of targets) {
    runs.set(t.key, { ok: 0, bad: 0, total: [], firstByte: [], firstContent: [], firstError: '' });
    clients.set(t.key, new Client(t.origin, { pipelining: 1 }));
  }
  const deadline = Date.now() + 120_000;
  try {
    for (let i = 0; i < SEQ_WARMUP + SEQUENTIAL && Date.now() < deadline; i++) {
      for (let k = 0; k < targets.length; k++) {
        const target = targets[(i + k) % targets.length]!;
        const run = runs.get(target.key)!;
        if (run.bad > 20) continue; // a contender that cannot serve this mode stops being asked
        const r = await timedRequest(clients.get(target.key)!, target, mode);
        if (!r.good) {
          run.firstError ||= r.error;
          if (i >= SEQ_WARMUP) run.bad++;
          continue;
        }
        if (i < SEQ_WARMUP) continue;
        run.ok++;
        run.total.push(r.total);
        run.firstByte.push(r.byte);
        if (mode === 'stream') run.firstContent.push(r.content);
      }
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
  return runs;
}

/** Shows the guardrail is live: a prompt carrying one of its words must be denied. */
async function guardrailProbe(target: Target, word: string): Promise<string> {
  const res = await fetch(`${target.origin}${target.pathPrefix}${CHAT}`, {
    method: 'POST',
    headers: headersOf(target),
    body: JSON.stringify({
      model: 'bench-model',
      messages: [{ role: 'user', content: `请解释${word}是什么意思` }],
    }),
    signal: AbortSignal.timeout(15_000),
  }).catch((err: unknown) => ({ status: 0, text: async () => (err as Error).message }));
  const text = await res.text();
  return `guardrail probe (a prompt with one of the 500 words): HTTP ${res.status}${res.status === 446 ? ' (denied, as configured)' : ' — NOT denied'}; ${text.replace(/\s+/g, ' ').slice(0, 160)}`;
}

// --------------------------------------------------------------------------------------------------
// Contenders

async function startUpstream(): Promise<{ child: Child; v1: string; origin: string }> {
  const child = startChild('upstream', ['--import', 'tsx', 'bench/support/upstream.ts'], { cwd: REPO });
  const port = (await child.waitFor(/LOOPBACK_LISTEN (\d+)/))[1];
  return { child, origin: `http://127.0.0.1:${port}`, v1: `http://127.0.0.1:${port}/v1` };
}

function directTarget(up: { origin: string }): Target {
  return {
    key: 'direct',
    label: 'direct to the upstream',
    origin: up.origin,
    pathPrefix: '',
    headers: {},
    child: null,
    stop: async () => {},
    notes: [],
  };
}

async function bareTarget(up: { origin: string }): Promise<Target> {
  const child = startChild('bare', ['--import', 'tsx', 'bench/support/bare-proxy.ts', up.origin], {
    cwd: REPO,
  });
  const port = (await child.waitFor(/LOOPBACK_LISTEN (\d+)/))[1];
  return {
    key: 'bare',
    label: 'bare undici proxy (baseline)',
    origin: `http://127.0.0.1:${port}`,
    pathPrefix: '',
    headers: {},
    child,
    stop: async () => void (await child.stop()),
    notes: [],
  };
}

async function portkeyTarget(up: { v1: string }, words: readonly string[] | null): Promise<Target> {
  const child = startChild(
    words ? 'portkey-guard' : 'portkey',
    [`--max-http-header-size=${PORTKEY_HEADER_LIMIT}`, PORTKEY_ENTRY, '--port=0', '--headless'],
    { cwd: REPO, env: { NODE_ENV: 'production' } },
  );
  const port = (await child.waitFor(/LOOPBACK_LISTEN (\d+)/))[1];
  const origin = `http://127.0.0.1:${port}`;
  // Portkey prints its banner after a 1 s spinner; wait until it answers.
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${origin}/`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    key: words ? 'portkey-guard' : 'portkey',
    label: words
      ? `Portkey 1.15.2 + ${words.length}-word guardrail (in + out)`
      : 'Portkey 1.15.2, no guardrail',
    origin,
    pathPrefix: '',
    headers: portkeyHeaders(up.v1, words),
    child,
    stop: async () => void (await child.stop()),
    notes: [],
  };
}

async function heguiTarget(up: { v1: string }, keywords: string): Promise<Target> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hegui-bench-gw-'));
  const prof = env.BENCH_HEGUI_PROF
    ? [`--cpu-prof`, `--cpu-prof-dir=${path.resolve(env.BENCH_HEGUI_PROF)}`]
    : [];
  const started = performance.now();
  const child = startChild(
    'hegui',
    [
      ...prof,
      ...(env.BENCH_HEGUI_JS
        ? [path.resolve(env.BENCH_HEGUI_JS, 'cli/index.js')]
        : ['--import', 'tsx', 'src/cli/index.ts']),
      'serve',
      '--port',
      '0',
      '--upstream',
      up.v1,
    ],
    {
      cwd: REPO,
      env: {
        HEGUI_KEYWORDS: keywords,
        HEGUI_DATA_DIR: dataDir,
        HEGUI_HOST: '127.0.0.1',
        HEGUI_CONFIG: '',
        HEGUI_POLICY: '',
        HEGUI_DATABASE_URL: '',
        HEGUI_REDIS_URL: '',
      },
    },
  );
  const url = (await child.waitFor(/listening on (http:\/\/\S+)/, 180_000))[1]!;
  const key = (await child.waitFor(/^\s+(hg_\S+)$/m))[1]!;
  const startMs = performance.now() - started;
  const target: Target = {
    key: 'hegui',
    label: 'hegui (in + out moderation, SQLite audit)',
    origin: url,
    pathPrefix: '',
    headers: { authorization: `Bearer ${key}` },
    child,
    notes: [`start-up with the library: ${(startMs / 1000).toFixed(1)} s`],
    stop: async () => {
      try {
        const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
        const pick = (name: string) =>
          metrics
            .split('\n')
            .filter((l) => l.startsWith(name))
            .map((l) => l.replace(name, '').trim())
            .join('; ');
        target.notes.push(`/metrics requests: ${pick('hegui_requests_total')}`);
        target.notes.push(`/metrics verdicts: ${pick('hegui_verdicts_total')}`);
      } catch (err) {
        target.notes.push(`/metrics unreadable: ${(err as Error).message}`);
      }
      const code = await child.stop(20_000);
      target.notes.push(`exit code ${code}`);
      try {
        const db = new Database(path.join(dataDir, 'hegui.db'), { readonly: true });
        const row = db.prepare('select count(*) as n from audit_events').get() as { n: number };
        const byStatus = db
          .prepare(
            'select status, error_code as code, count(*) as n from audit_events group by status, error_code order by n desc',
          )
          .all() as { status: number; code: string | null; n: number }[];
        const moderation = db
          .prepare('select moderation_ms as m from audit_events where status = 200 order by moderation_ms')
          .all() as { m: number }[];
        // The sequential runs come last: non-stream, then stream, each SEQ_WARMUP + SEQUENTIAL events.
        const last = db
          .prepare(
            'select latency_ms as l, upstream_ms as u, moderation_ms as m from audit_events order by seq desc limit ?',
          )
          .all(2 * (SEQ_WARMUP + SEQUENTIAL)) as { l: number; u: number | null; m: number }[];
        db.close();
        const median = (xs: number[]) => q(xs, 0.5);
        for (const [label, rows] of [
          ['stream', last.slice(0, SEQUENTIAL)],
          ['non-stream', last.slice(SEQ_WARMUP + SEQUENTIAL, SEQ_WARMUP + 2 * SEQUENTIAL)],
        ] as const) {
          target.notes.push(
            `sequential ${label}, as the audit log saw it (p50): request-to-audit ${f(median(rows.map((r) => r.l)), 3)} ms, ` +
              `of which waiting for the upstream's headers ${f(median(rows.map((r) => r.u ?? NaN)), 3)} ms and moderation ${f(median(rows.map((r) => r.m)), 3)} ms`,
          );
        }
        target.notes.push(
          `audit events committed: ${row.n} (${byStatus.map((r) => `${r.n}× ${r.status}${r.code ? ` ${r.code}` : ''}`).join(', ')}); ` +
            `moderation time per OK request (audit \`moderation_ms\`): p50 ${f(moderation[Math.floor(moderation.length / 2)]?.m, 3)} ms, ` +
            `p99 ${f(moderation[Math.floor(moderation.length * 0.99)]?.m, 3)} ms`,
        );
      } catch (err) {
        target.notes.push(`audit table unreadable: ${(err as Error).message}`);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return target;
}

// --------------------------------------------------------------------------------------------------
// Report

const q = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const f = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
const mark = (ok: boolean | null): string => (ok === null ? '–' : ok ? '✓' : '✗');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function loadTable(results: ContenderResult[], mode: Mode): string[] {
  const lines = [
    row([
      'contender',
      'OK req/s',
      'p50 ms',
      'p99 ms',
      '**proxy CPU ms/req**',
      'upstream CPU ms/req',
      'load-gen CPU ms/req',
      'responses',
      'errors',
      'other load',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const r of results) {
    const l = r.load[mode];
    if (!l) {
      lines.push(row([r.label, 'n/a', '', '', '', '', '', '', r.failure ?? 'not run', '']));
      continue;
    }
    const codes = Object.entries(l.statusCodes)
      .map(([c, n]) => `${n}×${c}`)
      .join(', ');
    const errs = [
      l.result.non2xx ? `${l.result.non2xx} non-2xx` : '',
      l.result.errors ? `${l.result.errors} socket errors` : '',
      l.result.timeouts ? `${l.result.timeouts} timeouts` : '',
      l.result.mismatches > l.result.non2xx ? `${l.result.mismatches - l.result.non2xx} bad bodies` : '',
    ].filter(Boolean);
    lines.push(
      row([
        r.label,
        l.rounds > 1 ? `${f(l.okPerSec, 0)} (${f(l.okRange[0], 0)}–${f(l.okRange[1], 0)})` : f(l.okPerSec, 0),
        l.result['2xx'] > 0 ? f(l.result.latency.p50, 0) : 'n/a',
        l.result['2xx'] > 0 ? f(l.result.latency.p99, 0) : 'n/a',
        l.proxyCpuMsPerReq === null
          ? '–'
          : `**${f(l.proxyCpuMsPerReq, 3)}**${l.cpuRange && l.rounds > 1 ? ` (${f(l.cpuRange[0], 3)}–${f(l.cpuRange[1], 3)})` : ''}`,
        f(l.upstreamCpuMsPerReq, 3),
        f(l.loadGenCpuMsPerReq, 3),
        codes || '0',
        errs.length ? errs.join(', ') : '0',
        `${(l.foreignShare * 100).toFixed(0)} % (load ${l.loadAvg.toFixed(1)})`,
      ]),
    );
  }
  return lines;
}

function seqTable(results: ContenderResult[], direct: ContenderResult | undefined): string[] {
  const dj = direct?.seq.json;
  const ds = direct?.seq.stream;
  const lines = [
    row([
      'contender',
      'non-stream p50 ms',
      'p99 ms',
      'added p50 / p99 vs direct',
      'stream first byte p50 ms',
      'p99 ms',
      'first byte added p50 vs direct',
      'first content p50 ms',
      'stream total p50 ms',
      'OK / failed',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const r of results) {
    const j = r.seq.json;
    const s = r.seq.stream;
    const added =
      j && dj && j.ok && dj.ok && r !== direct
        ? `${f(q(j.total, 0.5) - q(dj.total, 0.5))} / ${f(q(j.total, 0.99) - q(dj.total, 0.99))}`
        : '–';
    const ttfbAdded =
      s && ds && s.ok && ds.ok && r !== direct ? f(q(s.firstByte, 0.5) - q(ds.firstByte, 0.5)) : '–';
    lines.push(
      row([
        r.label,
        j?.ok ? f(q(j.total, 0.5)) : 'n/a',
        j?.ok ? f(q(j.total, 0.99)) : 'n/a',
        added,
        s?.ok ? f(q(s.firstByte, 0.5)) : 'n/a',
        s?.ok ? f(q(s.firstByte, 0.99)) : 'n/a',
        ttfbAdded,
        s?.ok ? f(q(s.firstContent, 0.5)) : 'n/a',
        s?.ok ? f(q(s.total, 0.5)) : 'n/a',
        `${j?.ok ?? 0}+${s?.ok ?? 0} / ${(j?.bad ?? 0) + (s?.bad ?? 0)}`,
      ]),
    );
  }
  return lines;
}

interface Bar {
  name: string;
  target: string;
  measured: string;
  ok: boolean | null;
}

function bars(results: ContenderResult[]): Bar[] {
  const by = (k: string) => results.find((r) => r.key === k);
  const hegui = by('hegui');
  const bare = by('bare');
  const direct = by('direct');
  const guard = by('portkey-guard');
  const out: Bar[] = [];
  for (const mode of MODES) {
    const h = hegui?.load[mode];
    const b = bare?.load[mode];
    const g = guard?.load[mode];
    const label = mode === 'json' ? 'non-stream' : 'stream';
    if (h && b) {
      const ratio = h.okPerSec / b.okPerSec;
      out.push({
        name: `${label}: hegui req/s ÷ bare proxy`,
        target: '≥ 0.8× (moonshot 0.9×)',
        measured: `${f(ratio)}× (${f(h.okPerSec, 0)} / ${f(b.okPerSec, 0)})`,
        ok: ratio >= 0.8,
      });
      const cpu = (h.proxyCpuMsPerReq ?? NaN) / (b.proxyCpuMsPerReq ?? NaN);
      out.push({
        name: `${label}: hegui CPU/req ÷ bare proxy`,
        target: '≤ 2×',
        measured: `${f(cpu)}× (${f(h.proxyCpuMsPerReq, 3)} / ${f(b.proxyCpuMsPerReq, 3)} ms)`,
        ok: cpu <= 2,
      });
    }
    if (h && g) {
      const usable = g.okPerSec > 0;
      const ratio = h.okPerSec / g.okPerSec;
      out.push({
        name: `${label}: hegui req/s ÷ Portkey with guardrails`,
        target: '≥ 10×',
        measured: usable
          ? `${f(ratio, 1)}× (${f(h.okPerSec, 0)} / ${f(g.okPerSec, 0)})`
          : `Portkey served 0 OK responses (${
              Object.entries(g.statusCodes)
                .map(([c, n]) => `${n}×${c}`)
                .join(', ') || `${g.errors} errors`
            })`,
        ok: usable ? ratio >= 10 : null,
      });
    }
  }
  const hj = hegui?.seq.json;
  const dj = direct?.seq.json;
  if (hj?.ok && dj?.ok) {
    const a50 = q(hj.total, 0.5) - q(dj.total, 0.5);
    const a99 = q(hj.total, 0.99) - q(dj.total, 0.99);
    out.push({
      name: 'added latency vs direct, sequential non-stream, p50',
      target: '≤ 1 ms',
      measured: `${f(a50)} ms`,
      ok: a50 <= 1,
    });
    out.push({
      name: 'added latency vs direct, sequential non-stream, p99',
      target: '≤ 5 ms',
      measured: `${f(a99)} ms`,
      ok: a99 <= 5,
    });
  }
  const hl = hegui?.load.json;
  const dl = direct?.load.json;
  if (hl && dl) {
    const a50 = hl.result.latency.p50 - dl.result.latency.p50;
    const a99 = hl.result.latency.p99 - dl.result.latency.p99;
    out.push({
      name: `added latency vs direct, under load (${CONNECTIONS} connections), p50 / p99`,
      target: '≤ 1 / ≤ 5 ms',
      measured: `${f(a50, 0)} / ${f(a99, 0)} ms (1 ms resolution)`,
      ok: a50 <= 1 && a99 <= 5,
    });
  }
  const hs = hegui?.seq.stream;
  const ds = direct?.seq.stream;
  if (hs?.ok && ds?.ok) {
    const t = q(hs.firstByte, 0.5) - q(ds.firstByte, 0.5);
    const c = q(hs.firstContent, 0.5) - q(ds.firstContent, 0.5);
    out.push({
      name: 'stream time to first byte, added vs direct (p50)',
      target: '≤ 2 ms',
      measured: `${f(t)} ms (first content: ${f(c)} ms)`,
      ok: t <= 2,
    });
  }
  return out;
}

function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean).length;
    return dirty ? `${head} (+ ${dirty} uncommitted file(s) under src/)` : head;
  } catch {
    return 'unknown';
  }
}

function report(
  results: ContenderResult[],
  meta: { started: Date; elapsedS: number; keywords: string; words: number; loadBefore: number[] },
): string {
  const cpus = os.cpus();
  const out: string[] = [];
  out.push('# Gateway benchmark: hegui vs a bare proxy, Portkey and a direct call');
  out.push('');
  out.push(
    '_Generated by `npm run bench:gateway` (bench/gateway.ts); everything above the notes marker is rewritten on each run._',
  );
  out.push('');
  out.push(`- Date: ${meta.started.toISOString()} (run took ${meta.elapsedS.toFixed(0)} s)`);
  out.push(
    `- Machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`,
  );
  out.push(
    `- Node ${process.version}; autocannon 9, undici 7, @portkey-ai/gateway 1.15.2; hegui at ${gitState()}`,
  );
  out.push(
    `- Load average when the run started: ${meta.loadBefore.map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`,
  );
  out.push(
    `- Command: \`npm run bench:gateway\` (= \`node --import tsx bench/gateway.ts\`), ${CONNECTIONS} connections, ` +
      `${ROUNDS} rounds × ${DURATION} s measured per contender and mode (every contender once per round; ${WARMUP} s warm-up before the first), ` +
      `${SEQUENTIAL} sequential requests per contender and mode (after ${SEQ_WARMUP} warm-up) for latency and TTFB`,
  );
  out.push(
    `- hegui: default policy \`policies/cn-default.yaml\`, input + output moderation with \`HEGUI_KEYWORDS\` = ${meta.keywords}; audit log on SQLite in a fresh temp data dir; log level info (no per-request logging)`,
  );
  out.push(
    `- Portkey guardrail: \`default.contains\` (operator \`none\`, deny) with ${meta.words} words from the houbb list, on input and output, inline in \`x-portkey-config\``,
  );
  out.push('');
  out.push(
    '**All of it shares 2 CPU cores**: the load generator (autocannon, in the bench process), the contender and the fake upstream (each its own process), ' +
      'and whatever else runs on the machine ("other load": the share of the machine\'s busy CPU time during the run used by processes outside the benchmark). ' +
      "Requests per second are therefore relative, not absolute capacity; **proxy CPU ms per request** (utime + stime of the contender's process from `/proc/<pid>/stat` over the measured run ÷ responses) is the most noise-resistant figure.",
  );
  out.push('');
  out.push('## Bars (issue 3)');
  out.push('');
  out.push(row(['bar', 'target', 'measured', '']));
  out.push(row(['---', '---', '---', ':---:']));
  for (const b of bars(results)) out.push(row([b.name, b.target, b.measured, mark(b.ok)]));
  out.push('');
  const perRound =
    ROUNDS > 1
      ? ` Figures are medians of the ${ROUNDS} rounds, the range in brackets is the lowest–highest round; counts are totals.`
      : '';
  out.push(`## Non-stream load (${CONNECTIONS} connections, ${ROUNDS} × ${DURATION} s)`);
  out.push('');
  out.push(`Latency from autocannon (1 ms resolution).${perRound}`);
  out.push('');
  out.push(...loadTable(results, 'json'));
  out.push('');
  out.push(
    `## Stream load (50 SSE chunks per answer, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION} s)`,
  );
  out.push('');
  out.push(...loadTable(results, 'stream'));
  out.push('');
  out.push(
    `## Sequential latency and time to first byte (one keep-alive connection per contender, ${SEQUENTIAL} requests each, interleaved request by request across contenders; undici)`,
  );
  out.push('');
  out.push(
    ...seqTable(
      results,
      results.find((r) => r.key === 'direct'),
    ),
  );
  out.push('');
  out.push('## What each contender said');
  out.push('');
  for (const r of results) {
    out.push(`- **${r.label}**`);
    for (const mode of MODES) {
      const l = r.load[mode];
      if (l)
        out.push(
          `  - ${mode} check request: HTTP ${l.sanity.status}, ${l.sanity.ok ? 'OK' : 'FAILED'} — ${l.sanity.detail.replace(/\s+/g, ' ').replace(/\|/g, '\\|')}`,
        );
      const s = r.seq[mode];
      if (s?.firstError)
        out.push(
          `  - ${mode} sequential: first failure: ${s.firstError.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300)}`,
        );
    }
    if (r.failure) out.push(`  - failed: ${r.failure}`);
    for (const n of r.notes) out.push(`  - ${n.replace(/\|/g, '\\|')}`);
  }
  out.push('');
  return out.join('\n');
}

// --------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
  const want = (k: string) => !only || only.has(k);
  const keywords = want('hegui') ? ensureKeywords() : { file: '', summary: '' };
  const words = guardrailWords(HOUBB, 500);
  const upstream = await startUpstream();
  const results: ContenderResult[] = [];
  const plan: [string, () => Promise<Target>][] = [
    ['direct', async () => directTarget(upstream)],
    ['bare', () => bareTarget(upstream)],
    // hegui's load runs right after the baseline's, so the two see the most similar machine.
    ['hegui', () => heguiTarget(upstream, keywords.file)],
    ['portkey', () => portkeyTarget(upstream, null)],
    ['portkey-guard', () => portkeyTarget(upstream, words)],
  ];
  const live: { target: Target; result: ContenderResult }[] = [];
  try {
    // Every contender is started up front (idle ones cost nothing) so the sequential rounds can
    // interleave them; the load runs go one contender at a time.
    for (const [key, start] of plan) {
      if (!want(key)) continue;
      const result: ContenderResult = { key, label: key, load: {}, seq: {}, notes: [] };
      results.push(result);
      try {
        const target = await start();
        result.label = target.label;
        live.push({ target, result });
      } catch (err) {
        result.failure = (err as Error).message.slice(0, 500);
        process.stderr.write(`${key}: ${result.failure}\n`);
      }
    }
    // Load rounds: every contender and mode once per round, so a change in the machine's other load
    // falls on all contenders rather than on one.
    const rounds = new Map<string, LoadRun[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const { target } of live) {
        for (const mode of MODES) {
          const l = await load(target, mode, upstream.child.pid, round === 0);
          const k = `${target.key}/${mode}`;
          rounds.set(k, [...(rounds.get(k) ?? []), l]);
          process.stderr.write(
            `round ${round + 1}/${ROUNDS} ${target.key} ${mode}: ${f(l.okPerSec, 0)} OK req/s, p50 ${l.result.latency.p50} ms, CPU ${f(l.proxyCpuMsPerReq, 3)} ms/req, ${l.errors} errors${l.sanity.ok ? '' : ` (check failed: ${l.sanity.detail.slice(0, 100)})`}\n`,
          );
        }
      }
    }
    for (const { target, result } of live) {
      for (const mode of MODES) result.load[mode] = combine(rounds.get(`${target.key}/${mode}`)!);
      if (target.key === 'portkey-guard') result.notes.push(await guardrailProbe(target, words[250]!));
    }
    for (const mode of MODES) {
      const runs = await sequentialInterleaved(
        live.map((l) => l.target),
        mode,
      );
      for (const { target, result } of live) {
        const s = runs.get(target.key)!;
        result.seq[mode] = s;
        process.stderr.write(
          `${target.key} ${mode}: sequential p50 ${f(q(s.total, 0.5))} ms, first byte ${f(q(s.firstByte, 0.5))} ms, ${s.ok} ok / ${s.bad} failed\n`,
        );
      }
    }
  } finally {
    for (const { target, result } of live) {
      const errText = target.child?.stderr() ?? '';
      await target
        .stop()
        .catch((err: unknown) => result.notes.push(`stop failed: ${(err as Error).message}`));
      result.notes.push(...target.notes);
      const listened = /LOOPBACK_LISTEN (\d+) \(host asked for: ([^)]*)\)/.exec(errText);
      if (listened)
        result.notes.push(`bound 127.0.0.1:${listened[1]} (the program asked for host: ${listened[2]})`);
      const typeErrors = [...new Set(errText.match(/TypeError: [^\n]+(\n\s+at [^\n]+){0,3}/g) ?? [])].slice(
        0,
        2,
      );
      for (const e of typeErrors)
        result.notes.push(`stderr: \`${e.replace(/\s+/g, ' ').replace(/file:\/\/\S*node_modules\//g, '')}\``);
    }
    await upstream.child.stop();
  }
  const md = report(results, {
    started,
    elapsedS: (performance.now() - t0) / 1000,
    keywords: `${keywords.file} (${keywords.summary})`,
    words: words.length,
    loadBefore,
  });
  process.stdout.write(`${md}\n`);
  if (env.BENCH_NO_WRITE !== '1' && !only && !env.BENCH_MODES) {
    // Hand-written notes below the marker survive a re-run.
    const file = path.join(REPO, 'bench/GATEWAY-RESULTS.md');
    const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const at = old.indexOf(NOTES_MARKER);
    writeFileSync(file, `${md}\n${at >= 0 ? old.slice(at) : `${NOTES_MARKER}\n`}`);
    process.stderr.write(`wrote ${path.relative(REPO, file)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:gateway failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
