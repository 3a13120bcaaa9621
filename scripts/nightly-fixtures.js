#!/usr/bin/env node
// `npm run nightly`: runs the nightly job for every business date of the bundled fixture inbox,
// oldest first (later nights depend on the ledgers of earlier ones), into ./out with the embedded
// SQLite database ./out/csebatch.db, with the fixture configuration fixtures/config/acceptance.json
// (the outputs are then those of fixtures/golden/). Exits with the highest exit code of the nights.
// A second `npm run nightly` reruns every night again in order, so it passes --force: the refusal
// to rerun an earlier date protects later ledgers, and every later date is rerun after it here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const inbox = path.join(root, 'fixtures', 'inbox');
const config = path.join(root, 'fixtures', 'config', 'acceptance.json');
const dates = fs
  .readdirSync(inbox)
  .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
  .sort();
let worst = 0;
for (const date of dates) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'csebatch.js'), 'nightly', '--date', date, '--inbox', inbox, '--config', config, '--force', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  const code = r.status ?? 1;
  worst = Math.max(worst, code);
  if (code >= 2) break; // usage error or lock held: later nights would only repeat it
}
process.exit(worst);
