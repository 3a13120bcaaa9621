/**
 * Masking for the audit commands (explain, diff): SSNs and account numbers show only their last 4
 * characters (DOMAIN "Common rules") unless the auditor asks for `--unmask`. Which values are
 * sensitive is decided by field name, the same way the run logs decide (src/log.ts).
 */
import { maskValue } from '../types.ts';

/**
 * Field names that hold an SSN, an account number or a taxpayer/SSN-like identifier of a person.
 * `consumerAccountNumber` (Metro 2) is the case id, not a bank account: not masked.
 */
const SENSITIVE_NAME = /ssn|account_?number/i;
const NOT_SENSITIVE = new Set(['consumerAccountNumber', 'consumer_account_number']);

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name) && !NOT_SENSITIVE.has(name);
}

/** Masks a value when masking is on; null/'' stay as they are. */
export function maskIf(value: string | null | undefined, mask: boolean): string {
  if (value === null || value === undefined) return '';
  return mask ? maskValue(value) : value;
}

/** A copy of a JSON value with every string (or number) under a sensitive key masked. */
export function maskJson(value: unknown, mask: boolean, key = ''): unknown {
  if (!mask) return value;
  if ((typeof value === 'string' || typeof value === 'number') && isSensitiveName(key)) return maskValue(String(value));
  if (Array.isArray(value)) return value.map((v) => maskJson(v, mask, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskJson(v, mask, k);
    return out;
  }
  return value;
}

/** Every string under a key named like a FEIN in a JSON value (these identify payers, not people). */
function feins(value: unknown, key = '', into = new Set<string>()): Set<string> {
  if (typeof value === 'string' && /fein|(^|_)tin$|Tin$|^ein$/i.test(key)) into.add(value);
  else if (Array.isArray(value)) for (const v of value) feins(v, key, into);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) feins(v, k, into);
  return into;
}

/**
 * Masks the parts of a decision's subject key that may be an SSN or an account number. Subject
 * keys are `|`-joined identifiers of different mechanisms (conventions.md), so the rule is by shape:
 * a part holding 6 or more digits is masked, unless it is the decision's person or case id, a
 * FEIN named in its facts (a payer's identifier, which auditors need to see) or a source reference
 * (`file:line`, worklist keys). Interpretation: a claim number or member id made of digits is
 * masked too (conservative; the decision's sources still locate the record).
 */
export function maskSubjectKey(subjectKey: string, known: ReadonlyArray<string | null>, facts: unknown, mask: boolean): string {
  if (!mask) return subjectKey;
  const readable = feins(facts);
  for (const k of known) if (k) readable.add(k);
  return subjectKey
    .split('|')
    .map((part) => ((part.match(/\d/g)?.length ?? 0) >= 6 && !readable.has(part) && !/[.:]/.test(part) ? maskValue(part) : part))
    .join('|');
}
