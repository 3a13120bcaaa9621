/**
 * The caseworker worklist (DOMAIN 4 "Tasks", 6.11). Mechanisms raise tasks set-based: they hand
 * over a SELECT of the task rows, and this module derives the rerun-stable task id, stores the
 * task and writes the `TASK` decision row beside it.
 */
import type { Db } from '../store/db.ts';

/**
 * The SELECT a mechanism passes must return these columns: task_type, reason, case_id, lcsa_code,
 * person_id, source_interface, source_file, source_sha256, source_line, amount_cents, subject_key.
 * `taskIdSuffix` tells apart a second kind of task a mechanism raises from the same source record.
 */
export function insertTasks(db: Db, businessDate: string, mechanism: string, selectSql: string, taskIdSuffix = ''): void {
  db.exec('DROP TABLE IF EXISTS temp.new_task');
  db.prepare(
    `CREATE TEMP TABLE new_task AS
     SELECT t.*,
            -- interface, CCYYMMDD, first 8 hex of the source file's sha256, line: stable across reruns
            t.source_interface || '-' || replace(:d, '-', '') || '-' || substr(t.source_sha256, 1, 8)
              || '-' || t.source_line || :suffix AS task_id
     FROM (${selectSql}) t`,
  ).run({ d: businessDate, suffix: taskIdSuffix });
  db.prepare(
    `INSERT INTO tasks (business_date, mechanism, task_id, task_type, case_id, lcsa_code, person_id,
                        source_interface, source_file, source_line, amount_cents, detail)
     SELECT :d, :mechanism, task_id, task_type, case_id, lcsa_code, person_id,
            source_interface, source_file, source_line, amount_cents, NULL
     FROM new_task`,
  ).run({ d: businessDate, mechanism });
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, subject_key, person_id, case_id, 'TASK', reason, amount_cents,
            json_object('taskId', task_id, 'taskType', task_type, 'lcsaCode', lcsa_code),
            json_array(json_object('interface', source_interface, 'file', source_file, 'line', source_line))
     FROM new_task
     ORDER BY source_interface, source_file, source_line`,
  ).run({ d: businessDate, mechanism });
  db.exec('DROP TABLE temp.new_task');
}

/**
 * The source columns of a task raised from a case-extract file of D (source_interface,
 * source_file, source_sha256); the SELECT adds source_line.
 */
export function caseExtractSourceSql(file: string): string {
  return `'case-extract' AS source_interface, '${file}' AS source_file,
             (SELECT f.sha256 FROM inbound_files f
              WHERE f.business_date = :d AND f.interface = 'case-extract' AND f.file = '${file}') AS source_sha256`;
}
