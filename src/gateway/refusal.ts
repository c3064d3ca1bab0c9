/** What a client receives instead of blocked content: the policy's refusal wording, OpenAI-shaped. */
import type { FastifyRequest } from 'fastify';
import type { Moderator } from '../engine/moderator.js';

export const WARNING = {
  zh: '提示：您的请求多次触发内容安全策略，继续违规将导致服务受限。',
  en: 'Warning: your requests repeatedly triggered the content policy; further violations will restrict your access.',
};

export function prefersEnglish(request: FastifyRequest): boolean {
  const lang = request.headers['accept-language'];
  return typeof lang === 'string' && /^en\b/i.test(lang.trim());
}

export function refusalText(moderator: Moderator, request: FastifyRequest): string {
  const { zh, en } = moderator.policy.refusal;
  return prefersEnglish(request) ? en : zh;
}

export interface HeguiField {
  request_id: string;
  blocked?: boolean;
  direction?: 'input' | 'output';
  categories?: string[];
  warning?: string;
}

export function refusalCompletion(model: string, requestId: string, content: string, hegui: HeguiField) {
  return {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    hegui,
  };
}

/** The same refusal as SSE chunks: the text, then `content_filter`. */
export function refusalChunks(
  model: string,
  requestId: string,
  content: string,
  hegui: HeguiField,
): object[] {
  const base = {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
  };
  return [
    {
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content }, logprobs: null, finish_reason: null }],
    },
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'content_filter' }], hegui },
  ];
}
