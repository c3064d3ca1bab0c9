/**
 * The strike ladder's behaviour, run against every backend (in-process and Redis) by
 * strikes.test.ts and strikes-redis.test.ts. Time is injected: each test owns a clock it advances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_STRIKE_CONFIG,
  parseStrikeConfig,
  type StrikeConfig,
  type StrikeConfigInput,
  type StrikeLadder,
} from '../src/governance/strikes/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A clock the test moves by hand. */
export class Clock {
  constructor(public t = 1_800_000_000_000) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export type MakeLadder = (config: StrikeConfig, clock: Clock) => StrikeLadder;

export function defineStrikeSuite(backend: string, make: MakeLadder): void {
  describe(`strike ladder (${backend})`, () => {
    const open: StrikeLadder[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((l) => l.close()));
    });
    const ladder = (
      config: StrikeConfig | StrikeConfigInput = DEFAULT_STRIKE_CONFIG,
      clock = new Clock(),
    ) => {
      const parsed =
        'windows' in config && config.windows?.[0] && 'name' in config.windows[0] ? config : null;
      const l = make((parsed as StrikeConfig | null) ?? parseStrikeConfig(config), clock);
      open.push(l);
      return { l, clock };
    };
    /** A strike followed by an allowed input, so only the windows count (not the consecutive rule). */
    const strikeThenClean = async (
      l: StrikeLadder,
      user: string,
      ref: string,
      tenant: string | null = 't1',
    ) => {
      const r = await l.strike(tenant, user, ref);
      await l.clean(tenant, user);
      return r;
    };

    it('starts at none', async () => {
      const { l } = ladder();
      expect(await l.check('t1', 'nobody')).toEqual({
        level: 'none',
        until: null,
        strikes: { '1h': 0, '24h': 0, consecutive: 0 },
      });
    });

    it('warns on the first strike, and takes no further step while still at warn', async () => {
      const { l, clock } = ladder();
      const first = await l.strike('t1', 'u', 'ev-1');
      expect(first.standing.level).toBe('warn');
      expect(first.standing.strikes).toEqual({ '1h': 1, '24h': 1, consecutive: 1 });
      expect(first.step).toMatchObject({
        tenant: 't1',
        user: 'u',
        level: 'warn',
        evidenceRef: 'ev-1',
        until: null,
      });
      expect(first.step!.at.getTime()).toBe(clock.t);
      expect(first.step!.reason).toMatch(/1 blocked input within 1h/);
      await l.clean('t1', 'u');
      clock.advance(1000);
      const second = await strikeThenClean(l, 'u', 'ev-2');
      expect(second.standing.level).toBe('warn');
      expect(second.step).toBeNull();
      expect((await l.check('t1', 'u')).level).toBe('warn');
    });

    it('restricts after 3 strikes within 1 hour, naming all three pieces of evidence', async () => {
      const { l, clock } = ladder();
      await strikeThenClean(l, 'u', 'ev-1');
      clock.advance(20 * 60_000);
      await strikeThenClean(l, 'u', 'ev-2');
      clock.advance(20 * 60_000);
      const third = await strikeThenClean(l, 'u', 'ev-3');
      expect(third.standing.level).toBe('restrict');
      expect(third.standing.until?.getTime()).toBe(clock.t + HOUR);
      expect(third.step).toMatchObject({
        level: 'restrict',
        evidenceRef: 'ev-3',
        reason: '3 blocked inputs within 1h',
      });
      expect(third.step!.until?.getTime()).toBe(clock.t + HOUR);
      expect(third.step!.evidenceRefs).toEqual(['ev-1', 'ev-2', 'ev-3']);
      const seen = await l.check('t1', 'u');
      expect(seen).toMatchObject({ level: 'restrict', reason: '3 blocked inputs within 1h' });
      expect(seen.until?.getTime()).toBe(clock.t + HOUR);
    });

    it('does not restrict 3 strikes spread over more than an hour', async () => {
      const { l, clock } = ladder();
      await strikeThenClean(l, 'u', 'a');
      clock.advance(40 * 60_000);
      await strikeThenClean(l, 'u', 'b');
      clock.advance(20 * 60_000); // the first strike is now exactly 1 h old: out of the window
      const r = await strikeThenClean(l, 'u', 'c');
      expect(r.standing.level).toBe('warn');
      expect(r.standing.strikes).toMatchObject({ '1h': 2, '24h': 3 });
      expect(r.step).toBeNull();
    });

    it('lifts a restriction when it expires', async () => {
      const { l, clock } = ladder();
      for (const ref of ['a', 'b', 'c']) await strikeThenClean(l, 'u', ref);
      const until = (await l.check('t1', 'u')).until!.getTime();
      clock.t = until - 1;
      expect((await l.check('t1', 'u')).level).toBe('restrict');
      clock.t = until;
      const after = await l.check('t1', 'u');
      expect(after.level).toBe('none');
      expect(after.until).toBeNull();
      expect(after.strikes).toMatchObject({ '1h': 0, '24h': 3 });
      // the next strike starts a fresh warning rather than restricting again
      const next = await strikeThenClean(l, 'u', 'd');
      expect(next.step?.level).toBe('warn');
    });

    it('suspends after 5 strikes within 24 hours, for 7 days', async () => {
      const { l, clock } = ladder();
      const steps: string[] = [];
      for (let i = 1; i <= 5; i++) {
        const r = await strikeThenClean(l, 'u', `ev-${i}`);
        if (r.step) steps.push(r.step.level);
        if (i < 5) {
          expect(r.standing.level).toBe('warn');
          clock.advance(4 * HOUR);
        } else {
          expect(r.standing).toMatchObject({ level: 'suspend', reason: '5 blocked inputs within 24h' });
          expect(r.standing.until?.getTime()).toBe(clock.t + 7 * DAY);
          expect(r.step!.evidenceRefs).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5']);
        }
      }
      expect(steps).toEqual(['warn', 'warn', 'warn', 'warn', 'suspend']);
      clock.advance(7 * DAY - 1);
      expect((await l.check('t1', 'u')).level).toBe('suspend');
      clock.advance(1);
      expect((await l.check('t1', 'u')).level).toBe('none');
    });

    it('walks the whole ladder: warn, restrict, then suspend', async () => {
      const { l, clock } = ladder();
      const levels: string[] = [];
      const record = (r: Awaited<ReturnType<StrikeLadder['strike']>>) => {
        if (r.step) levels.push(r.step.level);
      };
      for (const ref of ['a', 'b', 'c']) record(await strikeThenClean(l, 'u', ref));
      clock.t = (await l.check('t1', 'u')).until!.getTime();
      for (const ref of ['d', 'e']) record(await strikeThenClean(l, 'u', ref));
      expect(levels).toEqual(['warn', 'restrict', 'warn', 'suspend']);
    });

    it('suspends after 3 blocked inputs in a row', async () => {
      const { l, clock } = ladder();
      await l.strike('t1', 'u', 'a');
      clock.advance(2 * HOUR);
      await l.strike('t1', 'u', 'b');
      clock.advance(2 * HOUR);
      const r = await l.strike('t1', 'u', 'c');
      expect(r.standing).toMatchObject({ level: 'suspend', reason: '3 consecutive blocked inputs' });
      expect(r.standing.strikes).toMatchObject({ '1h': 1, '24h': 3, consecutive: 3 });
      expect(r.step).toMatchObject({ level: 'suspend', evidenceRefs: ['a', 'b', 'c'] });
      expect(r.step!.until?.getTime()).toBe(clock.t + 7 * DAY);
    });

    it('an allowed input resets the consecutive run', async () => {
      const { l, clock } = ladder();
      await l.strike('t1', 'u', 'a');
      clock.advance(2 * HOUR);
      await l.strike('t1', 'u', 'b');
      expect((await l.check('t1', 'u')).strikes.consecutive).toBe(2);
      await l.clean('t1', 'u');
      expect((await l.check('t1', 'u')).strikes.consecutive).toBe(0);
      clock.advance(2 * HOUR);
      await l.strike('t1', 'u', 'c');
      clock.advance(2 * HOUR);
      const r = await l.strike('t1', 'u', 'd');
      expect(r.standing.level).toBe('warn');
      expect(r.standing.strikes).toMatchObject({ consecutive: 2, '24h': 4 });
      expect(r.step?.level).toBe('warn'); // 2 h apart: each strike is alone in the 1 h window, a new warning
      clock.advance(2 * HOUR);
      const third = await l.strike('t1', 'u', 'e');
      // now both rules fire (3 in a row, 5 in 24 h): one suspension, the consecutive run's evidence
      expect(third.step).toMatchObject({ level: 'suspend', reason: '3 consecutive blocked inputs' });
      expect(third.step!.evidenceRefs).toEqual(['c', 'd', 'e']);
    });

    it('forgets a consecutive run after 24 hours without a strike', async () => {
      const { l, clock } = ladder();
      await l.strike('t1', 'u', 'a');
      await l.strike('t1', 'u', 'b');
      clock.advance(DAY);
      expect((await l.check('t1', 'u')).strikes.consecutive).toBe(0);
      const r = await l.strike('t1', 'u', 'c');
      expect(r.standing.strikes.consecutive).toBe(1);
      expect(r.standing.level).toBe('warn');
    });

    it('a higher rule raises a sanction already in force; a lower one leaves it alone', async () => {
      const { l, clock } = ladder();
      await strikeThenClean(l, 'u', 'a');
      await strikeThenClean(l, 'u', 'b');
      await l.strike('t1', 'u', 'c'); // restrict, run 1
      const restrictedUntil = (await l.check('t1', 'u')).until!.getTime();
      clock.advance(60_000);
      const fourth = await l.strike('t1', 'u', 'd'); // run 2, 4 in 1 h: restrict again → no step
      expect(fourth.step).toBeNull();
      expect(fourth.standing.level).toBe('restrict');
      expect(fourth.standing.until?.getTime()).toBe(restrictedUntil);
      const fifth = await l.strike('t1', 'u', 'e'); // run 3 and 5 in 24 h → suspend
      expect(fifth.step?.level).toBe('suspend');
      expect(fifth.standing.level).toBe('suspend');
    });

    it('terminate is permanent until reinstated, and reinstatement forgets the strikes', async () => {
      const { l, clock } = ladder();
      await strikeThenClean(l, 'u', 'a');
      const step = await l.terminate('t1', 'u', 'manual review #42');
      expect(step).toMatchObject({
        tenant: 't1',
        user: 'u',
        level: 'terminate',
        reason: 'manual review #42',
      });
      expect(step).toMatchObject({ evidenceRef: null, until: null, evidenceRefs: [] });
      clock.advance(400 * DAY);
      expect(await l.check('t1', 'u')).toMatchObject({
        level: 'terminate',
        until: null,
        reason: 'manual review #42',
      });
      // strikes neither lower nor re-step a termination
      for (const ref of ['b', 'c', 'd', 'e', 'f']) {
        const r = await l.strike('t1', 'u', ref);
        expect(r.step).toBeNull();
        expect(r.standing.level).toBe('terminate');
      }
      const back = await l.reinstate('t1', 'u', 'appeal granted');
      expect(back).toMatchObject({ level: 'reinstate', reason: 'appeal granted', until: null });
      expect(await l.check('t1', 'u')).toEqual({
        level: 'none',
        until: null,
        strikes: { '1h': 0, '24h': 0, consecutive: 0 },
      });
    });

    it('reinstate lifts a suspension early', async () => {
      const { l } = ladder();
      for (const ref of ['a', 'b', 'c']) await l.strike('t1', 'u', ref);
      expect((await l.check('t1', 'u')).level).toBe('suspend');
      await l.reinstate('t1', 'u', 'false positive');
      expect((await l.check('t1', 'u')).level).toBe('none');
    });

    it('keeps users of different tenants, and the null tenant, apart', async () => {
      const { l } = ladder();
      for (const ref of ['a', 'b', 'c']) await l.strike('t1', 'u', ref);
      expect((await l.check('t1', 'u')).level).toBe('suspend');
      expect((await l.check('t2', 'u')).level).toBe('none');
      expect((await l.check(null, 'u')).level).toBe('none');
      expect((await l.check('', 'u')).level).toBe('none');
      expect((await l.check('t1', 'u2')).level).toBe('none');
      await l.terminate(null, 'u', 'x');
      expect((await l.check('', 'u')).level).toBe('none');
      expect((await l.check(null, 'u')).level).toBe('terminate');
      // ids that would collide if concatenated naively
      await l.terminate('a:b', 'c', 'x');
      expect((await l.check('a', 'b:c')).level).toBe('none');
    });

    it('counts correctly when the clock steps back', async () => {
      const { l, clock } = ladder();
      const start = clock.t;
      await strikeThenClean(l, 'u', 'a');
      clock.t = start - 1000;
      await strikeThenClean(l, 'u', 'b');
      clock.t = start - 1000 + HOUR; // 'b' is now exactly 1 h old, 'a' is not
      expect((await l.check('t1', 'u')).strikes).toMatchObject({ '1h': 1, '24h': 2 });
    });

    it('rejects an empty user id', async () => {
      const { l } = ladder();
      await expect(l.check('t1', '')).rejects.toMatchObject({ code: 'input_invalid' });
    });

    it('honours warnAt and custom windows', async () => {
      const { l, clock } = ladder({
        warnAt: 2,
        consecutive: false,
        windows: [
          { within: '10m', count: 4, level: 'suspend', for: '2h' },
          { within: '30m', count: 3, level: 'restrict', for: '15m' },
        ],
      });
      const r1 = await l.strike(null, 'u', 'a');
      expect(r1.standing.level).toBe('none');
      expect(r1.step).toBeNull();
      const r2 = await l.strike(null, 'u', 'b');
      expect(r2.step?.level).toBe('warn');
      expect(r2.standing.reason).toMatch(/2 blocked inputs within 10m/);
      const r3 = await l.strike(null, 'u', 'c');
      expect(r3.step).toMatchObject({ level: 'restrict', reason: '3 blocked inputs within 30m' });
      expect(r3.standing.until?.getTime()).toBe(clock.t + 15 * 60_000);
      expect(r3.standing.strikes).toEqual({ '10m': 3, '30m': 3, consecutive: 0 });
      const r4 = await l.strike(null, 'u', 'd');
      expect(r4.step).toMatchObject({ level: 'suspend', reason: '4 blocked inputs within 10m' });
      expect(r4.standing.until?.getTime()).toBe(clock.t + 2 * HOUR);
    });

    it('never warns with warnAt: false', async () => {
      const { l } = ladder({ warnAt: false });
      const r = await l.strike('t1', 'u', 'a');
      expect(r.standing.level).toBe('none');
      expect(r.step).toBeNull();
    });

    it('counts nothing when disabled, but manual termination still applies', async () => {
      const { l } = ladder({ enabled: false });
      for (const ref of ['a', 'b', 'c', 'd', 'e', 'f']) {
        const r = await l.strike('t1', 'u', ref);
        expect(r.step).toBeNull();
        expect(r.standing.level).toBe('none');
      }
      await l.terminate('t1', 'u', 'x');
      expect((await l.check('t1', 'u')).level).toBe('terminate');
      expect((await l.strike('t1', 'u', 'g')).standing.level).toBe('terminate');
    });
  });
}
