/**
 * `tasks.csv`: the caseworker worklist of business date D (layout `tasks`), written from the tasks
 * table: rows sorted by source interface, file name, then numeric line (DOMAIN 4).
 */
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../store/db.ts';
import { csvLayout } from '../layout/registry.ts';
import { formatCents } from './money.ts';
import type { OutboundFile } from './outputs.ts';

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

export function buildTasksCsv(db: Db, businessDate: string): OutboundFile {
  const columns = csvLayout('tasks').files[0]!.columns.map((c) => c.name);
  const rows = db
    .prepare(
      `SELECT task_id, business_date, task_type, case_id, lcsa_code, person_id, source_interface,
              source_file, source_line, amount_cents, detail
       FROM tasks WHERE business_date = ?
       ORDER BY source_interface, source_file, source_line, task_type`,
    )
    .all(businessDate) as TaskRow[];
  const records = rows.map((r) => {
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
    return columns.map((c) => value[c] ?? '');
  });
  const content = stringify([columns, ...records], { record_delimiter: '\n' });
  return {
    interface: 'tasks',
    file: 'tasks.csv',
    content,
    records: { 'tasks.csv': rows.length },
    controls: {},
    truncated: 0,
  };
}
