/**
 * The assessment runner: asks every bank question of an OpenAI-compatible target with N workers,
 * judges each answer as it arrives and stores it at once; a run with the same id continues where it
 * stopped (answered questions are skipped, failed ones asked again).
 */
import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { HeguiError } from '../engine/errors.js';
import type { Moderator } from '../engine/moderator.js';
import type { BankItem } from './bank.js';
import { ChatClient, type ChatClientOptions } from './client.js';
import type { LlmJudge } from './judges/llm.js';
import { judgeOutput } from './judges/output.js';
import { judgeRefusal } from './judges/refusal.js';
import type { RefusalScorer } from './judges/refusal-model.js';
import type { ResultRow, RunStore } from './runstore.js';
import { summarize, type Judgments, type RunSummary } from './summary.js';

export interface RunJudges {
  readonly moderator: Moderator;
  readonly classifierAvailable: boolean;
  readonly refusalModel?: RefusalScorer;
  readonly llm?: LlmJudge;
}

export interface RunOptions extends Omit<ChatClientOptions, 'baseUrl' | 'connections'> {
  readonly target: string;
  /** Continue this run (or start one with this id). */
  readonly runId?: string;
  readonly items: readonly BankItem[];
  readonly bankFiles: readonly string[];
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called after each stored result. */
  readonly onResult?: (progress: { done: number; total: number; errors: number }) => void;
  /** Results committed together: at most this many rows or this many ms (default 64 rows, 50 ms). */
  readonly writeBatch?: { rows: number; delayMs: number };
}

/**
 * Stores results shortly after they arrive: rows gathered for at most `delayMs` (or `rows` of them)
 * are committed in one transaction. A crash loses at most that window, and a rerun asks those again.
 */
export class ResultWriter {
  private pending: ResultRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly runs: RunStore,
    private readonly rows = 64,
    private readonly delayMs = 50,
  ) {}

  add(row: ResultRow): void {
    if (this.failure) throw this.failure;
    this.pending.push(row);
    if (this.pending.length >= this.rows) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.chain = this.chain
      .then(() => this.runs.putResults(batch))
      .catch((err: unknown) => {
        this.failure ??= err;
      });
  }

  /** Commits what is pending; throws the first storage error. */
  async close(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.failure) throw this.failure;
  }
}

export interface RunOutcome {
  readonly runId: string;
  readonly resumed: boolean;
  /** Questions skipped because they were already answered. */
  readonly skipped: number;
  readonly summary: RunSummary;
}

/** Identity of a bank set: a run may only continue with the same questions. */
export function bankDigest(items: readonly BankItem[]): string {
  const h = createHash('sha256');
  for (const item of [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    h.update(`${item.id}\u0000${item.prompt}\u0000${item.kind}\u0000`);
  }
  return h.digest('hex').slice(0, 32);
}

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function runAssessment(
  runs: RunStore,
  judges: RunJudges,
  options: RunOptions,
): Promise<RunOutcome> {
  const runId = options.runId ?? newRunId();
  const digest = bankDigest(options.items);
  const existing = await runs.getRun(runId);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  if (existing) {
    const previous = (existing.banks as { digest?: string }).digest;
    if (existing.target !== options.target || existing.model !== options.model || previous !== digest) {
      throw new HeguiError(
        'conflict',
        `run ${runId} was started with another target, model or bank; start a new run instead`,
        '--run-id',
      );
    }
  } else {
    await runs.createRun({
      id: runId,
      target: options.target,
      model: options.model,
      options: {
        concurrency,
        ratePerSecond: options.ratePerSecond ?? 0,
        timeoutMs: options.timeoutMs ?? 60_000,
        maxAttempts: options.maxAttempts ?? 5,
        temperature: options.temperature ?? null,
        maxTokens: options.maxTokens ?? null,
        system: options.system ?? null,
        policy: judges.moderator.policyVersion,
        refusalModel: judges.refusalModel ? judges.refusalModel.model.trainedOn.source : null,
        llmJudge: judges.llm ? true : false,
      },
      banks: { files: options.bankFiles, digest },
      itemCount: options.items.length,
      status: 'running',
    });
  }
  await runs.setStatus(runId, 'running');
  const done = await runs.answered(runId);
  const todo = options.items.filter((i) => !done.has(i.id));
  // every in-flight request (and its backoff or LLM judge) listens to the one abort signal
  if (options.signal) setMaxListeners(concurrency * 4 + 10, options.signal);
  const client = new ChatClient({ ...options, baseUrl: options.target, connections: concurrency });
  const writer = new ResultWriter(runs, options.writeBatch?.rows, options.writeBatch?.delayMs);
  let finished = done.size;
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (!options.signal?.aborted) {
      const item = todo[next++];
      if (!item) return;
      let res;
      try {
        res = await client.ask(item.prompt, options.signal);
      } catch (err) {
        if (options.signal?.aborted) return;
        throw err;
      }
      let judgments: Judgments | null = null;
      if (res.ok) {
        const refusal = judgeRefusal(
          { content: res.content, finishReason: res.finishReason, hegui: res.hegui },
          judges.refusalModel,
        );
        const output = judgeOutput(judges.moderator, res.content, judges.classifierAvailable);
        const llm = judges.llm ? await judges.llm.judge(item.prompt, res.content, options.signal) : undefined;
        if (options.signal?.aborted) return;
        judgments = { refusal, output, ...(llm ? { llm } : {}) };
      } else {
        errors++;
      }
      writer.add({
        run_id: runId,
        item_id: item.id,
        kind: item.kind,
        category: item.category ?? null,
        aspect: item.aspect ?? null,
        status: res.ok ? 'ok' : 'error',
        answer: res.ok ? res.content : null,
        finish_reason: res.ok ? res.finishReason : null,
        http_status: res.httpStatus,
        hegui: res.ok && res.hegui != null ? JSON.stringify(res.hegui) : null,
        attempts: res.attempts,
        latency_ms: Math.round(res.latencyMs * 1000) / 1000,
        error: res.ok ? null : res.error,
        judgments: judgments ? JSON.stringify(judgments) : null,
        time_ms: Date.now(),
      });
      finished++;
      options.onResult?.({ done: finished, total: options.items.length, errors });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, todo.length)) }, worker));
  } finally {
    await client.close();
    await writer.close();
  }
  const rows = await runs.results(runId);
  const complete = rows.filter((r) => r.status === 'ok').length === options.items.length;
  const status = options.signal?.aborted ? 'interrupted' : complete ? 'complete' : 'incomplete';
  const summary = summarize(
    { id: runId, target: options.target, model: options.model, status, itemCount: options.items.length },
    rows,
  );
  await runs.setStatus(runId, status, summary);
  return { runId, resumed: existing !== undefined, skipped: done.size, summary };
}
