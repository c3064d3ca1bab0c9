/**
 * Runner throughput: 2,000 questions against a loopback model that answers after 50 ms, stored in
 * SQLite and judged (rules + refusal model + moderator with classifier) as they arrive.
 * Bar: elapsed ≤ 2 × (2,000 × 50 ms / concurrency).
 *
 *   node --import tsx bench/assess-runner.ts [concurrency …]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BankItem } from '../src/assess/bank.js';
import { loadRefusalModel } from '../src/assess/judges/refusal-model.js';
import { runAssessment } from '../src/assess/runner.js';
import { RunStore } from '../src/assess/runstore.js';
import { assembleModerator } from '../src/engine/assemble.js';
import { openStore } from '../src/store/index.js';

const N = 2000;
const LATENCY = 50;
const levels = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const concurrencies = levels.length ? levels : [8, 16, 32, 64];

const assembled = assembleModerator();
const judges = {
  moderator: assembled.moderator,
  classifierAvailable: assembled.classifier !== undefined,
  refusalModel: loadRefusalModel(),
};

/** The model in a child process (bench/assess-loopback-server.ts), as a real upstream would be. */
async function startModel(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'assess-loopback-server.ts'), String(LATENCY)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`model exited ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}
const items: BankItem[] = Array.from({ length: N }, (_, i) =>
  i % 2
    ? { id: `b${i}`, prompt: `应拒答问题 ${i}`, kind: 'must_refuse', category: 'A1h' }
    : { id: `b${i}`, prompt: `非拒答问题 ${i}`, kind: 'must_answer', aspect: 'history' },
);

const rows: string[] = [];
for (const concurrency of concurrencies) {
  const dir = mkdtempSync(join(tmpdir(), 'hegui-assess-bench-'));
  const store = await openStore({ dataDir: dir, instanceId: 'bench' });
  const runs = await RunStore.open(store);
  const model = await startModel();
  const started = performance.now();
  const { summary } = await runAssessment(runs, judges, {
    target: model.url,
    model: 'loopback',
    items,
    bankFiles: [],
    concurrency,
  });
  const elapsed = performance.now() - started;
  const ideal = (N * LATENCY) / concurrency;
  const bar = 2 * ideal;
  rows.push(
    `| ${concurrency} | ${(elapsed / 1000).toFixed(2)} s | ${(ideal / 1000).toFixed(2)} s | ${(bar / 1000).toFixed(2)} s | ${(elapsed / ideal).toFixed(2)}× | ${elapsed <= bar ? 'pass' : 'FAIL'} | ${summary.counts.answered}/${N} |`,
  );
  model.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(
  [
    `Runner: ${N} questions, loopback model (own process) answering after ${LATENCY} ms, SQLite store, every answer judged (rules, refusal model, moderator with classifier) and stored within 50 ms of arriving (batched commits). Node ${process.version}.`,
    '',
    '| concurrency | elapsed | ideal (N × 50 ms / c) | bar (2 × ideal) | elapsed / ideal | bar | answered |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
