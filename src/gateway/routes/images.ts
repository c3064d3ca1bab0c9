/**
 * POST /v1/images/generations: the prompt is moderated, then every image the upstream returns is
 * labelled (GB 45438: implicit XMP label, visible stamp) before it reaches the client. Images returned
 * as URLs are fetched and returned labelled as `b64_json` (or refused, per `labeling.imageUrls`).
 */
import type { FastifyInstance } from 'fastify';
import { request as undiciRequest } from 'undici';
import { HeguiError } from '../../engine/errors.js';
import type { GatewayShared } from '../app.js';
import { moderateSlots } from '../moderation.js';
import { gateInput } from '../pipeline.js';
import { promptSlots, type TextSlot } from '../slots.js';
import { postUpstreamJson } from '../upstream-response.js';
import { parseChatBody } from './chat.js';

type Json = Record<string, unknown>;
const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

export function registerImageRoutes(app: FastifyInstance, shared: GatewayShared): void {
  const { deps } = shared;

  app.post('/v1/images/generations', async (request, reply) => {
    const ctx = request.hegui;
    await shared.authenticate(request);
    const body = parseChatBody(request.body);
    ctx.model = body.model;
    const gate = await gateInput(shared, request, promptSlots(body, 'prompt'));
    if (gate.verdict.action === 'block')
      throw new HeguiError('content_blocked', 'the prompt was blocked by the content policy');

    const json = await postUpstreamJson(deps.upstreams, deps.metrics, ctx, '/images/generations', body, 4);
    const images = Array.isArray(json.data) ? (json.data as Json[]) : [];

    // A revised prompt is model output too.
    const revised: TextSlot[] = images.flatMap((img) =>
      typeof img.revised_prompt === 'string'
        ? [{ text: img.revised_prompt, set: (t: string) => (img.revised_prompt = t) }]
        : [],
    );
    const output = moderateSlots(gate.moderator, revised, 'output');
    ctx.output = { action: output.action, categories: output.categories };
    if (output.action === 'block')
      throw new HeguiError(
        'content_blocked',
        'the generated image description was blocked by the content policy',
      );

    const labels: string[] = [];
    for (const img of images) {
      let bytes: Buffer;
      if (typeof img.b64_json === 'string') {
        bytes = Buffer.from(img.b64_json, 'base64');
      } else if (typeof img.url === 'string') {
        if (deps.config.labeling.imageUrls === 'reject') {
          throw new HeguiError(
            'upstream_error',
            'the upstream returned an image URL, which cannot be labelled here: request response_format b64_json',
          );
        }
        bytes = await fetchImage(img.url);
        delete img.url;
      } else {
        throw new HeguiError('upstream_error', 'the upstream returned an image without data');
      }
      const labelled = await deps.labeler.image(bytes).catch((err: unknown) => {
        // An image that cannot be labelled is not served (fail closed).
        throw err instanceof HeguiError && err.code === 'config_invalid'
          ? err
          : new HeguiError(
              'upstream_error',
              `the generated image could not be labelled: ${(err as Error).message}`,
              undefined,
              { cause: err },
            );
      });
      img.b64_json = labelled.bytes.toString('base64');
      labels.push(labelled.label);
    }
    json.hegui = { request_id: ctx.requestId, aigc: labels };
    return shared.respond(request, reply, json);
  });
}

async function fetchImage(url: string): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HeguiError('upstream_error', 'the upstream returned an invalid image URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new HeguiError('upstream_error', 'unsupported image URL scheme');
  try {
    const res = await undiciRequest(parsed, { method: 'GET', headersTimeout: 30_000, bodyTimeout: 30_000 });
    if (res.statusCode >= 400) {
      await res.body.dump();
      throw new HeguiError('upstream_error', `fetching the generated image failed (${res.statusCode})`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_IMAGE_BYTES) throw new HeguiError('upstream_error', 'the generated image is too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof HeguiError) throw err;
    throw new HeguiError(
      'upstream_unavailable',
      `fetching the generated image failed: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
}
