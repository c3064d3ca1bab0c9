/**
 * Child processes for the gateway benchmark: each contender runs in its own process (so its CPU time
 * can be read from /proc/<pid>/stat), on 127.0.0.1 only (leash.cjs), ended by the bench or by itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const BENCH_SUPPORT = import.meta.dirname;
export const LEASH = path.join(BENCH_SUPPORT, 'leash.cjs');

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything the child printed on stderr so far (capped). */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (or rejects on exit / timeout). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const STDERR_CAP = 256 * 1024;

export function startChild(
  name: string,
  nodeArgs: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Child {
  const child = spawn(process.execPath, ['--require', LEASH, ...nodeArgs], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start`);
  let err = '';
  let exited = false;
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  child.stderr!.on('data', (d: Buffer) => {
    if (err.length < STDERR_CAP) err += d.toString();
    poke();
  });
  child.stdout!.on('data', () => {}); // drained, ignored (Portkey's banner)
  child.once('exit', () => {
    exited = true;
    poke();
  });
  return {
    name,
    pid: child.pid,
    process: child,
    stderr: () => err,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms; stderr:\n${err.slice(-2000)}`));
        }, timeoutMs);
        const check = () => {
          const m = pattern.exec(err);
          if (m) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(m);
          } else if (exited) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(
              new Error(
                `${name}: exited (${child.exitCode}) before ${pattern}; stderr:\n${err.slice(-2000)}`,
              ),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    stop(graceMs = 8000) {
      if (exited) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill('SIGTERM');
      });
    },
  };
}

let clockTicks = 0;
function ticksPerSecond(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time of a process (all its threads), in milliseconds, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

/** Whole-machine CPU time (busy, all cores) in milliseconds, from /proc/stat. */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = v;
  return ((user + nice + system + irq + softirq + steal) * 1000) / ticksPerSecond();
}
