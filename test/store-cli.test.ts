/** `hegui keys|audit|incidents` as a user runs them: real processes on a real data directory. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../src/store/index.js';
import { dropSchema, TEST_DATABASE_URL } from '../src/store/testing.js';

const root = resolve(import.meta.dirname, '..');
/** Each command is a fresh process (~2 s of start-up); several run per test. */
const SLOW = 180_000;

function hegui(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      HEGUI_DATABASE_URL: '',
      HEGUI_SECRET_KEY: '',
      HEGUI_INSTANCE_ID: '',
      HEGUI_DATABASE_SCHEMA: '',
      ...env,
    },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'hegui-cli-store-'));
}

async function withStore<T>(
  options: StoreOptions,
  work: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>,
) {
  const store = await openStore(options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const event = (i: number) => ({
  requestId: `r${i}`,
  tenant: 'acme',
  user: null,
  route: '/v1/chat/completions',
  model: 'm',
  status: 200,
  latencyMs: 3,
  policyVersion: 'cn-default@1',
});

describe('hegui keys', () => {
  it(
    'create prints only the key, which then authenticates; list and revoke',
    async () => {
      const dir = dataDir();
      const r = hegui(['keys', 'create', '--tenant', 'acme', '--name', 'ci', '--data-dir', dir]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^hg_[0-9a-z]{8}_[A-Za-z0-9_-]{43}\n$/);
      const key = r.out.trim();
      const prefix = key.slice(3, 11);
      expect(r.err).toContain(prefix);
      const owner = await withStore({ dataDir: dir }, (s) => s.keys.authenticate(key));
      expect(owner).toMatchObject({ tenant: 'acme', policy: null });

      const listed = hegui(['keys', 'list', '--data-dir', dir, '-f', 'json']);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.out)).toEqual([
        expect.objectContaining({ prefix, tenant: 'acme', name: 'ci', revokedAt: null }),
      ]);
      expect(listed.out).not.toContain(key.slice(12));

      expect(hegui(['keys', 'revoke', prefix, '--data-dir', dir]).code).toBe(0);
      const again = hegui(['keys', 'revoke', prefix, '--data-dir', dir]);
      expect(again.code).toBe(2);
      expect(again.err).toContain('not_found');
      expect(await withStore({ dataDir: dir }, (s) => s.keys.authenticate(key))).toBeNull();
    },
    SLOW,
  );

  it(
    'checks the policy file and stores its absolute path',
    async () => {
      const dir = dataDir();
      const bad = hegui([
        'keys',
        'create',
        '--tenant',
        'acme',
        '--policy',
        'no/such.yaml',
        '--data-dir',
        dir,
      ]);
      expect(bad.code).toBe(2);
      expect(bad.out).toBe('');
      const ok = hegui(['keys', 'create', '--tenant', 'acme', '--policy', 'policies/cn-default.yaml'], {
        HEGUI_DATA_DIR: dir,
      });
      expect(ok.code).toBe(0);
      const owner = await withStore({ dataDir: dir }, (s) => s.keys.authenticate(ok.out.trim()));
      expect(owner?.policy).toBe(join(root, 'policies/cn-default.yaml'));
    },
    SLOW,
  );
});

describe('hegui audit verify', () => {
  it(
    'exits 0 for an intact log, 1 with the problems listed, 2 when the database is unusable',
    async () => {
      const dir = dataDir();
      expect(hegui(['audit', 'verify', '--data-dir', dir]).code).toBe(0);
      await withStore({ dataDir: dir }, async (s) => {
        for (let i = 1; i <= 3; i++) await s.audit.append(event(i));
      });
      const ok = hegui(['audit', 'verify', '--data-dir', dir]);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('ok: 3 events');

      await withStore({ dataDir: dir }, (s) =>
        sql`update audit_events set status = 500 where seq = 2`.execute(s.db),
      );
      const bad = hegui(['audit', 'verify', '--data-dir', dir]);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/\t2\tedited\t/);
      const json = hegui(['audit', 'verify', '--data-dir', dir, '-f', 'json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.out)).toMatchObject({
        ok: false,
        checked: 3,
        problems: [{ seq: 2, kind: 'edited' }],
      });

      const corrupt = dataDir();
      writeFileSync(join(corrupt, 'hegui.db'), 'this is not a database'.repeat(100));
      const broken = hegui(['audit', 'verify', '--data-dir', corrupt]);
      expect(broken.code).toBe(2);
      expect(broken.err).toMatch(/store_unavailable/);
      const unreachable = hegui([
        'audit',
        'verify',
        '--data-dir',
        dir,
        '--database-url',
        'postgres://postgres@127.0.0.1:1/x',
      ]);
      expect(unreachable.code).toBe(2);
      expect(unreachable.out).toBe('');
    },
    SLOW,
  );

  it(
    'prune keeps six months unless forced, and the pruned log still verifies',
    async () => {
      const dir = dataDir();
      const old = Date.now() - 400 * 86_400_000;
      await withStore({ dataDir: dir }, async (s) => {
        for (let i = 1; i <= 3; i++) await s.audit.append({ ...event(i), time: new Date(old + i) });
        await s.audit.append(event(4));
      });
      const refused = hegui(['audit', 'prune', '--keep-days', '30', '--data-dir', dir]);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('--force');
      const pruned = hegui(['audit', 'prune', '--keep-days', '200', '--data-dir', dir]);
      expect(pruned.code).toBe(0);
      expect(pruned.out).toMatch(/^pruned 3 events before /);
      const verified = hegui(['audit', 'verify', '--data-dir', dir]);
      expect(verified.code).toBe(0);
      expect(verified.out).toContain('ok: 1 events');
    },
    SLOW,
  );

  describe('on PostgreSQL', () => {
    const schema = `hegui_test_cli_${process.pid}_${Date.now() % 1e6}`;
    afterAll(() => dropSchema(schema));

    it(
      'verifies the same way',
      async () => {
        const dir = dataDir();
        const env = {
          HEGUI_DATABASE_URL: TEST_DATABASE_URL,
          HEGUI_DATABASE_SCHEMA: schema,
          HEGUI_DATA_DIR: dir,
        };
        const options = { dataDir: dir, databaseUrl: TEST_DATABASE_URL, schema };
        await withStore(options, async (s) => {
          await Promise.all([1, 2, 3, 4].map((i) => s.audit.append(event(i))));
        });
        expect(hegui(['audit', 'verify'], env).code).toBe(0);
        await withStore(options, (s) => sql`delete from audit_events where seq = 3`.execute(s.db));
        const r = hegui(['audit', 'verify'], env);
        expect(r.code).toBe(1);
        expect(r.out).toMatch(/\t3\tmissing\t/);
      },
      SLOW,
    );
  });
});

describe('hegui incidents', () => {
  it(
    'lists, shows, exports and moves incidents forward only',
    async () => {
      const dir = dataDir();
      const { id } = await withStore({ dataDir: dir }, (s) =>
        s.incidents.open({
          tenant: 'acme',
          user: 'u1',
          model: 'm',
          category: 'A1a',
          categories: ['A1a'],
          evidenceRef: 'ev_1',
          requestId: 'r1',
          containedAt: new Date(),
        }),
      );
      const list = hegui(['incidents', 'list', '--data-dir', dir]);
      expect(list.code).toBe(0);
      expect(list.out).toMatch(new RegExp(`^${id}\\tcontained\\t`));
      expect(hegui(['incidents', 'list', '--status', 'open', '--data-dir', dir]).out).toBe('');

      const moved = hegui([
        'incidents',
        'transition',
        id,
        'rectified',
        '--note',
        'model retrained',
        '--data-dir',
        dir,
      ]);
      expect(moved.code).toBe(0);
      expect(moved.out).toContain('model retrained');
      const back = hegui(['incidents', 'transition', id, 'open', '--data-dir', dir]);
      expect(back.code).toBe(2);
      expect(back.err).toContain('conflict');

      const shown = hegui(['incidents', 'show', id, '-f', 'json', '--data-dir', dir]);
      expect(JSON.parse(shown.out)).toMatchObject({ id, status: 'rectified', evidenceRef: 'ev_1' });
      expect(hegui(['incidents', 'show', 'INC-none', '--data-dir', dir]).code).toBe(2);

      const exported = hegui(['incidents', 'export', '--format', 'json', '--data-dir', dir]);
      expect(exported.code).toBe(0);
      const all = JSON.parse(exported.out);
      expect(all).toHaveLength(1);
      expect(all[0].history.map((s: { to: string }) => s.to)).toEqual(['open', 'contained', 'rectified']);
    },
    SLOW,
  );
});
