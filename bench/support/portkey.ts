/**
 * Portkey's open-source gateway (@portkey-ai/gateway, a dev dependency) as a benchmark contender.
 *
 * - Started as `node --require leash.cjs --max-http-header-size=… build/start-server.js --port=0
 *   --headless`: the leash pins its `listen` to 127.0.0.1 (it binds all interfaces by default).
 * - Each request carries its routing as an inline `x-portkey-config` header (the open-source gateway
 *   has no config store): provider `openai` with `custom_host` = our fake upstream.
 * - "With guardrails": the same config plus `input_guardrails` and `output_guardrails`, each one
 *   `default.contains` check (Portkey's built-in word guardrail: `words`, `operator: "none"`, `deny:
 *   true` → HTTP 446 when a word is found) over the same 500 words from the shared houbb list. A header
 *   value must be ASCII, so non-ASCII characters are `\uXXXX`-escaped inside the JSON; the header is
 *   ~32 KB, above Node's 16 KB default header limit, hence `--max-http-header-size`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ANSWER, PROMPT } from './texts.js';

export const PORTKEY_ENTRY = path.resolve(
  import.meta.dirname,
  '../../node_modules/@portkey-ai/gateway/build/start-server.js',
);
export const PORTKEY_HEADER_LIMIT = 262_144;

/** `count` words (2–8 characters, not occurring in the benchmark's texts), evenly spread over the list. */
export function guardrailWords(listFile: string, count = 500): string[] {
  const benign = `${PROMPT}${ANSWER}你是一个乐于助人的中文助手。`;
  const candidates = [
    ...new Set(
      readFileSync(listFile, 'utf8')
        .split(/\r?\n/)
        .map((w) => w.trim())
        .filter((w) => [...w].length >= 2 && [...w].length <= 8 && /[\u4e00-\u9fff]/.test(w)),
    ),
  ].filter((w) => !benign.includes(w));
  const step = candidates.length / count;
  return Array.from({ length: count }, (_, i) => candidates[Math.floor(i * step)]!);
}

/** JSON with every non-ASCII character escaped as `\uXXXX`, so it can travel in an HTTP header. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function portkeyHeaders(upstreamV1: string, words: readonly string[] | null): Record<string, string> {
  const config: Record<string, unknown> = {
    provider: 'openai',
    api_key: 'sk-bench',
    custom_host: upstreamV1,
  };
  if (words) {
    const guardrail = () => [{ deny: true, 'default.contains': { operator: 'none', words } }];
    config.input_guardrails = guardrail();
    config.output_guardrails = guardrail();
  }
  return { 'x-portkey-config': asciiJson(config) };
}
