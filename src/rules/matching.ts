/**
 * How the match records loaded on D join to people, per inbound interface, for the run summary
 * (DOMAIN 3): matched (the SSN belongs to exactly one participant), no match (to none: counted,
 * not rejected), ambiguous (shared by several person ids: never matched). Needs `ssn_owner`.
 */
import type { Db } from '../store/db.ts';
import { stagingTableName } from '../store/staging.ts';
import type { FixedWidthInterfaceSpec } from '../inbound/loadInterface.ts';

export interface MatchCounts {
  records: number;
  matched: number;
  noMatch: number;
  ambiguous: number;
}

export function summarizeInboundMatches(db: Db, businessDate: string, specs: FixedWidthInterfaceSpec[]): Record<string, MatchCounts> {
  const out: Record<string, MatchCounts> = {};
  for (const spec of specs) {
    const selects = spec.ssnFields.map((rf) => {
      const [record, field] = rf.split('.') as [string, string];
      return `SELECT r."${field}" AS ssn FROM ${stagingTableName(spec.id, record)} r
              JOIN inbound_files f ON f.file_id = r.file_id
              WHERE f.business_date = :d AND f.interface = :id AND f.status = 'loaded'`;
    });
    const row = db
      .prepare(
        `SELECT count(*) AS records,
                coalesce(sum(s.ssn IS NOT NULL AND NOT s.ambiguous), 0) AS matched,
                coalesce(sum(s.ssn IS NULL), 0) AS no_match,
                coalesce(sum(s.ambiguous), 0) AS ambiguous
         FROM (${selects.join(' UNION ALL ')}) m LEFT JOIN ssn_owner s ON s.ssn = m.ssn`,
      )
      .get({ d: businessDate, id: spec.id }) as { records: number; matched: number; no_match: number; ambiguous: number };
    out[spec.id] = { records: row.records, matched: row.matched, noMatch: row.no_match, ambiguous: row.ambiguous };
  }
  return out;
}
