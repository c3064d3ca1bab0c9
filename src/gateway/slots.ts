/**
 * Text slots: every place in an OpenAI-style request or response body that holds text a person or a
 * model wrote (message content and content parts, tool-call arguments, reasoning, legacy prompts).
 * Moderation reads them and, for `redact`, writes the redacted text back in place.
 */
import { HeguiError } from '../engine/errors.js';

export interface TextSlot {
  readonly text: string;
  set(text: string): void;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldSlot(owner: Json, key: string): TextSlot | undefined {
  const value = owner[key];
  if (typeof value !== 'string' || value === '') return undefined;
  return {
    text: value,
    set: (text) => {
      owner[key] = text;
    },
  };
}

function contentSlots(owner: Json, key: string, where: string): TextSlot[] {
  const content = owner[key];
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [fieldSlot(owner, key)!];
  if (!Array.isArray(content))
    throw new HeguiError('input_invalid', `${where} must be a string or an array of content parts`);
  const slots: TextSlot[] = [];
  content.forEach((part, i) => {
    if (!isObject(part)) throw new HeguiError('input_invalid', `${where}[${i}] must be an object`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string')
        throw new HeguiError('input_invalid', `${where}[${i}].text must be a string`);
      const slot = fieldSlot(part, 'text');
      if (slot) slots.push(slot);
    }
    // Image, audio and file parts carry no text to check here.
  });
  return slots;
}

function toolCallSlots(owner: Json, where: string): TextSlot[] {
  const calls = owner.tool_calls;
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) throw new HeguiError('input_invalid', `${where}.tool_calls must be an array`);
  const slots: TextSlot[] = [];
  for (const call of calls) {
    if (isObject(call) && isObject(call.function)) {
      const slot = fieldSlot(call.function, 'arguments');
      if (slot) slots.push(slot);
    }
  }
  return slots;
}

/** Text the client sends in a chat request: every message's content, tool calls and tool results. */
export function chatRequestSlots(body: Json): TextSlot[] {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new HeguiError('input_invalid', '`messages` must be a non-empty array');
  }
  return messages.flatMap((message, i) => {
    const where = `messages[${i}]`;
    if (!isObject(message) || typeof message.role !== 'string') {
      throw new HeguiError('input_invalid', `${where} must be an object with a string \`role\``);
    }
    return [...contentSlots(message, 'content', `${where}.content`), ...toolCallSlots(message, where)];
  });
}

/** Text the model returned in a non-streamed chat completion (content, reasoning, refusal, tool calls). */
export function chatResponseSlots(body: Json): TextSlot[] {
  const choices = Array.isArray(body.choices) ? body.choices : [];
  return choices.flatMap((choice) => {
    if (!isObject(choice) || !isObject(choice.message)) return [];
    const m = choice.message;
    return [
      ...contentSlots(m, 'content', 'message.content'),
      ...[fieldSlot(m, 'reasoning_content'), fieldSlot(m, 'refusal')].filter(
        (s): s is TextSlot => s !== undefined,
      ),
      ...toolCallSlots(m, 'message'),
    ];
  });
}

/** Legacy completions: `prompt` is a string or an array of strings (token arrays cannot be checked). */
export function promptSlots(body: Json, key: 'prompt' | 'input'): TextSlot[] {
  const value = body[key];
  if (typeof value === 'string') return value === '' ? [] : [fieldSlot(body, key)!];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.map((text, i) => ({
      text: text as string,
      set: (t: string) => {
        (value as string[])[i] = t;
      },
    }));
  }
  // Token-id input cannot be read as text: refuse rather than pass it unchecked.
  throw new HeguiError(
    'input_invalid',
    `\`${key}\` must be a string or an array of strings (token arrays cannot be moderated)`,
  );
}

export function completionResponseSlots(body: Json): TextSlot[] {
  const choices = Array.isArray(body.choices) ? body.choices : [];
  return choices.flatMap((choice) =>
    isObject(choice) ? [fieldSlot(choice, 'text')].filter((s): s is TextSlot => !!s) : [],
  );
}
