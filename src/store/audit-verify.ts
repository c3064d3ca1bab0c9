/** Verification of the audit chains: recomputes every hash and checks links, gaps and checkpoints. */
import type { Kysely } from 'kysely';
import { bodyOf, chainHash, GENESIS_HASH, type RowBody } from './audit-row.js';
import type { AuditEventsTable, StoreSchema } from './schema.js';

export type AuditProblemKind = 'edited' | 'missing' | 'reordered' | 'broken_link';

export interface AuditProblem {
  instanceId: string;
  seq: number;
  kind: AuditProblemKind;
  detail: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  instances: string[];
  problems: AuditProblem[];
}

const VERIFY_PAGE = 2000;
/** How far from its stored position a reordered row is looked for. */
const REORDER_WINDOW = 64;
const REORDER_SEARCHES = 1000;

export interface ChainMacs {
  head(seq: number, hash: string, instance: string): string;
  anchor(seq: number, hash: string, instance: string): string;
}

/**
 * Walks one instance's chain in seq order and appends what is wrong to `problems`: `edited` (hash
 * mismatch, or a checkpoint's MAC or hash differs), `missing` (a seq gap, or rows up to the head gone),
 * `reordered` (the row hashes right at another seq nearby), `broken_link` (an intact row that does
 * not follow its predecessor). Returns how many rows it checked.
 */
export async function verifyChain(
  db: Kysely<StoreSchema>,
  instance: string,
  macs: ChainMacs,
  problems: AuditProblem[],
): Promise<number> {
  const report = (seq: number, kind: AuditProblemKind, detail: string) =>
    problems.push({ instanceId: instance, seq, kind, detail });
  const head = await db
    .selectFrom('audit_heads')
    .selectAll()
    .where('instance_id', '=', instance)
    .executeTakeFirst();
  if (head && head.mac !== macs.head(head.seq, head.hash, instance)) {
    report(
      head.seq,
      'edited',
      'the head checkpoint’s MAC does not match (altered, or a different secret key)',
    );
  }
  const anchor = await db
    .selectFrom('audit_anchors')
    .selectAll()
    .where('instance_id', '=', instance)
    .executeTakeFirst();
  if (anchor && anchor.mac !== macs.anchor(anchor.seq, anchor.hash, instance)) {
    report(
      anchor.seq,
      'edited',
      'the retention anchor’s MAC does not match (altered, or a different secret key)',
    );
  }
  // After pruning, the chain starts right after the anchor (the last deleted event).
  let expected = anchor ? anchor.seq + 1 : 1;
  let prevHash = anchor ? anchor.hash : GENESIS_HASH;
  // A bad anchor is reported once; the first row's link to it would only repeat that.
  let prevOk = !anchor || anchor.mac === macs.anchor(anchor.seq, anchor.hash, instance);
  let checked = 0;
  let searches = 0;
  let headSeen = false;
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('instance_id', '=', instance)
      .where('seq', '>=', expected)
      .orderBy('seq')
      .limit(VERIFY_PAGE)
      .execute();
    for (const row of page) {
      checked += 1;
      let gap = false;
      if (row.seq > expected) {
        gap = true;
        report(
          expected,
          'missing',
          row.seq - 1 === expected
            ? `row ${expected} is missing`
            : `rows ${expected}–${row.seq - 1} are missing`,
        );
      }
      const body = bodyOf(row);
      let ok = chainHash(row.prev_hash, body) === row.hash;
      if (!ok) {
        const original = searches++ < REORDER_SEARCHES ? originalSeq(row, body) : null;
        if (original !== null) {
          report(row.seq, 'reordered', `row stored as ${row.seq} was written as ${original}`);
        } else {
          report(row.seq, 'edited', `row ${row.seq}’s contents do not match its hash`);
        }
      } else if (!gap && prevOk && row.prev_hash !== prevHash) {
        ok = false;
        report(row.seq, 'broken_link', `row ${row.seq} does not follow row ${row.seq - 1}`);
      }
      if (head && row.seq === head.seq) {
        headSeen = true;
        if (row.hash !== head.hash)
          report(row.seq, 'edited', `row ${row.seq} differs from the head checkpoint`);
      }
      prevOk = ok;
      prevHash = row.hash;
      expected = row.seq + 1;
    }
    if (page.length < VERIFY_PAGE) break;
  }
  if (head && !headSeen && !(anchor && anchor.seq === head.seq && checked === 0)) {
    report(
      expected,
      'missing',
      expected > head.seq
        ? `row ${head.seq}, the head checkpoint, is missing`
        : `rows ${expected}–${head.seq} are missing (the head checkpoint is at ${head.seq})`,
    );
  } else if (!head && checked > 0) {
    report(expected - 1, 'missing', 'the chain’s head checkpoint is missing');
  }
  return checked;
}

/** The position a row was hashed at, if it is near where it is stored now. */
function originalSeq(row: AuditEventsTable, body: RowBody): number | null {
  for (let d = 1; d <= REORDER_WINDOW; d++) {
    for (const seq of [row.seq - d, row.seq + d]) {
      if (seq >= 1 && chainHash(row.prev_hash, { ...body, seq }) === row.hash) return seq;
    }
  }
  return null;
}
