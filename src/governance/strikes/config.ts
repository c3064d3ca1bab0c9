/**
 * Configuration of the strike ladder (the `strikes:` block of the gateway config).
 *
 * ```yaml
 * strikes:
 *   enabled: true
 *   warnAt: 1                 # strikes within the shortest window before a warning is attached (false: never)
 *   windows:                  # sliding windows over blocked inputs
 *     - { within: 1h, count: 3, level: restrict, for: 1h }
 *     - { within: 24h, count: 5, level: suspend, for: 7d }
 *   consecutive: 3            # or { count: 3, level: suspend, for: 7d, expireAfter: 24h }, or false
 * ```
 *
 * **The defaults are not law.** Interim Measures art. 14 ¶2 requires warning, limiting, suspending or
 * terminating a misusing user but sets no numbers. The two thresholds that lead to suspension —
 * **3 consecutive** blocked inputs, or **5 within a day** — are taken from the 2023 TC260 draft
 * (生成式人工智能服务安全基本要求, 征求意见稿), which we could not confirm survived into TC260-003 or
 * GB/T 45654-2025 (requirements.md §6 open question 4). Everything else is hegui's own choice:
 * "a day" is read as a sliding 24 h window (no time zone, never resets at midnight); a warning from the
 * first strike; a one-hour restriction after 3 strikes within an hour; suspension lasts 7 days;
 * a consecutive run is forgotten after 24 h without a new strike. Operators should set these to what
 * their user agreement says.
 *
 * Durations are strings: an integer and a unit, `ms`, `s`, `m`, `h`, `d` or `w` (`90s`, `15m`, `7d`).
 * Parsing fills every default; the parsed form ({@link StrikeConfig}) holds milliseconds.
 */
import { z } from 'zod';
import { HeguiError } from '../../engine/errors.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;
const DURATION_RE = /^(\d{1,12})(ms|s|m|h|d|w)$/;

/** `"1h"` → 3 600 000; `null` if not a positive duration of the form `<integer><unit>`. */
export function parseDuration(text: string): number | null {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as Unit];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

const durationMessage = (text: string) =>
  `expected a positive duration such as 30s, 15m, 1h, 24h or 7d, got "${text}"`;

/** A duration string, kept as written (window names are shown as configured). */
const DurationTextSchema = z.string().check((ctx) => {
  if (parseDuration(ctx.value) === null) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: durationMessage(ctx.value) });
  }
});

/** A duration string parsed to milliseconds. */
const DurationSchema = DurationTextSchema.transform((text) => parseDuration(text)!);

/** Levels a rule may impose automatically; `terminate` is manual only. */
const AutoLevelSchema = z.enum(['restrict', 'suspend']);
export type AutoLevel = z.infer<typeof AutoLevelSchema>;

/** A sliding window: `count` strikes `within` a period impose `level` `for` a period. */
export interface StrikeWindow {
  /** Window length in ms. */
  within: number;
  /** The window's duration as configured (`"24h"`), the key of `Standing.strikes`. */
  name: string;
  count: number;
  level: AutoLevel;
  /** Sanction length in ms. */
  for: number;
}

/** `count` blocked inputs in a row (no allowed input between) impose `level` `for` a period. */
export interface ConsecutiveRule {
  count: number;
  level: AutoLevel;
  /** Sanction length in ms. */
  for: number;
  /** A run with no new strike for this long (ms) is forgotten. */
  expireAfter: number;
}

/** The parsed configuration (durations in ms, windows sorted shortest first). */
export interface StrikeConfig {
  enabled: boolean;
  /** Strikes within the shortest window from which the standing is `warn`; `false`: never warn. */
  warnAt: number | false;
  windows: StrikeWindow[];
  consecutive: ConsecutiveRule | false;
}

const WindowSchema = z
  .strictObject({
    within: DurationTextSchema,
    count: z.int().min(1),
    level: AutoLevelSchema,
    for: DurationSchema,
  })
  .transform((w): StrikeWindow => ({
    within: parseDuration(w.within)!,
    name: w.within.trim(),
    count: w.count,
    level: w.level,
    for: w.for,
  }));

/** Default consecutive rule (the count is the 2023 TC260 draft's; level, length and expiry are hegui's). */
const CONSECUTIVE_DEFAULTS = { level: 'suspend', for: '7d', expireAfter: '24h' } as const;

const ConsecutiveObjectSchema = z.strictObject({
  count: z.int().min(1),
  level: AutoLevelSchema.default(CONSECUTIVE_DEFAULTS.level),
  for: DurationSchema.prefault(CONSECUTIVE_DEFAULTS.for),
  expireAfter: DurationSchema.prefault(CONSECUTIVE_DEFAULTS.expireAfter),
});

const ConsecutiveSchema = z
  .union([z.literal(false), z.int().min(1), ConsecutiveObjectSchema])
  .transform((v): ConsecutiveRule | false => {
    if (v === false) return false;
    if (typeof v === 'number') {
      return {
        count: v,
        level: CONSECUTIVE_DEFAULTS.level,
        for: parseDuration(CONSECUTIVE_DEFAULTS.for)!,
        expireAfter: parseDuration(CONSECUTIVE_DEFAULTS.expireAfter)!,
      };
    }
    return v;
  });

/**
 * Default windows. 5 within 24 h → suspend is the 2023 TC260 draft's "5 per day" (as a sliding day);
 * 3 within 1 h → restrict for 1 h, and the 7-day suspension, are hegui's choices.
 */
export const DEFAULT_WINDOWS = [
  { within: '1h', count: 3, level: 'restrict', for: '1h' },
  { within: '24h', count: 5, level: 'suspend', for: '7d' },
] as const;

/** Zod schema of the `strikes:` block; parsing fills every default (see the module comment for their source). */
export const StrikeConfigSchema = z
  .strictObject({
    /** `false`: blocked inputs are not counted; manual terminate/reinstate still apply. */
    enabled: z.boolean().default(true),
    /** Strikes within the shortest window from which a warning is attached; `false`: never. Default 1. */
    warnAt: z.union([z.literal(false), z.int().min(1)]).default(1),
    /** Sliding windows; default 3/1h → restrict 1h, 5/24h → suspend 7d. */
    windows: z.array(WindowSchema).prefault(() => DEFAULT_WINDOWS.map((w) => ({ ...w }))),
    /** Blocked inputs in a row → sanction; default 3 → suspend 7d, run forgotten after 24h idle. */
    consecutive: ConsecutiveSchema.prefault(3),
  })
  .superRefine((c, ctx) => {
    if (c.warnAt !== false && c.windows.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['warnAt'],
        message:
          'warnAt counts strikes within the shortest window, but no windows are configured (set warnAt: false)',
      });
    }
  })
  .transform((c): StrikeConfig => ({
    enabled: c.enabled,
    warnAt: c.warnAt,
    windows: [...c.windows].sort((a, b) => a.within - b.within),
    consecutive: c.consecutive,
  }));

export type StrikeConfigInput = z.input<typeof StrikeConfigSchema>;

/**
 * Parse the `strikes:` block, throwing a `config_invalid` {@link HeguiError} whose `where` names the
 * offending field (`strikes.windows.1.within`). `where` is the block's own path in the config.
 */
export function parseStrikeConfig(input: unknown, where = 'strikes'): StrikeConfig {
  const r = StrikeConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const { path, message } = mostSpecific(r.error.issues[0]!);
  return failConfig(message, [where, ...path].filter((p) => p !== '').join('.'));
}

/**
 * The issue to report: for a union (`consecutive: 3 | false | {…}`), the branch that got furthest
 * (deepest path, then anything but a plain type mismatch), so the message names the real field.
 */
function mostSpecific(issue: z.core.$ZodIssue): { path: string[]; message: string } {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys')
    return { path: [...path, ...issue.keys.slice(0, 1)], message: issue.message };
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path, message: issue.message };
  let best: { path: string[]; message: string } | null = null;
  let bestScore = 0;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined) continue;
    const inner = mostSpecific(first);
    const plain = first.code === 'invalid_type' || first.code === 'invalid_value';
    const score = inner.path.length * 2 + (plain ? 0 : 1);
    if (score > bestScore) {
      best = inner;
      bestScore = score;
    }
  }
  return best === null
    ? { path, message: issue.message }
    : { path: [...path, ...best.path], message: best.message };
}

function failConfig(message: string, where: string): never {
  throw new HeguiError('config_invalid', message, where);
}

/** The defaults, parsed. */
export const DEFAULT_STRIKE_CONFIG: StrikeConfig = StrikeConfigSchema.parse({});

/** How long strike timestamps must be kept: the longest window, or the consecutive run's expiry if longer. */
export function retentionMs(config: StrikeConfig): number {
  let ms = 0;
  for (const w of config.windows) ms = Math.max(ms, w.within);
  if (config.consecutive) ms = Math.max(ms, config.consecutive.expireAfter);
  return Math.max(ms, 1);
}
