import { describe, expect, it } from 'vitest';
import {
  createStrikeLadder,
  DEFAULT_STRIKE_CONFIG,
  MemoryStrikeLadder,
} from '../src/governance/strikes/index.js';
import { Clock, DAY, defineStrikeSuite } from './strikes-suite.js';

defineStrikeSuite('in-process', (config, clock) => createStrikeLadder(config, { now: clock.now }));

describe('in-process strike ladder memory', () => {
  it('is the backend chosen without a Redis URL', () => {
    const l = createStrikeLadder(DEFAULT_STRIKE_CONFIG, {});
    expect(l).toBeInstanceOf(MemoryStrikeLadder);
    expect(l.status()).toEqual({ backend: 'memory', degraded: false, fallbacks: 0, localEntries: 0 });
  });

  it('evicts users whose strikes, runs and sanctions have all expired', async () => {
    const clock = new Clock();
    const l = createStrikeLadder(DEFAULT_STRIKE_CONFIG, { now: clock.now });
    for (let i = 0; i < 1000; i++) await l.strike('t', `user-${i}`, null);
    for (let i = 0; i < 3; i++) await l.strike('t', 'bad', null); // suspended for 7 days
    await l.terminate('t', 'terminated', 'x');
    expect(l.status().localEntries).toBe(1002);
    clock.advance(DAY); // strikes and runs expire; the suspension and termination do not
    await l.check('t', 'someone');
    expect(l.status().localEntries).toBe(2);
    clock.advance(7 * DAY);
    await l.check('t', 'someone');
    expect(l.status().localEntries).toBe(1);
    expect((await l.check('t', 'terminated')).level).toBe('terminate');
  });

  it('drops a user that an allowed input leaves with nothing', async () => {
    const clock = new Clock();
    const l = createStrikeLadder(DEFAULT_STRIKE_CONFIG, { now: clock.now });
    await l.strike('t', 'u', null);
    clock.advance(DAY);
    await l.clean('t', 'u');
    expect(l.status().localEntries).toBe(0);
  });
});
