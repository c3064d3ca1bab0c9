/**
 * POST /v1/chat/completions — stream and non-stream. Input is moderated before the upstream is
 * called; non-streamed output is checked whole before anything is returned; streamed output goes
 * through the zero-leak relay.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { HeguiError } from '../../engine/errors.js';
import type { Moderator } from '../../engine/moderator.js';
import type { GatewayShared } from '../app.js';
import { errorBody } from '../errors.js';
import { applyGuard, moderateSlots } from '../moderation.js';
import { gateInput } from '../pipeline.js';
import { refusalChunks, refusalCompletion, refusalText, type HeguiField } from '../refusal.js';
import { chatRequestSlots, chatResponseSlots } from '../slots.js';
import { relayChatStream, type RelayBlock } from '../stream-relay.js';
import { readUpstreamJson, upstreamFailure } from '../upstream-response.js';
import { IMPLICIT_LABEL_HEADER } from '../../label/text.js';

type Json = Record<string, unknown>;

export function parseChatBody(body: unknown): Json & { model: string; stream: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HeguiError('input_invalid', 'the request body must be a JSON object');
  }
  const json = body as Json;
  if (typeof json.model !== 'string' || json.model === '')
    throw new HeguiError('input_invalid', '`model` must be a non-empty string');
  if (json.stream !== undefined && typeof json.stream !== 'boolean')
    throw new HeguiError('input_invalid', '`stream` must be a boolean');
  return json as Json & { model: string; stream: boolean };
}

/** Requests whose client closed the connection before the response finished. */
const closedByClient = new WeakSet<FastifyRequest>();

function clientGone(request: FastifyRequest): boolean {
  return closedByClient.has(request);
}

function clientClosed(request: FastifyRequest): HeguiError {
  request.hegui.status = 499;
  return new HeguiError('client_closed', 'the client closed the connection');
}

export function registerChatRoutes(app: FastifyInstance, shared: GatewayShared): void {
  const { deps } = shared;

  app.post('/v1/chat/completions', async (request, reply) => {
    const ctx = request.hegui;
    await shared.authenticate(request);
    const body = parseChatBody(request.body);
    ctx.model = body.model;
    const slots = chatRequestSlots(body);
    const gate = await gateInput(shared, request, slots);
    const { moderator } = gate;
    reply.header('x-hegui-request-id', ctx.requestId);
    if (gate.warning) reply.header('x-hegui-warning', encodeURIComponent(gate.warning));

    if (gate.verdict.action === 'block') {
      const hegui: HeguiField = {
        request_id: ctx.requestId,
        blocked: true,
        direction: 'input',
        categories: gate.verdict.categories,
        ...(gate.warning ? { warning: gate.warning } : {}),
      };
      if (deps.config.inputBlocked === 'error') {
        throw new HeguiError('content_blocked', 'the request was blocked by the content policy');
      }
      return sendRefusal(request, reply, moderator, body.model, body.stream === true, hegui);
    }

    const upstream = deps.upstreams.route(body.model);
    const controller = new AbortController();
    // A client that goes away stops generation upstream.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) {
        closedByClient.add(request);
        controller.abort();
      }
    });
    const started = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await upstream.post('/chat/completions', body, controller.signal);
    } catch (err) {
      if (clientGone(request)) throw clientClosed(request);
      deps.metrics.upstreamErrors.inc({
        upstream: upstream.config.name,
        code: (err as HeguiError).code ?? 'internal',
      });
      throw err;
    }
    ctx.upstreamMs = performance.now() - started;
    if (response.statusCode >= 400) {
      throw await upstreamFailure(response, upstream.config.name, deps.metrics);
    }

    if (body.stream === true) return streamResponse(request, reply, moderator, response, controller);

    const json = await readUpstreamJson(response, upstream.config.name);
    const usage = json.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
    ctx.promptTokens = usage?.prompt_tokens ?? null;
    ctx.completionTokens = usage?.completion_tokens ?? null;
    const answerSlots = chatResponseSlots(json);
    const output = await applyGuard(
      moderateSlots(moderator, answerSlots, 'output'),
      moderator,
      deps.moderators.guard(moderator),
      answerSlots.map((s) => s.text),
      'output',
      slots.map((s) => s.text).join('\n'),
    );
    ctx.moderationMs += output.moderationMs;
    ctx.output = { action: output.action, categories: output.categories };
    deps.metrics.verdict('output', output.action, output.categories);
    deps.metrics.moderation.observe({ direction: 'output' }, output.moderationMs / 1000);
    if (output.action === 'block') {
      await openIncident(request, output.categories, output.flaggedText, null);
      const refusal = refusalText(moderator, request);
      for (const choice of (json.choices as Json[] | undefined) ?? []) {
        choice.message = { role: 'assistant', content: refusal, refusal: null };
        choice.finish_reason = 'content_filter';
      }
      json.hegui = {
        request_id: ctx.requestId,
        blocked: true,
        direction: 'output',
        categories: output.categories,
      };
    } else {
      let implicit: string | null = null;
      for (const choice of (json.choices as Json[] | undefined) ?? []) {
        const message = choice.message as Json | undefined;
        if (message && typeof message.content === 'string') {
          const labelled = deps.labeler.text(message.content);
          message.content = labelled.text;
          implicit ??= labelled.implicit;
        }
      }
      if (implicit !== null) reply.header(IMPLICIT_LABEL_HEADER, implicit);
      if (gate.warning || implicit !== null) {
        json.hegui = {
          request_id: ctx.requestId,
          ...(gate.warning ? { warning: gate.warning } : {}),
          ...(implicit !== null ? { aigc: implicit } : {}),
        };
      }
    }
    return shared.respond(request, reply, json);
  });

  /** Opens an incident for illegal model output, with the content as encrypted evidence. */
  async function openIncident(
    request: FastifyRequest,
    categories: string[],
    text: string,
    cutAt: Date | null,
  ): Promise<void> {
    const ctx = request.hegui;
    if (deps.config.storeEvidence && text !== '') {
      ctx.evidenceRef = await deps.store.evidence.put(ctx.user, ctx.tenant, text, { kind: 'output' });
    }
    await deps.store.incidents.open({
      tenant: ctx.tenant,
      user: ctx.user,
      model: ctx.model,
      category: categories[0] ?? 'unclassified',
      categories,
      evidenceRef: ctx.evidenceRef,
      requestId: ctx.requestId,
      // Not one character reached the client (stream cut, or the answer was replaced): contained now.
      containedAt: cutAt ?? new Date(),
    });
  }

  async function sendRefusal(
    request: FastifyRequest,
    reply: FastifyReply,
    moderator: Moderator,
    model: string,
    stream: boolean,
    hegui: HeguiField,
  ) {
    const ctx = request.hegui;
    const text = refusalText(moderator, request);
    if (!stream) return shared.respond(request, reply, refusalCompletion(model, ctx.requestId, text, hegui));
    if (!(await shared.audit(ctx))) {
      return reply
        .code(503)
        .send(errorBody('audit_unavailable', 'the audit log is unavailable; request refused', 503));
    }
    const events = refusalChunks(model, ctx.requestId, text, hegui).map(
      (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
    );
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(`${events.join('')}data: [DONE]\n\n`);
  }

  async function streamResponse(
    request: FastifyRequest,
    reply: FastifyReply,
    moderator: Moderator,
    response: Dispatcher.ResponseData,
    controller: AbortController,
  ) {
    const ctx = request.hegui;
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-hegui-request-id': ctx.requestId,
      ...(reply.getHeader('x-hegui-warning')
        ? { 'x-hegui-warning': String(reply.getHeader('x-hegui-warning')) }
        : {}),
    });
    const send = (events: string[]): Promise<void> =>
      new Promise((resolve) => {
        if (raw.destroyed || raw.writableEnded) return resolve();
        let block = '';
        for (const data of events) block += `data: ${data}\n\n`;
        if (raw.write(block)) resolve();
        else raw.once('drain', () => resolve());
      });
    const finish = async (tail: string | null) => {
      if (!(await shared.audit(ctx))) {
        await send([JSON.stringify(errorBody('audit_unavailable', 'the audit log is unavailable', 503))]);
      } else if (tail !== null) {
        await send([tail]);
      }
      raw.end();
    };
    try {
      const result = await relayChatStream(response.body, {
        moderator,
        send,
        abort: () => controller.abort(),
        label: { ...deps.labeler.deltas, implicit: (sent) => deps.labeler.implicitFor(sent) },
        onBlock: async (block: RelayBlock) => {
          deps.metrics.streamCuts.inc();
          const categories = block.verdict.categories.filter((c) => c.action !== 'allow').map((c) => c.code);
          await openIncident(request, categories, block.text, new Date());
        },
      });
      ctx.output = { action: result.action, categories: result.categories };
      ctx.moderationMs += result.moderationMs;
      deps.metrics.moderation.observe({ direction: 'output' }, result.moderationMs / 1000);
      ctx.promptTokens = result.usage?.prompt_tokens ?? null;
      ctx.completionTokens = result.usage?.completion_tokens ?? null;
      deps.metrics.verdict('output', result.action, result.categories);
      await finish('[DONE]');
    } catch (err) {
      controller.abort();
      if (clientGone(request)) {
        // The reader left: not an upstream fault. Record it and stop.
        ctx.status = 499;
        ctx.errorCode = 'client_closed';
        await shared.audit(ctx);
        raw.end();
        return;
      }
      const code = err instanceof HeguiError ? err.code : 'upstream_error';
      if (!(err instanceof HeguiError)) request.log.error({ err }, 'stream relay failed');
      ctx.status = code === 'upstream_timeout' ? 504 : 502;
      ctx.errorCode = code;
      deps.metrics.upstreamErrors.inc({ upstream: 'stream', code });
      const message = err instanceof HeguiError ? err.message : 'the upstream stream failed';
      await finish(JSON.stringify(errorBody(code, message, ctx.status)));
    }
  }
}
