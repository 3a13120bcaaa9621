/**
 * `tasks.csv`: the caseworker worklist of business date D (layout `tasks`), written from the tasks
 * table: rows sorted by source interface, file name, then numeric line (DOMAIN 4).
 */
import type { Db } from '../store/db.ts';
import { csvLayout } from '../layout/registry.ts';
import { formatCents } from './money.ts';
import type { OutboundFile } from './outputs.ts';
import { LineSpool, spoolCsv } from './spool.ts';

const TASKS_FILE = 'tasks.csv';

interface TaskRow {
  task_id: string;
  business_date: string;
  task_type: string;
  case_id: string | null;
  lcsa_code: string | null;
  person_id: string | null;
  source_interface: string;
  source_file: string;
  source_line: number;
  amount_cents: number | null;
  detail: string | null;
}

/**
 * With `spoolDir` (a run's output folder of D) the rows go to the atomic write's temporary file as
 * they are read, so the worklist is never held in memory whole (150,000 tasks at three times the
 * California night); without it, in memory.
 */
export function buildTasksCsv(db: Db, businessDate: string, spoolDir?: string): OutboundFile {
  const columns = csvLayout('tasks').files[0]!.columns.map((c) => c.name);
  const rows = db
    .prepare(
      `SELECT task_id, business_date, task_type, case_id, lcsa_code, person_id, source_interface,
              source_file, source_line, amount_cents, detail
       FROM tasks WHERE business_date = ?
       ORDER BY source_interface, source_file, source_line, task_type`,
    )
    .iterate(businessDate) as IterableIterator<TaskRow>;
  function* records(): Generator<string[]> {
    yield columns;
    for (const r of rows) {
      const value: Record<string, string> = {
        task_id: r.task_id,
        business_date: r.business_date,
        task_type: r.task_type,
        case_id: r.case_id ?? '',
        lcsa_code: r.lcsa_code ?? '',
        person_id: r.person_id ?? '',
        source_interface: r.source_interface,
        source_ref: `${r.source_file}:${r.source_line}`,
        amount: r.amount_cents === null ? '' : formatCents(r.amount_cents),
        detail: r.detail ?? '',
      };
      yield columns.map((c) => value[c] ?? '');
    }
  }
  const spool = new LineSpool(spoolDir, TASKS_FILE);
  const written = spoolCsv(spool, records());
  return {
    interface: 'tasks',
    file: TASKS_FILE,
    content: spool.finish(),
    records: { [TASKS_FILE]: written - 1 },
    controls: {},
    truncated: 0,
  };
}
