/**
 * Run logs: pino JSON lines to `<out>/logs/<date>.<run>.log`. Logs never carry personal data:
 * callers log identifiers masked, and as a safety net every string that reaches the log (messages
 * included) has runs of 9+ digits (SSNs, account numbers) masked, and fields whose names say they
 * hold an SSN, account number or name are masked whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { maskValue } from './types.ts';

export type Logger = pino.Logger;

const SENSITIVE_KEY = /(ssn|account_?number|(last|first|middle|payee|person|account|holder)_?name)$/i;
const LONG_DIGITS = /\d{9,}/g;

/** Masks digit runs that could be an SSN or an account number inside free text. */
export function scrubText(text: string): string {
  return text.replace(LONG_DIGITS, (m) => maskValue(m));
}

function scrub(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return SENSITIVE_KEY.test(key) ? maskValue(value) : scrubText(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, k);
    return out;
  }
  if (value instanceof Error) return { type: value.name, message: scrubText(value.message), stack: scrubText(value.stack ?? '') };
  return value;
}

export function createRunLogger(logFile: string | null, level = process.env.CSEBATCH_LOG_LEVEL ?? 'info'): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
  if (!logFile) return pino({ ...options, enabled: false });
  fs.mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o700 });
  return pino(options, pino.destination({ dest: logFile, sync: true, mode: 0o600 }));
}
