/**
 * The bundled fixture nights, in business-date order, as the acceptance tests and the golden files
 * see them: every date folder of fixtures/inbox, run with fixtures/config/acceptance.json.
 *
 *   node bin/run-ts.js scripts/fixture-nights.ts --update-goldens
 *
 * runs them into a temporary folder and copies every outbound file each night wrote (the files the
 * manifest lists) to fixtures/golden/<date>/, replacing what was there. Review the change with
 * `git diff fixtures/golden` before committing it: a golden file is only as good as that review.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../src/cli.ts';
import { PACKAGE_ROOT } from '../src/config.ts';

export const FIXTURE_INBOX = path.join(PACKAGE_ROOT, 'fixtures', 'inbox');
export const FIXTURE_CONFIG = path.join(PACKAGE_ROOT, 'fixtures', 'config', 'acceptance.json');
export const GOLDEN_DIR = path.join(PACKAGE_ROOT, 'fixtures', 'golden');

/** Every business date of an inbox, oldest first. */
export function fixtureDates(inbox = FIXTURE_INBOX): string[] {
  return fs
    .readdirSync(inbox)
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
}

export function fixtureConfigArgs(): string[] {
  return fs.existsSync(FIXTURE_CONFIG) ? ['--config', FIXTURE_CONFIG] : [];
}

export interface NightResult {
  date: string;
  code: number;
  stderr: string;
}

/** Runs every fixture night in order into `out` (in-process); returns each night's exit code. */
export async function runFixtureNights(inbox: string, out: string, extra: string[] = []): Promise<NightResult[]> {
  const results: NightResult[] = [];
  for (const date of fixtureDates(inbox)) {
    let stderr = '';
    const code = await main(['node', 'csebatch', 'nightly', '--date', date, '--inbox', inbox, '--out', out, ...fixtureConfigArgs(), ...extra], {
      stdout: () => {},
      stderr: (s) => {
        stderr += s;
      },
    });
    results.push({ date, code, stderr });
  }
  return results;
}

/** The outbound files a night wrote, as its manifest lists them (relative to out/<date>/). */
export function outboundFiles(out: string, date: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(out, date, 'manifest.json'), 'utf8')) as { outputs?: Array<{ file: string }> };
  return (manifest.outputs ?? []).map((o) => o.file).sort();
}

async function updateGoldens(): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-goldens-'));
  const nights = await runFixtureNights(FIXTURE_INBOX, out);
  for (const n of nights) {
    const target = path.join(GOLDEN_DIR, n.date);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    const files = outboundFiles(out, n.date);
    for (const f of files) fs.copyFileSync(path.join(out, n.date, f), path.join(target, f));
    process.stdout.write(`${n.date}: exit ${n.code}, ${files.length} file(s): ${files.join(' ')}\n`);
    if (n.code !== 0) process.stdout.write(n.stderr);
  }
  return nights.some((n) => n.code !== 0) ? 1 : 0;
}

if (process.argv.includes('--update-goldens')) {
  updateGoldens().then((code) => process.exit(code));
}
