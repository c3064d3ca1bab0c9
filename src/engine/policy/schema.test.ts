import { describe, expect, it } from 'vitest';
import { PolicySchema, resolveAction, resolveActionRule, type Policy } from './schema.js';

function policy(actions: Record<string, unknown>): Policy {
  return PolicySchema.parse({ name: 't', version: '1', actions });
}

describe('resolveAction', () => {
  const p = policy({
    default: { input: 'review', output: 'block' },
    A2: { input: 'review', output: 'block' },
    A2e: { output: 'allow' },
    pii: { input: 'allow', output: 'redact' },
    'pii.id_card': 'block',
  });

  it('uses the exact code first', () => {
    expect(resolveActionRule(p, 'pii.id_card', 'input')).toEqual({ action: 'block', rule: 'pii.id_card' });
    expect(resolveAction(p, 'A2e', 'output')).toBe('allow');
  });

  it('falls back to the group, per direction', () => {
    expect(resolveActionRule(p, 'A2e', 'input')).toEqual({ action: 'review', rule: 'A2' });
    expect(resolveActionRule(p, 'pii.mobile', 'output')).toEqual({ action: 'redact', rule: 'pii' });
    expect(resolveAction(p, 'pii.mobile', 'input')).toBe('allow');
  });

  it('falls back to default', () => {
    expect(resolveActionRule(p, 'A1a', 'input')).toEqual({ action: 'review', rule: 'default' });
    expect(resolveAction(p, 'A1a', 'output')).toBe('block');
    expect(resolveAction(p, 'spam', 'output')).toBe('block');
    expect(resolveAction(p, 'not-a-code', 'input')).toBe('review');
  });

  it('blocks when the policy has no default (fail closed)', () => {
    const q = policy({ A1: 'review', default: { input: 'allow' } });
    expect(resolveAction(q, 'A3a', 'input')).toBe('allow');
    expect(resolveAction(q, 'A3a', 'output')).toBe('block');
    expect(resolveAction(policy({}), 'prompt_injection', 'input')).toBe('block');
  });
});
