/**
 * The other OpenAI-compatible routes: /v1/models, /v1/completions (legacy, non-streamed),
 * /v1/embeddings (input moderation) and /v1/moderations (our verdict in OpenAI's shape).
 */
import type { FastifyInstance } from 'fastify';
import { HeguiError } from '../../engine/errors.js';
import type { GatewayShared } from '../app.js';
import { moderateSlots } from '../moderation.js';
import { OPENAI_CATEGORIES, openAiCategoriesOf } from '../openai-categories.js';
import { gateInput } from '../pipeline.js';
import { refusalText } from '../refusal.js';
import { completionResponseSlots, promptSlots } from '../slots.js';
import { postUpstreamJson, readUpstreamJson } from '../upstream-response.js';
import { parseChatBody } from './chat.js';

type Json = Record<string, unknown>;

export function registerOpenAiRoutes(app: FastifyInstance, shared: GatewayShared): void {
  const { deps } = shared;

  app.get('/v1/models', async (request, reply) => {
    await shared.authenticate(request);
    const models = new Map<string, Json>();
    await Promise.all(
      deps.upstreams.all.map(async (upstream) => {
        const signal = AbortSignal.timeout(5_000);
        try {
          const response = await upstream.get('/models', signal);
          if (response.statusCode >= 400) {
            await response.body.dump();
            return;
          }
          const json = await readUpstreamJson(response, upstream.config.name);
          for (const m of Array.isArray(json.data) ? (json.data as Json[]) : []) {
            if (typeof m.id === 'string')
              models.set(m.id, {
                id: m.id,
                object: 'model',
                created: m.created ?? 0,
                owned_by: m.owned_by ?? upstream.config.name,
              });
          }
        } catch (err) {
          request.log.warn({ err, upstream: upstream.config.name }, 'listing models failed');
        }
        for (const name of upstream.config.models) {
          if (!name.includes('*') && !models.has(name))
            models.set(name, { id: name, object: 'model', created: 0, owned_by: upstream.config.name });
        }
      }),
    );
    return shared.respond(request, reply, { object: 'list', data: [...models.values()] });
  });

  app.post('/v1/completions', async (request, reply) => {
    const ctx = request.hegui;
    await shared.authenticate(request);
    const body = parseChatBody(request.body);
    ctx.model = body.model;
    if (body.stream === true) {
      throw new HeguiError(
        'input_invalid',
        'streaming is not supported on the legacy /v1/completions route; use /v1/chat/completions',
      );
    }
    const gate = await gateInput(shared, request, promptSlots(body, 'prompt'));
    if (gate.verdict.action === 'block') {
      if (deps.config.inputBlocked === 'error')
        throw new HeguiError('content_blocked', 'the request was blocked by the content policy');
      return shared.respond(request, reply, {
        id: `cmpl-${ctx.requestId}`,
        object: 'text_completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            text: refusalText(gate.moderator, request),
            logprobs: null,
            finish_reason: 'content_filter',
          },
        ],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        hegui: {
          request_id: ctx.requestId,
          blocked: true,
          direction: 'input',
          categories: gate.verdict.categories,
        },
      });
    }
    const json = await postUpstreamJson(deps.upstreams, deps.metrics, ctx, '/completions', body, 2);
    const output = moderateSlots(gate.moderator, completionResponseSlots(json), 'output');
    ctx.moderationMs += output.moderationMs;
    ctx.output = { action: output.action, categories: output.categories };
    deps.metrics.verdict('output', output.action, output.categories);
    if (output.action === 'block') {
      if (deps.config.storeEvidence)
        ctx.evidenceRef = await deps.store.evidence.put(ctx.user, ctx.tenant, output.flaggedText, {
          kind: 'output',
        });
      await deps.store.incidents.open({
        tenant: ctx.tenant,
        user: ctx.user,
        model: ctx.model,
        category: output.categories[0] ?? 'unclassified',
        categories: output.categories,
        evidenceRef: ctx.evidenceRef,
        requestId: ctx.requestId,
        containedAt: new Date(),
      });
      for (const choice of (json.choices as Json[] | undefined) ?? []) {
        choice.text = refusalText(gate.moderator, request);
        choice.finish_reason = 'content_filter';
      }
      json.hegui = {
        request_id: ctx.requestId,
        blocked: true,
        direction: 'output',
        categories: output.categories,
      };
    }
    return shared.respond(request, reply, json);
  });

  app.post('/v1/embeddings', async (request, reply) => {
    const ctx = request.hegui;
    await shared.authenticate(request);
    const body = parseChatBody(request.body);
    ctx.model = body.model;
    const gate = await gateInput(shared, request, promptSlots(body, 'input'));
    if (gate.verdict.action === 'block')
      throw new HeguiError('content_blocked', 'the input was blocked by the content policy');
    const json = await postUpstreamJson(deps.upstreams, deps.metrics, ctx, '/embeddings', body, 2);
    return shared.respond(request, reply, json);
  });

  app.post('/v1/moderations', async (request, reply) => {
    const ctx = request.hegui;
    await shared.authenticate(request);
    const body = request.body as Json | undefined;
    if (!body || typeof body !== 'object')
      throw new HeguiError('input_invalid', 'the request body must be a JSON object');
    const moderator = deps.moderators.get(ctx.policyPath);
    ctx.policyVersion = moderator.policyVersion;
    ctx.model = typeof body.model === 'string' ? body.model : null;
    const texts = moderationInputs(body.input);
    const results = texts.map((text) => {
      const verdict = moderator.moderate(text, { direction: 'input' });
      const flaggedCodes = verdict.categories.filter((c) => c.action === 'block' || c.action === 'review');
      const categories = Object.fromEntries(OPENAI_CATEGORIES.map((name) => [name, false])) as Record<
        string,
        boolean
      >;
      const scores = Object.fromEntries(OPENAI_CATEGORIES.map((name) => [name, 0])) as Record<string, number>;
      for (const c of flaggedCodes) {
        for (const name of openAiCategoriesOf(c.code)) {
          categories[name] = true;
          scores[name] = Math.max(scores[name]!, c.score);
        }
      }
      return {
        flagged: flaggedCodes.length > 0,
        categories,
        category_scores: scores,
        category_applied_input_types: Object.fromEntries(
          OPENAI_CATEGORIES.map((name) => [name, categories[name] ? ['text'] : []]),
        ),
        hegui: {
          action: verdict.action,
          categories: verdict.categories.map(({ code, score, action }) => ({ code, score, action })),
        },
      };
    });
    const flagged = results.filter((r) => r.flagged).flatMap((r) => r.hegui.categories.map((c) => c.code));
    ctx.input = {
      action: results.some((r) => r.flagged) ? 'review' : 'allow',
      categories: [...new Set(flagged)],
    };
    return shared.respond(request, reply, {
      id: `modr-${ctx.requestId}`,
      model: `hegui/${moderator.policyVersion}`,
      results,
    });
  });
}

/** `input` of /v1/moderations: a string, an array of strings, or an array of content parts. */
function moderationInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) {
    return input.map((item, i) => {
      if (typeof item === 'string') return item;
      if (
        item &&
        typeof item === 'object' &&
        (item as Json).type === 'text' &&
        typeof (item as Json).text === 'string'
      ) {
        return (item as Json).text as string;
      }
      if (item && typeof item === 'object' && (item as Json).type === 'image_url') return '';
      throw new HeguiError('input_invalid', `input[${i}] must be a string or a text content part`);
    });
  }
  throw new HeguiError('input_invalid', '`input` must be a string or an array');
}
