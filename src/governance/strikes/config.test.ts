import { describe, expect, it } from 'vitest';
import { HeguiError } from '../../engine/errors.js';
import {
  DEFAULT_STRIKE_CONFIG,
  StrikeConfigSchema,
  parseDuration,
  parseStrikeConfig,
  retentionMs,
} from './config.js';

const H = 3_600_000;
const D = 24 * H;

function errorOf(input: unknown, where?: string): HeguiError {
  try {
    parseStrikeConfig(input, where);
  } catch (err) {
    expect(err).toBeInstanceOf(HeguiError);
    return err as HeguiError;
  }
  throw new Error('expected parseStrikeConfig to throw');
}

describe('parseDuration', () => {
  it('reads an integer and a unit', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('24h')).toBe(D);
    expect(parseDuration('7d')).toBe(7 * D);
    expect(parseDuration('2w')).toBe(14 * D);
  });
  it('rejects anything else', () => {
    for (const bad of ['', '1', 'h', '0s', '-1h', '1.5h', '1 h', '1H', '1y', '1h30m', '999999999999w']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });
});

describe('StrikeConfigSchema defaults', () => {
  it('are the 2023 TC260 draft thresholds plus hegui choices', () => {
    expect(DEFAULT_STRIKE_CONFIG).toEqual({
      enabled: true,
      warnAt: 1,
      windows: [
        { within: H, name: '1h', count: 3, level: 'restrict', for: H },
        { within: D, name: '24h', count: 5, level: 'suspend', for: 7 * D },
      ],
      consecutive: { count: 3, level: 'suspend', for: 7 * D, expireAfter: D },
    });
    expect(StrikeConfigSchema.parse({})).toEqual(DEFAULT_STRIKE_CONFIG);
    expect(parseStrikeConfig(undefined)).toEqual(DEFAULT_STRIKE_CONFIG);
  });

  it('sorts windows shortest first and fills consecutive defaults', () => {
    const c = parseStrikeConfig({
      windows: [
        { within: '2d', count: 9, level: 'suspend', for: '30d' },
        { within: '10m', count: 2, level: 'restrict', for: '5m' },
      ],
      consecutive: { count: 4, expireAfter: '2h' },
    });
    expect(c.windows.map((w) => w.name)).toEqual(['10m', '2d']);
    expect(c.consecutive).toEqual({ count: 4, level: 'suspend', for: 7 * D, expireAfter: 2 * H });
    expect(retentionMs(c)).toBe(2 * D);
  });

  it('accepts switching rules off', () => {
    const c = parseStrikeConfig({ windows: [], warnAt: false, consecutive: false });
    expect(c).toEqual({ enabled: true, warnAt: false, windows: [], consecutive: false });
    expect(retentionMs(c)).toBe(1);
  });
});

describe('parseStrikeConfig errors name the field', () => {
  it.each([
    [
      { windows: [{ within: '1h', count: 3, level: 'restrict', for: '1h' }, { within: '1 day' }] },
      'strikes.windows.1.within',
    ],
    [{ windows: [{ within: '1h', count: 0, level: 'restrict', for: '1h' }] }, 'strikes.windows.0.count'],
    [{ windows: [{ within: '1h', count: 2.5, level: 'restrict', for: '1h' }] }, 'strikes.windows.0.count'],
    [{ windows: [{ within: '1h', count: 3, level: 'terminate', for: '1h' }] }, 'strikes.windows.0.level'],
    [{ windows: [{ within: '1h', count: 3, level: 'restrict', for: 'forever' }] }, 'strikes.windows.0.for'],
    [
      { windows: [{ within: '1h', count: 3, level: 'restrict', for: '1h', extra: 1 }] },
      'strikes.windows.0.extra',
    ],
    [{ windows: 'often' }, 'strikes.windows'],
    [{ warnAt: 0 }, 'strikes.warnAt'],
    [{ warnAt: true }, 'strikes.warnAt'],
    [{ windows: [] }, 'strikes.warnAt'],
    [{ consecutive: 0 }, 'strikes.consecutive'],
    [{ consecutive: { count: 3, for: '7 days' } }, 'strikes.consecutive.for'],
    [{ consecutive: { level: 'suspend' } }, 'strikes.consecutive.count'],
    [{ enabled: 'yes' }, 'strikes.enabled'],
    [{ windowz: [] }, 'strikes.windowz'],
  ])('%j → %s', (input, where) => {
    const err = errorOf(input);
    expect(err.code).toBe('config_invalid');
    expect(err.where).toBe(where);
    expect(err.message.startsWith(`${where}: `)).toBe(true);
  });

  it('says what a duration should look like', () => {
    expect(errorOf({ consecutive: { count: 3, expireAfter: '1 day' } }, 'gateway.strikes').message).toBe(
      'gateway.strikes.consecutive.expireAfter: expected a positive duration such as 30s, 15m, 1h, 24h or 7d, got "1 day"',
    );
  });
});
