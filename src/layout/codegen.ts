/**
 * Generated codec: ONE parse function and ONE format function per record type, built once with
 * `new Function` from the compiled layout. The per-field closures of codec.ts stay the reference
 * (and the slow path); the generated functions are their fast path, with the same results:
 *
 * - parse: every field's decoding inlined with its offsets as numeric literals; on the first field
 *   that does not decode cleanly it gives up (returns null) and the caller parses the line with the
 *   closures, which collect the issues. So a clean line never calls a closure, and a line with
 *   issues gets exactly the issues it always got.
 * - format: every field's encoding inlined for the values writers give (text already on the wire
 *   alphabet, digit strings, integers, ISO dates); anything else (lower case to upper-case,
 *   transliteration, truncation, refusals) is handed to the field's closure, which formats or
 *   throws exactly as before. One string is built per record.
 *
 * Only field names (as JSON string literals) and numbers derived from the layout's positions go
 * into the generated source; constants, code sets and pads are passed in as arguments, and no
 * data ever is. Measured with `npm run bench:codec` (shared 2-core machine, load ~4, wall time,
 * medians of 3), closures → generated: FIDM parse in memory 539k → 897k lines/s, FIDM format
 * 126k → 260k lines/s, e-IWO writer 21k → 80k DTL/s (with the spool change; figures and profile in
 * docs/decisions.md, "Lever: generated codec").
 */
import type { FieldDef } from './schema.ts';
import type { FieldValue, RecordValues } from '../types.ts';
import { DATE_PARTS, NEGATIVE_OVERPUNCH, OVERPUNCH, POSITIVE_OVERPUNCH } from './wireTables.ts';

/** What the generator needs of a compiled field (codec.ts CompiledField). */
export interface GeneratedField {
  readonly def: FieldDef;
  readonly name: string;
  readonly start: number;
  readonly length: number;
  readonly upperCased: boolean;
  /** N field read as signed zoned as well (CompileOptions.signedOverpunch) */
  readonly overpunch: boolean;
  readonly decode: (line: string) => FieldValue | object;
  readonly encode: (value: FieldValue | undefined, truncated: string[]) => string;
}

/** Clean line → its values (FILLER omitted); null as soon as one field would raise an issue. */
export type GeneratedParse = (line: string) => RecordValues | null;
/** Values → the record's bytes; throws (through the field closures) what the closures throw. */
export type GeneratedFormat = (values: Partial<RecordValues>, truncated: string[]) => string;

const SPACE = 32;
const ZERO = 48;
/** fields per format segment (see generateFormat) */
const SEGMENT = 8;

// ---------------------------------------------------------------------------------------------
// Helpers the generated code calls: plain module functions (one per kind of test, shared by all
// fields), small enough for V8 to inline. isFilledWith, holdsAt and isRealDateTime repeat codec.ts's
// on purpose: shared with the closures (one module for both, tried 2026-12-07), bench:codec's
// in-memory parse fell from 854k to 521k lines/s, the generated code's call sites no longer got
// their own type feedback. The equivalence tests (test/layout/codegen.test.ts) keep them in step.

function isFilledWith(line: string, offset: number, limit: number, code: number): boolean {
  for (let i = offset; i < limit; i++) if (line.charCodeAt(i) !== code) return false;
  return true;
}

function holdsAt(line: string, offset: number, image: string): boolean {
  for (let i = 0; i < image.length; i++) if (line.charCodeAt(offset + i) !== image.charCodeAt(i)) return false;
  return true;
}

function isRealDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 ? ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/**
 * Is `text` already what the text encoder would write (before padding)? That is: printable ASCII
 * (toWireText leaves it alone), no trailing space (trimEnd leaves it alone), and for upper-cased
 * fields no a-z (toUpperCase leaves it alone); for A fields only A-Z and space. One function per
 * kind of field, so that each loop is a single range test per character.
 */
function isWireText(text: string): boolean {
  const n = text.length;
  if (text.charCodeAt(n - 1) === SPACE) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function isUpperWireText(text: string): boolean {
  const n = text.length;
  if (text.charCodeAt(n - 1) === SPACE) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || (c >= 97 && c <= 122)) return false;
  }
  return true;
}

function isAlphaText(text: string): boolean {
  const n = text.length;
  if (text.charCodeAt(n - 1) === SPACE) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && (c < 65 || c > 90)) return false;
  }
  return true;
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - ZERO;
  const b = text.charCodeAt(at + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** 'YYYY-MM-DD' (length 10) naming a real day: what ISO_DATE + isRealDateTime accept without time. */
function isIsoDay(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const hi = twoDigits(text, 0);
  const lo = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  return hi >= 0 && lo >= 0 && isRealDateTime(hi * 100 + lo, month, day, 0, 0, 0);
}

/** 'YYYY-MM-DDTHH:MM:SS' (length 19) naming a real moment. */
function isIsoMoment(text: string): boolean {
  if (text.length !== 19 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  if (!isIsoDay(text.slice(0, 10))) return false;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  return hour >= 0 && minute >= 0 && second >= 0 && hour <= 23 && minute <= 59 && second <= 59;
}

const HELPERS = { isFilledWith, holdsAt, isRealDateTime, isWireText, isUpperWireText, isAlphaText, isDigits, isIsoDay, isIsoMoment, OVERPUNCH, POSITIVE_OVERPUNCH, NEGATIVE_OVERPUNCH };
const HELPER_NAMES = Object.keys(HELPERS);
const HELPER_VALUES = Object.values(HELPERS);

function codeSet(def: FieldDef): Set<string> | null {
  return def.codes === undefined ? null : new Set(Object.keys(def.codes));
}

/** A field name as an object-literal key (codec.ts refuses `__proto__` with a LayoutError first). */
function key(name: string): string {
  // `"__proto__": x` in a literal would set the prototype instead of a property
  if (name === '__proto__') throw new Error(`field name ${name} cannot be used`);
  return JSON.stringify(name);
}

// ---------------------------------------------------------------------------------------------
// Parse

/**
 * The parse function of one record type. `line` is of the record length, printable, and carries
 * the record's key (the caller checks all three); the function only decodes.
 */
export function generateParse(fields: readonly GeneratedField[]): GeneratedParse {
  const consts: unknown[] = [];
  const sets: Array<Set<string> | null> = [];
  const body: string[] = [];
  const props: string[] = [];
  let c = 0;
  for (const field of fields) {
    const def = field.def;
    if (def.type === 'FILLER') continue;
    const i = c++;
    const v = `v${i}`;
    const o = def.start - 1;
    const l = o + def.length;
    sets[i] = codeSet(def);
    const onBlank = def.required ? 'return null;' : `${v} = null;`;
    const code = sets[i] === null ? '' : `if (!C[${i}].has(${v})) return null;`;
    props.push(`${key(field.name)}: ${v}`);
    if (def.const !== undefined) {
      // the reference decodes the constant's image once; a constant that does not decode always fails
      const image = def.const.padEnd(def.length, ' ');
      const value = field.decode(' '.repeat(o) + image);
      consts[i] = [image, value];
      body.push(typeof value === 'object' && value !== null ? 'return null;' : `if (!holdsAt(line, ${o}, K[${i}][0])) return null; ${v} = K[${i}][1];`);
      continue;
    }
    switch (def.type) {
      case 'A':
      case 'AN': {
        const alpha = def.type === 'A' ? `for (let j = 0; j < ${v}.length; j++) { c = ${v}.charCodeAt(j); if (c !== 32 && (c < 65 || c > 90)) return null; }` : '';
        body.push(`${v} = line.slice(${o}, ${l}).trimEnd(); if (${v} === '') { ${onBlank} } else { ${alpha} ${code} }`);
        break;
      }
      case 'N':
      case 'SN': {
        const blank = `line.charCodeAt(${o}) === 32 && isFilledWith(line, ${o}, ${l}, 32)`;
        if (def.type === 'SN' || field.overpunch) {
          const last = l - 1;
          body.push(
            `if (${blank}) { ${onBlank} } else { n = 0; for (let j = ${o}; j < ${last}; j++) { c = line.charCodeAt(j); if (c < 48 || c > 57) return null; n = n * 10 + (c - 48); }` +
              ` c = line.charCodeAt(${last}); p = c < 128 ? OVERPUNCH[c] : 0; if (p === 0) return null; n = n * 10 + Math.abs(p) - 1; ${v} = p < 0 && n !== 0 ? -n : n; }`,
          );
        } else if (def.decimals === undefined) {
          body.push(`if (${blank}) { ${onBlank} } else { for (let j = ${o}; j < ${l}; j++) { c = line.charCodeAt(j); if (c < 48 || c > 57) return null; } ${v} = line.slice(${o}, ${l}); ${code} }`);
        } else {
          const amountCode = sets[i] === null ? '' : `if (!C[${i}].has(line.slice(${o}, ${l}))) return null;`;
          body.push(`if (${blank}) { ${onBlank} } else { n = 0; for (let j = ${o}; j < ${l}; j++) { c = line.charCodeAt(j); if (c < 48 || c > 57) return null; n = n * 10 + (c - 48); } ${amountCode} ${v} = n; }`);
        }
        break;
      }
      case 'DATE': {
        const parts = DATE_PARTS[def.dateFormat ?? 'CCYYMMDD'];
        const two = (at: number): string => `((line.charCodeAt(${at}) - 48) * 10 + line.charCodeAt(${at + 1}) - 48)`;
        const y = o + parts.year;
        const m = o + parts.month;
        const d = o + parts.day;
        const h = o + parts.hour;
        const date = `line.slice(${y}, ${y + 4}) + '-' + line.slice(${m}, ${m + 2}) + '-' + line.slice(${d}, ${d + 2})`;
        const real =
          parts.hour < 0
            ? `if (!isRealDateTime(${two(y)} * 100 + ${two(y + 2)}, ${two(m)}, ${two(d)}, 0, 0, 0)) return null; ${v} = ${date};`
            : `if (!isRealDateTime(${two(y)} * 100 + ${two(y + 2)}, ${two(m)}, ${two(d)}, ${two(h)}, ${two(h + 2)}, ${two(h + 4)})) return null;` +
              ` ${v} = ${date} + 'T' + line.slice(${h}, ${h + 2}) + ':' + line.slice(${h + 2}, ${h + 4}) + ':' + line.slice(${h + 4}, ${h + 6});`;
        body.push(
          `c = line.charCodeAt(${o}); if ((c === 48 || c === 32) && isFilledWith(line, ${o}, ${l}, c)) { ${onBlank} } else {` +
            ` for (let j = ${o}; j < ${l}; j++) { c = line.charCodeAt(j); if (c < 48 || c > 57) return null; } ${real} }`,
        );
        break;
      }
    }
  }
  const vars = Array.from({ length: c }, (_, i) => `v${i}`);
  const source =
    `"use strict"; return function parse(line) { let c = 0, n = 0, p = 0${vars.length > 0 ? ', ' : ''}${vars.join(', ')};\n` +
    `${body.join('\n')}\nreturn { ${props.join(', ')} }; };`;
  return new Function('K', 'C', ...HELPER_NAMES, source)(consts, sets, ...HELPER_VALUES) as GeneratedParse;
}

// ---------------------------------------------------------------------------------------------
// Format

/**
 * The format function of one record type. Field order, and so which refusal is thrown first and
 * the order of `truncated`, is the layout's, as in the closures: every path that is not a plain
 * copy goes to the field's own closure (`E[i]`).
 *
 * Each field also remembers the last value it copied and the bytes it made of it (`M[i]`, `B[i]`):
 * the plain-copy encodings are pure functions of the value, and a writer's records repeat most
 * values from one record to the next (e-IWO: the employer, the agency, the notice texts, the same
 * for every detail of a batch). Measured on the bench's DTL, 120 fields: checking the 855
 * characters of text again for every record was a quarter of the format time.
 */
export function generateFormat(fields: readonly GeneratedField[]): GeneratedFormat {
  const longest = fields.reduce((max, f) => Math.max(max, f.length), 0);
  const spaces = Array.from({ length: longest + 1 }, (_, n) => ' '.repeat(n));
  const zeros = Array.from({ length: longest + 1 }, (_, n) => '0'.repeat(n));
  const encoders = fields.map((f) => f.encode);
  const sets = fields.map((f) => codeSet(f.def));
  const images = fields.map((f) => (f.def.const === undefined ? '' : f.def.const.padEnd(f.length, ' ')));
  /** last value copied per field; a fresh object matches no value */
  const lastValues: unknown[] = fields.map(() => ({}));
  const lastBytes: string[] = fields.map(() => '');
  /** per field: code appending its bytes to `q`; a path that is not a pure function of the value sets ok = false */
  const code: string[] = [];
  fields.forEach((field, i) => {
    const def = field.def;
    const L = def.length;
    const get = `v = values[${JSON.stringify(field.name)}];`;
    const slow = `{ ok = false; q += E[${i}](v, t); }`;
    const absent = `v === undefined || v === null`;
    const memo = `if (v === M[${i}]) q += B[${i}];`;
    /** a plain copy (or a blank): remember it, unless the code set refuses it (then the closure throws) */
    const keep = (bytes: string, checkCode = true): string =>
      sets[i] === null || !checkCode
        ? `{ b = ${bytes}; M[${i}] = v; B[${i}] = b; q += b; }`
        : `{ b = ${bytes}; if (C[${i}].has(b)) { M[${i}] = v; B[${i}] = b; q += b; } else ${slow} }`;
    const blankOr = (blank: string): string => (def.required ? slow : keep(blank, false));
    if (def.type === 'FILLER') {
      code.push(`q += S[${L}];`);
      return;
    }
    if (def.const !== undefined) {
      // The constant given as its own value is written as its image when the closure says so.
      const truncated: string[] = [];
      let bytes: string | null = null;
      try {
        bytes = field.encode(def.const, truncated);
      } catch {
        bytes = null;
      }
      if (bytes === images[i] && truncated.length === 0) {
        lastValues[i] = def.const;
        lastBytes[i] = bytes;
      }
      code.push(`${get} if (${absent}) q += I[${i}]; else ${memo} else ${slow}`);
      return;
    }
    switch (def.type) {
      case 'A':
      case 'AN': {
        const test = def.type === 'A' ? 'isAlphaText' : field.upperCased ? 'isUpperWireText' : 'isWireText';
        code.push(
          `${get} ${memo} else if (${absent} || v === '') ${blankOr(`S[${L}]`)}` +
            ` else if (typeof v === 'string' && v.length <= ${L} && ${test}(v)) ${keep(`v.length === ${L} ? v : v + S[${L} - v.length]`)}` +
            ` else ${slow}`,
        );
        break;
      }
      case 'N': {
        if (def.decimals === undefined) {
          code.push(
            `${get} ${memo} else if (${absent} || v === '') ${blankOr(`Z[${L}]`)}` +
              ` else if (typeof v === 'string' && v.length <= ${L} && isDigits(v)) ${keep(`v.length === ${L} ? v : Z[${L} - v.length] + v`)}` +
              ` else ${slow}`,
          );
        } else {
          code.push(
            `${get} ${memo} else if (${absent}) ${blankOr(`Z[${L}]`)}` +
              ` else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && (d = String(v)).length <= ${L}) ${keep(`Z[${L} - d.length] + d`)}` +
              ` else ${slow}`,
          );
        }
        break;
      }
      case 'SN':
        code.push(
          `${get} ${memo} else if (${absent}) ${blankOr(`Z[${L - 1}] + '{'`)}` +
            ` else if (typeof v === 'number' && Number.isSafeInteger(v) && (d = String(Math.abs(v))).length <= ${L}) { b = Z[${L} - d.length] + d;` +
            ` b = b.slice(0, -1) + (v < 0 ? NEGATIVE_OVERPUNCH : POSITIVE_OVERPUNCH)[b.charCodeAt(${L - 1}) - 48]; M[${i}] = v; B[${i}] = b; q += b; }` +
            ` else ${slow}`,
        );
        break;
      case 'DATE': {
        const format = def.dateFormat ?? 'CCYYMMDD';
        const y = 'v.slice(0, 4)';
        const m = 'v.slice(5, 7)';
        const d = 'v.slice(8, 10)';
        const day = format === 'CCYYMMDD' ? `${y} + ${m} + ${d}` : `${m} + ${d} + ${y}`;
        const moment = format === 'MMDDYYYYHHMMSS' ? ` else if (typeof v === 'string' && isIsoMoment(v)) ${keep(`${day} + v.slice(11, 13) + v.slice(14, 16) + v.slice(17, 19)`, false)}` : '';
        code.push(
          `${get} ${memo} else if (${absent} || v === '') ${blankOr(`Z[${L}]`)}` +
            ` else if (typeof v === 'string' && isIsoDay(v)) ${keep(`${day}${format === 'MMDDYYYYHHMMSS' ? " + '000000'" : ''}`, false)}${moment}` +
            ` else ${slow}`,
        );
        break;
      }
    }
  });
  // Segments of SEGMENT consecutive fields: when every value of a segment is the one its field
  // copied last, the segment's bytes are the ones it made last (G[g]), appended as one piece.
  // G[g] is cleared before a segment is formatted again and set only when all its fields were
  // plain copies, so a refusal or a closure's result is never replayed.
  const body: string[] = [];
  const segments: Array<string | null> = [];
  for (let from = 0; from < fields.length; from += SEGMENT) {
    const g = segments.length;
    segments.push(null);
    const members = fields.slice(from, from + SEGMENT).map((f, k) => ({ f, i: from + k })).filter(({ f }) => f.def.type !== 'FILLER');
    const same = members.map(({ f, i }) => ` && values[${JSON.stringify(f.name)}] === M[${i}]`).join('');
    body.push(
      `if ((q = G[${g}]) !== null${same}) { q.charCodeAt(0); P[${g}] = q; }\n` +
        `else { G[${g}] = null; q = ''; ok = true;\n${code.slice(from, from + SEGMENT).join('\n')}\nif (ok) G[${g}] = q; P[${g}] = q; }`,
    );
  }
  // One string per record: the segments' pieces joined once (join makes a flat string). A cached
  // segment is flattened when it is first used again (`q.charCodeAt(0)` flattens a rope in place;
  // on a flat string it is one read): cached ropes of ropes made every join walk ~240 nodes again,
  // 1.5 µs of the 2.3 µs a DTL cost (measured with the profile's line ticks); flattening every
  // segment when cached cost a quarter of format time for the segments that change every record.
  // Ropes kept as lines cost memory too: 1M 40-piece lines held 1.7 GB of heap, 0.46 GB flat.
  const source = `"use strict"; const P = new Array(${segments.length}).fill(''); return function format(values, t) { let q = '', ok = true, v, b, d;\n${body.join('\n')}\nreturn P.join(''); };`;
  return new Function('E', 'S', 'Z', 'C', 'I', 'M', 'B', 'G', ...HELPER_NAMES, source)(encoders, spaces, zeros, sets, images, lastValues, lastBytes, segments, ...HELPER_VALUES) as GeneratedFormat;
}
