/** Prometheus metrics (prom-client) on a registry of the gateway's own, served at /metrics. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'hegui_requests_total',
    help: 'Requests by route and HTTP status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly verdicts = new Counter({
    name: 'hegui_verdicts_total',
    help: 'Moderation verdicts by direction, action and category',
    labelNames: ['direction', 'action', 'category'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'hegui_request_duration_seconds',
    help: 'Request latency through the gateway',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly moderation = new Histogram({
    name: 'hegui_moderation_duration_seconds',
    help: 'Time spent in moderation per request and direction',
    labelNames: ['direction'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'hegui_upstream_errors_total',
    help: 'Upstream failures by upstream and error code',
    labelNames: ['upstream', 'code'] as const,
    registers: [this.registry],
  });
  readonly strikeFallbacks = new Counter({
    name: 'hegui_strike_fallbacks_total',
    help: 'Strike-ladder operations served by the local fallback because Redis was unavailable',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly streamCuts = new Counter({
    name: 'hegui_stream_cuts_total',
    help: 'Streams cut because the output turned illegal',
    registers: [this.registry],
  });

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'hegui_' });
  }

  verdict(direction: 'input' | 'output', action: string, categories: readonly string[]): void {
    if (categories.length === 0) this.verdicts.inc({ direction, action, category: 'none' });
    for (const category of categories) this.verdicts.inc({ direction, action, category });
  }
}
