/** Health, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import type { GatewayShared } from '../app.js';

export function registerOpsRoutes(app: FastifyInstance, shared: GatewayShared): void {
  const { deps } = shared;

  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Ready when the database answers and the default policy compiles (fail closed otherwise). */
  app.get('/readyz', async (request, reply) => {
    const checks: Record<string, string> = {};
    let ok = true;
    try {
      await deps.store.ping();
      checks.database = 'ok';
    } catch (err) {
      ok = false;
      checks.database = (err as Error).message;
    }
    try {
      deps.moderators.get(null);
      checks.policy = 'ok';
    } catch (err) {
      ok = false;
      checks.policy = (err as Error).message;
    }
    const strikes = deps.strikes.status();
    checks.strikes = strikes.degraded ? `degraded (${strikes.backend}, local fallback)` : strikes.backend;
    checks.upstreams = String(deps.upstreams.all.length);
    if (deps.upstreams.all.length === 0) ok = false;
    request.hegui.status = ok ? 200 : 503;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
