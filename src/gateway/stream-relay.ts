/**
 * The zero-leak SSE relay. Every upstream delta goes through a stream moderator per choice (and per
 * reasoning channel); only text the moderator has released is forwarded. When the output turns
 * illegal the upstream request is aborted (generation stops), the held-back tail is dropped and the
 * client gets a final `finish_reason: "content_filter"` chunk and `[DONE]`. Tool-call arguments are
 * held whole until their choice finishes, then checked like a non-streamed answer.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { HeguiError } from '../engine/errors.js';
import type { Moderator, StreamModerator } from '../engine/moderator.js';
import type { Verdict } from '../engine/verdict.js';

type Json = Record<string, unknown>;

interface ToolCallBuffer {
  index: number;
  id?: unknown;
  type?: unknown;
  name: string;
  args: string;
}

interface ChoiceState {
  content: StreamModerator;
  reasoning: StreamModerator;
  tools: Map<number, ToolCallBuffer>;
  /** Everything the model produced for this choice (kept only for encrypted evidence on a block). */
  seen: string;
  /** Content actually sent to the client (what the implicit label describes). */
  sent: string;
  started: boolean;
  finished: boolean;
}

export interface RelayBlock {
  choice: number;
  verdict: Verdict;
  /** What the model had produced for that choice up to the cut. */
  text: string;
  /** Safe text before the blocked span not yet sent; it goes out before the cut. */
  owed?: { field: 'content' | 'reasoning_content'; text: string };
}

export interface RelayResult {
  outcome: 'completed' | 'blocked';
  block?: RelayBlock;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  model?: string;
  /** Time spent moderating the output, in ms. */
  moderationMs: number;
  /** Actions seen on the output (for the audit event). */
  action: Verdict['action'];
  categories: string[];
}

export interface RelayOptions {
  moderator: Moderator;
  /** Writes SSE `data:` payloads, one write for the batch (resolves when the socket can take more). */
  send(data: string[]): Promise<void>;
  /** Aborts the upstream request. */
  abort(): void;
  /** Called on a block before the final chunk goes out (incident, evidence); may reject. */
  onBlock(block: RelayBlock): Promise<void>;
  /** GB 45438: explicit label as first/last content delta; implicit label (JSON) in each finish chunk. */
  label?: { first?: string; last?: string; implicit?: (sent: string) => string | null };
}

const ACTION_RANK = { allow: 0, redact: 1, review: 2, block: 3 } as const;

export async function relayChatStream(
  body: AsyncIterable<Uint8Array>,
  options: RelayOptions,
): Promise<RelayResult> {
  const { moderator } = options;
  const choices = new Map<number, ChoiceState>();
  /**
   * Outgoing events are collected while one upstream read is processed and written together
   * afterwards: one socket write per upstream read instead of one per event. Only released text is
   * ever collected, so batching changes nothing about what may reach the client.
   */
  let outbox: string[] = [];
  const emit = (data: string): void => {
    outbox.push(data);
  };
  const flush = async (): Promise<void> => {
    if (outbox.length === 0) return;
    const batch = outbox;
    outbox = [];
    await options.send(batch);
  };
  const result: RelayResult = { outcome: 'completed', action: 'allow', categories: [], moderationMs: 0 };
  const timed = <T>(work: () => T): T => {
    const started = performance.now();
    try {
      return work();
    } finally {
      result.moderationMs += performance.now() - started;
    }
  };
  const categories = new Set<string>();
  let template: Json = {};
  let done = false;

  const note = (verdict: Verdict) => {
    if (ACTION_RANK[verdict.action] > ACTION_RANK[result.action]) result.action = verdict.action;
    for (const c of verdict.categories) if (c.action !== 'allow') categories.add(c.code);
  };
  const state = (index: number): ChoiceState => {
    let s = choices.get(index);
    if (!s) {
      s = {
        content: moderator.stream({ direction: 'output' }),
        reasoning: moderator.stream({ direction: 'output' }),
        tools: new Map(),
        seen: '',
        sent: '',
        started: false,
        finished: false,
      };
      choices.set(index, s);
    }
    return s;
  };
  const chunkWith = (choice: Json, extra: Json = {}): string =>
    JSON.stringify({ ...template, choices: [choice], ...extra });

  class Blocked extends Error {
    constructor(readonly block: RelayBlock) {
      super('blocked');
    }
  }

  /** Flushes a finished choice: the moderators' tails, then its tool calls, then the finish reason. */
  const finishChoice = async (index: number, s: ChoiceState, finishReason: unknown, rest: Json) => {
    s.finished = true;
    const tail = timed(() => s.content.end());
    note(tail.verdict);
    if (tail.blocked)
      throw new Blocked({
        choice: index,
        verdict: tail.verdict,
        text: s.seen,
        owed: { field: 'content', text: tail.text },
      });
    const reasoningTail = timed(() => s.reasoning.end());
    note(reasoningTail.verdict);
    if (reasoningTail.blocked) {
      throw new Blocked({
        choice: index,
        verdict: reasoningTail.verdict,
        text: s.seen,
        owed: { field: 'reasoning_content', text: reasoningTail.text },
      });
    }
    const last = options.label?.last ?? '';
    if (tail.text + last !== '') {
      s.sent += tail.text + last;
      emit(chunkWith({ index, delta: { content: tail.text + last }, finish_reason: null }));
    }
    if (reasoningTail.text !== '') {
      emit(chunkWith({ index, delta: { reasoning_content: reasoningTail.text }, finish_reason: null }));
    }
    if (s.tools.size > 0) {
      const calls = [...s.tools.values()].sort((a, b) => a.index - b.index);
      for (const call of calls) {
        const verdict = timed(() => moderator.moderate(call.args, { direction: 'output' }));
        note(verdict);
        if (verdict.action === 'block')
          throw new Blocked({ choice: index, verdict, text: `${s.seen}\n${call.args}` });
        if (verdict.action === 'redact' && verdict.redactedText !== undefined)
          call.args = verdict.redactedText;
      }
      const tool_calls = calls.map((c) => ({
        index: c.index,
        id: c.id,
        type: c.type ?? 'function',
        function: { name: c.name, arguments: c.args },
      }));
      emit(chunkWith({ index, delta: { tool_calls }, finish_reason: null }));
    }
    const implicit = options.label?.implicit?.(s.sent) ?? null;
    emit(
      chunkWith(
        { ...rest, index, delta: {}, finish_reason: finishReason },
        implicit === null ? {} : { hegui: { aigc: implicit } },
      ),
    );
  };

  const handleChunk = async (chunk: Json, rawData: string) => {
    const { choices: list, ...rest } = chunk;
    template = {
      id: rest.id,
      object: rest.object ?? 'chat.completion.chunk',
      created: rest.created,
      model: rest.model,
    };
    if (typeof rest.model === 'string') result.model = rest.model;
    if (rest.usage && typeof rest.usage === 'object') result.usage = rest.usage as RelayResult['usage'];
    if (!Array.isArray(list) || list.length === 0) {
      // Usage-only chunk (stream_options.include_usage) or keep-alive: nothing to check.
      emit(JSON.stringify(chunk));
      return;
    }
    for (const raw of list) {
      if (typeof raw !== 'object' || raw === null) continue;
      const { index: rawIndex, delta: rawDelta, finish_reason, ...choiceRest } = raw as Json;
      const index = typeof rawIndex === 'number' ? rawIndex : 0;
      const s = state(index);
      if (s.finished) continue;
      const delta = (
        typeof rawDelta === 'object' && rawDelta !== null ? { ...(rawDelta as Json) } : {}
      ) as Json;
      const original = delta.content;
      if (typeof delta.content === 'string') {
        s.seen += delta.content;
        const step = timed(() => s.content.push(delta.content as string));
        if (step.blocked)
          throw new Blocked({
            choice: index,
            verdict: step.verdict!,
            text: s.seen,
            owed: { field: 'content', text: step.text },
          });
        delta.content = step.text;
      }
      if (typeof delta.reasoning_content === 'string') {
        s.seen += delta.reasoning_content;
        const step = timed(() => s.reasoning.push(delta.reasoning_content as string));
        if (step.blocked) {
          throw new Blocked({
            choice: index,
            verdict: step.verdict!,
            text: s.seen,
            owed: { field: 'reasoning_content', text: step.text },
          });
        }
        delta.reasoning_content = step.text;
      }
      if (Array.isArray(delta.tool_calls)) {
        for (const part of delta.tool_calls as Json[]) {
          const at = typeof part.index === 'number' ? part.index : 0;
          const fn = (part.function ?? {}) as Json;
          const call = s.tools.get(at) ?? { index: at, name: '', args: '' };
          if (part.id !== undefined) call.id = part.id;
          if (part.type !== undefined) call.type = part.type;
          if (typeof fn.name === 'string') call.name += fn.name;
          if (typeof fn.arguments === 'string') call.args += fn.arguments;
          s.tools.set(at, call);
        }
        delete delta.tool_calls;
      }
      if (!s.started) {
        s.started = true;
        const first = options.label?.first;
        if (first) delta.content = first + (typeof delta.content === 'string' ? delta.content : '');
      }
      if (typeof delta.content === 'string') s.sent += delta.content;
      // Fast path: a plain content delta released unchanged goes out as the upstream wrote it
      // (no re-serialisation; most events of a long answer).
      if (
        list.length === 1 &&
        (finish_reason === null || finish_reason === undefined) &&
        typeof original === 'string' &&
        original !== '' &&
        delta.content === original &&
        Object.keys(delta).length === 1
      ) {
        emit(rawData);
        continue;
      }
      const meaningful = Object.entries(delta).some(
        ([key, value]) => !((key === 'content' || key === 'reasoning_content') && value === ''),
      );
      const announcesRole = typeof delta.role === 'string';
      if (meaningful || announcesRole) {
        emit(chunkWith({ ...choiceRest, index, delta, finish_reason: null }));
      }
      if (finish_reason !== null && finish_reason !== undefined)
        await finishChoice(index, s, finish_reason, choiceRest);
    }
  };

  const pending: EventSourceMessage[] = [];
  let parseError: Error | undefined;
  const parser = createParser({
    onEvent: (event) => pending.push(event),
    onError: (err) => {
      parseError = err;
    },
  });
  const decoder = new TextDecoder();

  try {
    for await (const bytes of body) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      if (parseError)
        throw new HeguiError('upstream_error', `malformed event stream from upstream: ${parseError.message}`);
      while (pending.length > 0) {
        const event = pending.shift()!;
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        let chunk: unknown;
        try {
          chunk = JSON.parse(event.data);
        } catch {
          throw new HeguiError('upstream_error', 'malformed JSON in the upstream event stream');
        }
        if (typeof chunk !== 'object' || chunk === null)
          throw new HeguiError('upstream_error', 'unexpected event from upstream');
        if ('error' in chunk)
          throw new HeguiError('upstream_error', 'the upstream reported an error mid-stream');
        await handleChunk(chunk as Json, event.data);
      }
      await flush();
      if (done) break;
    }
    if (!done) throw new HeguiError('upstream_error', 'the upstream closed the stream before [DONE]');
    // Choices the upstream never finished explicitly are flushed (and checked) now.
    for (const [index, s] of choices) if (!s.finished) await finishChoice(index, s, 'stop', {});
  } catch (err) {
    if (!(err instanceof Blocked)) {
      options.abort();
      await flush().catch(() => undefined);
      throw err;
    }
    options.abort();
    result.outcome = 'blocked';
    result.block = err.block;
    result.action = 'block';
    for (const c of err.block.verdict.categories) if (c.action !== 'allow') categories.add(c.code);
    result.categories = [...categories];
    await options.onBlock(err.block);
    const owed = err.block.owed;
    if (owed && owed.text !== '') {
      emit(chunkWith({ index: err.block.choice, delta: { [owed.field]: owed.text }, finish_reason: null }));
    }
    emit(
      chunkWith(
        { index: err.block.choice, delta: {}, finish_reason: 'content_filter' },
        { hegui: { blocked: true, direction: 'output', categories: result.categories } },
      ),
    );
    await flush();
    return result;
  }
  result.categories = [...categories];
  await flush();
  return result;
}
