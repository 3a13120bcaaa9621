/**
 * Statement profile of the rules (issue 10: "profile before changing anything"): opens an existing
 * night's database (e.g. the one `npm run bench -- --keep DIR` leaves), computes D's derived facts,
 * runs the chosen mechanisms' decide (and, with --build, their writers' formatting) inside ONE
 * transaction that is rolled back, so the database is left exactly as it was, and prints the
 * statements that took the most time, with their EXPLAIN QUERY PLAN.
 *
 *   node bin/run-ts.js scripts/profile-sql.ts --db DIR/csebatch.db --date 2026-11-20 \
 *     [--mechanism iwo --mechanism levy ...] [--build] [--top 15] [--cache-mb N] [--pragma 'threads = 2']
 *
 * Times are wall-clock per SQL text (run/get/all/iterate summed, iterate timed to exhaustion).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { openDb } from '../src/store/db.ts';
import { computeDerivedFacts } from '../src/rules/derived.ts';
import { MECHANISMS, OUTBOUND } from '../src/interfaces.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    date: { type: 'string', default: '2026-11-20' },
    mechanism: { type: 'string', multiple: true },
    build: { type: 'boolean', default: false },
    top: { type: 'string', default: '15' },
    config: { type: 'string' },
    'cache-mb': { type: 'string' },
    'temp-cache-mb': { type: 'string' },
    pragma: { type: 'string', multiple: true },
  },
});
if (!values.db) {
  console.error('usage: profile-sql.ts --db FILE [--date D] [--mechanism ID ...] [--build] [--top N]');
  process.exit(2);
}

interface Cost {
  ms: number;
  calls: number;
  rows: number;
}
const costs = new Map<string, Cost>();
const cost = (sql: string): Cost => {
  let c = costs.get(sql);
  if (!c) costs.set(sql, (c = { ms: 0, calls: 0, rows: 0 }));
  return c;
};

// Wrap every prepared statement's executing methods (and exec) to add up wall time per SQL text.
const proto = Database.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
const prepare = proto['prepare']!;
const exec = proto['exec']!;
proto['exec'] = function (this: unknown, sql: unknown) {
  const t = performance.now();
  try {
    return exec.call(this, sql);
  } finally {
    const c = cost(String(sql));
    c.ms += performance.now() - t;
    c.calls++;
  }
};
const plans = new Map<string, string>();
/** EXPLAIN QUERY PLAN at the statement's first execution, while its temporary tables exist. */
function capturePlan(conn: unknown, sql: string, args: unknown[]): void {
  if (plans.has(sql) || /^\s*(BEGIN|COMMIT|ROLLBACK|DROP|CREATE\s+(UNIQUE\s+)?INDEX|PRAGMA|ALTER)/i.test(sql)) return;
  try {
    const rows = (prepare.call(conn, `EXPLAIN QUERY PLAN ${sql}`) as { all: (...a: unknown[]) => unknown }).all(...args) as Array<{ id: number; parent: number; detail: string }>;
    const depth = new Map<number, number>([[0, 0]]);
    plans.set(sql, rows.map((r) => (depth.set(r.id, (depth.get(r.parent) ?? 0) + 1), `${'  '.repeat(depth.get(r.id)!)}${r.detail}`)).join('\n'));
  } catch (e) {
    plans.set(sql, `(no plan: ${(e as Error).message})`);
  }
}
proto['prepare'] = function (this: unknown, sql: unknown) {
  const stmt = prepare.call(this, sql) as Record<string, (...a: unknown[]) => unknown>;
  const c = cost(String(sql));
  const conn = this;
  for (const m of ['run', 'get', 'all']) {
    const f = stmt[m]!;
    stmt[m] = function (this: unknown, ...args: unknown[]) {
      capturePlan(conn, String(sql), args);
      const t = performance.now();
      try {
        const r = f.apply(this, args);
        if (Array.isArray(r)) c.rows += r.length;
        return r;
      } finally {
        c.ms += performance.now() - t;
        c.calls++;
      }
    };
  }
  const iterate = stmt['iterate']!;
  stmt['iterate'] = function* (this: unknown, ...args: unknown[]) {
    capturePlan(conn, String(sql), args);
    c.calls++;
    const it = iterate.apply(this, args) as Iterator<unknown>;
    for (;;) {
      const t = performance.now();
      const n = it.next();
      c.ms += performance.now() - t;
      if (n.done) return;
      c.rows++;
      yield n.value;
    }
  };
  return stmt;
};

const config = loadConfig(values.config);
const db = openDb(values.db);
// an experiment's page cache (openDb sets 96 MiB main, 288 MiB temp)
if (values["cache-mb"]) db.pragma(`cache_size = -${Number(values["cache-mb"]) * 1024}`);
if (values["temp-cache-mb"]) db.pragma(`temp.cache_size = -${Number(values["temp-cache-mb"]) * 1024}`);
// --pragma 'threads = 2' (repeatable): any other setting to try, applied after openDb's own
for (const p of values.pragma ?? []) db.pragma(p);
const d = values.date!;
const chosen = values.mechanism?.length ? MECHANISMS.filter((m) => values.mechanism!.includes(m.id)) : MECHANISMS;
const steps: Record<string, number> = {};
const timed = (name: string, fn: () => void) => {
  const t = performance.now();
  fn();
  steps[name] = Math.round(performance.now() - t);
  process.stderr.write(`profile-sql: ${name} ${steps[name]} ms\n`);
};
timed('derived', () => computeDerivedFacts(db, d, config));
db.exec('BEGIN');
try {
  for (const m of chosen) {
    timed(`${m.id}:decide`, () => m.decide(db, d, config, { command: 'nightly', requested: [], spoolDir: os.tmpdir() }));
    if (values.build) {
      for (const o of OUTBOUND.filter((x) => x.mechanism === m.id)) timed(`${m.id}:build:${o.id}`, () => void o.build(db, d, config, { command: 'nightly', requested: [], spoolDir: os.tmpdir() }));
    }
  }
} finally {
  db.exec('ROLLBACK');
}
const top = [...costs].filter(([, c]) => c.calls > 0).sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top));
for (const [sql, c] of top) {
  const plan = plans.get(sql) ?? '';
  console.log(`\n=== ${Math.round(c.ms)} ms, ${c.calls} call(s), ${c.rows} row(s)\n${sql.trim().replace(/\s+\n/g, '\n').slice(0, 8000)}\n--- plan\n${plan}`);
}
console.log(`\nsteps ${JSON.stringify(steps)} peakRssMb ${Math.round(process.resourceUsage().maxRSS / 1024)} heapUsedMb ${Math.round(process.memoryUsage().heapUsed / 1048576)}`);
db.close();
