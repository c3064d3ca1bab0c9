/**
 * A scripted OpenAI-compatible model on 127.0.0.1 (port 0) for tests and benchmarks: a script decides,
 * per question and attempt, to answer (after a delay), fail with a status, stall, or drop the
 * connection. Counts what it was asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scripted =
  | { kind: 'answer'; content: string; delayMs?: number; finishReason?: string; hegui?: unknown }
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'stall' }
  | { kind: 'reset' };

export type Script = (prompt: string, attempt: number) => Scripted;

export class LoopbackModel {
  url = '';
  /** Requests per prompt (the attempt number of the next one is this + 1). */
  readonly attempts = new Map<string, number>();
  requests = 0;
  inFlight = 0;
  maxInFlight = 0;
  private server!: Server;
  private readonly stalled = new Set<ServerResponse>();

  constructor(public script: Script) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { model?: string; messages?: { role: string; content: string }[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad json"}}');
      return;
    }
    const prompt = body.messages?.filter((m) => m.role === 'user').pop()?.content ?? '';
    const attempt = (this.attempts.get(prompt) ?? 0) + 1;
    this.attempts.set(prompt, attempt);
    this.requests++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const step = this.script(prompt, attempt);
      if (step.kind === 'stall') {
        this.stalled.add(res);
        res.on('close', () => this.stalled.delete(res));
        await new Promise<void>((resolve) => res.on('close', () => resolve()));
        return;
      }
      if (step.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (step.kind === 'status') {
        res
          .writeHead(step.status, {
            'content-type': 'application/json',
            ...(step.retryAfter ? { 'retry-after': step.retryAfter } : {}),
          })
          .end(JSON.stringify(step.body ?? { error: { message: `scripted ${step.status}` } }));
        return;
      }
      if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${this.requests}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? 'loopback',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: step.content },
              finish_reason: step.finishReason ?? 'stop',
            },
          ],
          ...(step.hegui !== undefined ? { hegui: step.hegui } : {}),
        }),
      );
    } finally {
      this.inFlight--;
    }
  }
}
