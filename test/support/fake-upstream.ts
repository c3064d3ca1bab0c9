/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI protocol (chat stream and non-stream,
 * completions, embeddings, models) and can be told to misbehave. Tests use it as the gateway's
 * upstream and observe what reached it (requests, aborts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'reply'; content: string; toolArgs?: string; reasoning?: string }
  | { kind: 'stream'; deltas: string[]; delayMs?: number; reasoning?: string[]; toolArgs?: string[] }
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'malformed-sse' }
  | { kind: 'stall'; deltas: string[] }
  | { kind: 'malformed-json' };

export interface SeenRequest {
  path: string;
  body: Record<string, unknown>;
  aborted: boolean;
  finished: boolean;
}

export class FakeUpstream {
  behaviour: Behaviour = { kind: 'reply', content: '你好，我是助手。' };
  readonly requests: SeenRequest[] = [];
  /** PNG bytes served for image generation (as b64_json, or at /img.png when `url` is asked for). */
  image: Buffer | null = null;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves when the last request's connection closed before it finished (the gateway aborted). */
  async waitForAbort(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const last = this.requests.at(-1);
      if (last?.aborted) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const seen: SeenRequest = {
      path: req.url ?? '',
      body: text ? JSON.parse(text) : {},
      aborted: false,
      finished: false,
    };
    this.requests.push(seen);
    res.on('close', () => {
      if (!res.writableFinished) seen.aborted = true;
    });
    res.on('finish', () => (seen.finished = true));
    const model = typeof seen.body.model === 'string' ? seen.body.model : 'fake-model';
    const b = this.behaviour;

    if (req.url === '/img.png' && this.image) {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(this.image);
      return;
    }
    if (req.url?.endsWith('/images/generations') && this.image) {
      const asUrl = seen.body.response_format === 'url';
      const origin = this.url.replace(/\/v1$/, '');
      return json(res, 200, {
        created: 1,
        data: [
          asUrl
            ? { url: `${origin}/img.png`, revised_prompt: '一只猫' }
            : { b64_json: this.image.toString('base64'), revised_prompt: '一只猫' },
        ],
      });
    }
    if (req.url?.endsWith('/models'))
      return json(res, 200, {
        object: 'list',
        data: [{ id: 'fake-model', object: 'model', created: 1, owned_by: 'fake' }],
      });
    if (req.url?.endsWith('/embeddings'))
      return json(res, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
        model,
        usage: { prompt_tokens: 2, total_tokens: 2 },
      });
    if (req.url?.endsWith('/completions') && !req.url.endsWith('/chat/completions')) {
      const content = b.kind === 'reply' ? b.content : 'ok';
      return json(res, 200, {
        id: 'cmpl-1',
        object: 'text_completion',
        created: 1,
        model,
        choices: [{ index: 0, text: content, finish_reason: 'stop', logprobs: null }],
      });
    }

    switch (b.kind) {
      case 'reply': {
        const message: Record<string, unknown> = { role: 'assistant', content: b.content };
        if (b.reasoning) message.reasoning_content = b.reasoning;
        if (b.toolArgs)
          message.tool_calls = [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: b.toolArgs } },
          ];
        return json(res, 200, {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 1,
          model,
          choices: [{ index: 0, message, finish_reason: b.toolArgs ? 'tool_calls' : 'stop', logprobs: null }],
          usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
        });
      }
      case 'status':
        return json(
          res,
          b.status,
          b.body ?? { error: { message: 'upstream says no', type: 'server_error' } },
        );
      case 'hang':
        return; // never answers
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformed-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"choices": [');
        return;
      case 'malformed-sse':
        sse(res);
        res.write(`data: ${JSON.stringify(chunk(model, { role: 'assistant', content: '' }))}\n\n`);
        res.write('data: {not json}\n\n');
        res.end();
        return;
      case 'stall':
        sse(res);
        for (const d of b.deltas) res.write(`data: ${JSON.stringify(chunk(model, { content: d }))}\n\n`);
        return; // stalls: no more data, no end
      case 'stream': {
        sse(res);
        const write = async (data: string) => {
          if (res.destroyed) return;
          res.write(`data: ${data}\n\n`);
          if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
        };
        await write(JSON.stringify(chunk(model, { role: 'assistant', content: '' })));
        for (const r of b.reasoning ?? [])
          await write(JSON.stringify(chunk(model, { reasoning_content: r })));
        for (const d of b.deltas) await write(JSON.stringify(chunk(model, { content: d })));
        (b.toolArgs ?? []).forEach((args, i) => {
          const call =
            i === 0
              ? { index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: args } }
              : { index: 0, function: { arguments: args } };
          res.write(`data: ${JSON.stringify(chunk(model, { tool_calls: [call] }))}\n\n`);
        });
        await write(JSON.stringify(chunk(model, {}, b.toolArgs ? 'tool_calls' : 'stop')));
        await write(
          JSON.stringify({
            id: 'chatcmpl-fake',
            object: 'chat.completion.chunk',
            created: 1,
            model,
            choices: [],
            usage: {
              prompt_tokens: 7,
              completion_tokens: b.deltas.length,
              total_tokens: 7 + b.deltas.length,
            },
          }),
        );
        if (!res.destroyed) res.end('data: [DONE]\n\n');
        return;
      }
    }
  }
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
}

function sse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
