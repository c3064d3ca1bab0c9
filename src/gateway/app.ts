/**
 * The gateway's Fastify app: body parsing that refuses invalid UTF-8, OpenAI-style errors, API-key
 * auth, and exactly one audit event per request, committed before the response is complete.
 * Routes live in ./routes; this file only wires them.
 */
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { HeguiError } from '../engine/errors.js';
import type { StrikeLadder } from '../governance/strikes/index.js';
import type { Store } from '../store/index.js';
import { pseudonymize } from '../store/index.js';
import type { GatewayConfig } from './config.js';
import { newContext, toAuditEvent, type RequestContext } from './context.js';
import { errorBody, toHttpError } from './errors.js';
import type { Labeler } from './labeling.js';
import type { GatewayMetrics } from './metrics.js';
import type { ModeratorRegistry } from './moderation.js';
import { registerChatRoutes } from './routes/chat.js';
import { registerOpenAiRoutes } from './routes/openai.js';
import { registerImageRoutes } from './routes/images.js';
import { registerOpsRoutes } from './routes/ops.js';
import type { UpstreamRouter } from './upstream.js';

export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly store: Store;
  readonly strikes: StrikeLadder;
  readonly secret: Buffer;
  readonly moderators: ModeratorRegistry;
  readonly upstreams: UpstreamRouter;
  readonly metrics: GatewayMetrics;
  readonly labeler: Labeler;
  /** pino logger shared with the strike ladder; omitted → Fastify's own per the config's level. */
  readonly logger?: FastifyBaseLogger;
}

declare module 'fastify' {
  interface FastifyRequest {
    hegui: RequestContext;
  }
}

const AUDIT_DEADLINE_MS = 5_000;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HeguiError('audit_unavailable', `audit append took longer than ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The route label used in metrics and the audit log (the matched route, never the raw URL). */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config, store, metrics } = deps;
  const app = Fastify({
    bodyLimit: config.bodyLimit,
    ...(deps.logger
      ? { loggerInstance: deps.logger }
      : {
          logger:
            config.logLevel === 'silent'
              ? false
              : { level: config.logLevel, redact: ['req.headers.authorization'] },
        }),
    // No per-request log lines: the audit log records every request, without prompt text.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  app.decorateRequest('hegui', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    request.hegui = newContext(routeOf(request));
  });

  // JSON bodies: strict UTF-8 (fail closed on bytes we cannot read), then JSON.parse.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer' },
    (_request, body, done) => {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer);
      } catch {
        done(new HeguiError('input_invalid', 'request body is not valid UTF-8'), undefined);
        return;
      }
      try {
        done(null, text === '' ? undefined : JSON.parse(text));
      } catch (err) {
        done(new HeguiError('input_invalid', `invalid JSON: ${(err as Error).message}`), undefined);
      }
    },
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => {
    done(new HeguiError('input_invalid', 'unsupported content type: send application/json'), undefined);
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    const fastifyCode = (error as { code?: string }).code;
    let mapped = toHttpError(error);
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      mapped = {
        status: 413,
        body: errorBody('body_too_large', `request body is larger than ${config.bodyLimit} bytes`, 413),
      };
    } else if (fastifyCode?.startsWith('FST_ERR_CTP') || fastifyCode === 'FST_ERR_VALIDATION') {
      mapped = { status: 400, body: errorBody('input_invalid', (error as Error).message, 400) };
    } else if (mapped.status >= 500 && !(error instanceof HeguiError)) {
      request.log.error({ err: error }, 'unhandled error');
    }
    await sendError(request, reply, mapped.status, mapped.body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    await sendError(
      request,
      reply,
      404,
      errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`, 404),
    );
  });

  /** Sends an error after its audit event is committed (or 503 if the audit log is down). */
  async function sendError(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    body: ReturnType<typeof errorBody>,
  ) {
    const ctx = request.hegui ?? newContext('unmatched');
    ctx.status = status;
    ctx.errorCode = body.error.code;
    if (ctx.retryAfter !== null) reply.header('retry-after', String(ctx.retryAfter));
    const audited = await audit(ctx);
    if (!audited && status < 500) {
      return reply
        .code(503)
        .send(errorBody('audit_unavailable', 'the audit log is unavailable; request refused', 503));
    }
    return reply.code(status).send(body);
  }

  /** Writes the request's audit event once; false if it could not be stored. */
  async function audit(ctx: RequestContext): Promise<boolean> {
    if (ctx.audited) return true;
    ctx.audited = true;
    metrics.requests.inc({ route: ctx.route, status: String(ctx.status) });
    metrics.latency.observe({ route: ctx.route }, (performance.now() - ctx.started) / 1000);
    if (ctx.route === '/healthz' || ctx.route === '/readyz' || ctx.route === '/metrics') return true;
    try {
      // A database that accepts connections but hangs must not hold the response forever.
      await withDeadline(store.audit.append(toAuditEvent(ctx)), AUDIT_DEADLINE_MS);
      return true;
    } catch (err) {
      app.log.error({ err }, 'audit append failed');
      return false;
    }
  }

  /** Bearer key → tenant; the end user (body `user` or `X-Hegui-User`) pseudonymised with the secret. */
  async function authenticate(request: FastifyRequest): Promise<void> {
    const ctx = request.hegui;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new HeguiError('auth_invalid', 'missing API key: send Authorization: Bearer <key>');
    const key = await store.keys.authenticate(match[1]!).catch((err: unknown) => {
      throw new HeguiError('audit_unavailable', 'the key store is unavailable', undefined, { cause: err });
    });
    if (!key) throw new HeguiError('auth_invalid', 'invalid or revoked API key');
    ctx.tenant = key.tenant;
    ctx.keyId = key.id;
    ctx.policyPath = key.policy;
    const body = request.body as { user?: unknown } | undefined;
    const rawUser =
      request.headers['x-hegui-user'] ?? (typeof body?.user === 'string' ? body.user : undefined);
    const user = Array.isArray(rawUser) ? rawUser[0] : rawUser;
    if (typeof user === 'string' && user !== '') ctx.user = pseudonymize(deps.secret, key.tenant, user);
  }

  /** Sends a response once its audit event is committed; 503 `audit_unavailable` if it cannot be. */
  async function respond(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    if (!(await audit(request.hegui))) {
      return reply
        .code(503)
        .send(errorBody('audit_unavailable', 'the audit log is unavailable; response withheld', 503));
    }
    return reply.send(payload);
  }

  const shared = { deps, audit, authenticate, respond };
  registerOpsRoutes(app, shared);
  registerChatRoutes(app, shared);
  registerOpenAiRoutes(app, shared);
  registerImageRoutes(app, shared);
  return app;
}

export type GatewayShared = {
  deps: GatewayDeps;
  audit(ctx: RequestContext): Promise<boolean>;
  authenticate(request: FastifyRequest): Promise<void>;
  respond(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<FastifyReply>;
};
