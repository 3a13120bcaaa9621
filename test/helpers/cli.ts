/** Running the CLI in tests: in-process through `main` (fast), or as a real child process. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.ts';
import { PACKAGE_ROOT } from '../../src/config.ts';

export const FIXTURES = path.join(PACKAGE_ROOT, 'fixtures');
export const BIN = path.join(PACKAGE_ROOT, 'bin', 'csebatch.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'csebatch', ...args], {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

/** The real executable, as cron runs it. */
export function cliProcess(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliProcessAsync(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tmpDir(prefix = 'csebatch-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A private copy of a fixture inbox, so a test can add or break files. */
export function copyInbox(name = 'inbox'): string {
  const dir = path.join(tmpDir(), 'inbox');
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Every file under a folder (relative path → bytes), logs and the database left out. */
export function snapshotFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'logs') walk(full);
      } else if (!/\.db(-wal|-shm|-journal)?$|\.sqlite(-wal|-shm)?$|\.lock$/.test(e.name)) {
        out[path.relative(dir, full)] = fs.readFileSync(full, 'latin1');
      }
    }
  };
  walk(dir);
  return out;
}

export const DATES = ['2026-09-15', '2026-11-20'] as const;

/** Runs the nightly job for every fixture date in order; returns the last run. */
export async function nightlyAll(inbox: string, out: string, extra: string[] = []): Promise<CliRun[]> {
  const runs: CliRun[] = [];
  for (const d of DATES) runs.push(await cli('nightly', '--date', d, '--inbox', inbox, '--out', out, ...extra));
  return runs;
}
