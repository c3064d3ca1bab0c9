/** `hegui serve` as a newcomer runs it: first start creates a key, the gateway answers, SIGTERM stops it. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from './support/fake-upstream.js';

const root = resolve(import.meta.dirname, '..');
let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await new FakeUpstream().start();
});
afterAll(async () => {
  await upstream.close();
});

describe('hegui serve', () => {
  it('starts on SQLite, prints a first key, serves, and shuts down on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hegui-serve-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli/index.ts'), 'serve', '--port', '0', '--upstream', upstream.url],
      {
        cwd: root,
        env: { ...process.env, HEGUI_DATA_DIR: dataDir, HEGUI_LOG_LEVEL: 'silent' },
      },
    );
    let stderr = '';
    const ready = await new Promise<{ url: string; key: string }>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line: ${stderr}`)), 30_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
        const key = /^\s+(hg_\S+)$/m.exec(stderr)?.[1];
        if (url && key) {
          clearTimeout(timer);
          resolvePromise({ url, key });
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(stderr).toContain('sqlite');
    const res = await fetch(`${ready.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ready.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: '你好' }] }),
    });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses to start without an upstream, naming the setting', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli/index.ts'), 'serve', '--port', '0'],
      {
        cwd: root,
        env: {
          ...process.env,
          HEGUI_DATA_DIR: mkdtempSync(join(tmpdir(), 'hegui-serve-')),
          HEGUI_UPSTREAM_URL: '',
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('config_invalid');
    expect(stderr).toContain('HEGUI_UPSTREAM_URL');
  }, 60_000);
});
