/**
 * The benchmark's fake OpenAI upstream, run as its own process: `POST …/chat/completions` answers a
 * fixed completion (JSON) or, when the body asks for `"stream":true`, 50 SSE content chunks, a finish
 * chunk, a usage chunk and `[DONE]`, each its own write, without delay. Everything is serialized once
 * at start so the upstream costs as little CPU as possible. Started with the leash.cjs preload (127.0.0.1
 * only, a free port printed on stderr, exits with its parent).
 */
import { createServer } from 'node:http';
import { ANSWER, ANSWER_CHUNKS } from './texts.js';

const completion = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1,
    model: 'bench-model',
    choices: [
      { index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop', logprobs: null },
    ],
    usage: { prompt_tokens: 30, completion_tokens: 50, total_tokens: 80 },
  }),
);

const event = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  Buffer.from(
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices, ...extra })}\n\n`,
  );
const delta = (d: Record<string, unknown>, finish: string | null = null) => [
  { index: 0, delta: d, finish_reason: finish, logprobs: null },
];
const streamEvents: Buffer[] = [
  event(delta({ role: 'assistant', content: '' })),
  ...ANSWER_CHUNKS.map((c) => event(delta({ content: c }))),
  event(delta({}, 'stop')),
  event([], { usage: { prompt_tokens: 30, completion_tokens: 50, total_tokens: 80 } }),
];
const done = Buffer.from('data: [DONE]\n\n');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    const stream = Buffer.concat(chunks).includes('"stream":true');
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': completion.length });
      res.end(completion);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const e of streamEvents) res.write(e);
    res.end(done);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
