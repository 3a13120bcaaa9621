/**
 * What the benchmark generators share: a deterministic PRNG, a buffered line sink, the SSN scheme
 * of the generated obligors, date helpers, names, and the command-line size options.
 */
import fs from 'node:fs';
import path from 'node:path';

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SSN of generated participant / obligor i (1-based): unique, 9 digits. */
export function ssnOf(i: number): string {
  return String(100_000_000 + i * 7).padStart(9, '0');
}

export function isoDaysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export const LAST_NAMES = ['GARCIA', 'NGUYEN', 'SMITH', 'LOPEZ', 'JOHNSON', 'MARTINEZ', 'KIM', 'WILLIAMS', 'PEÑA', 'BROWN', 'HERNANDEZ', 'PATEL'];
export const FIRST_NAMES = ['MARIA', 'JOSE', 'JAMES', 'LINDA', 'DAVID', 'SOFIA', 'MICHAEL', 'ANA', 'ROBERT', 'JENNIFER'];

/** Buffered line writer: one fs write per ~4 MiB. */
export class LineSink {
  private parts: string[] = [];
  private size = 0;
  private readonly fd: number;
  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
  }
  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size > 4 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** `--cases N --participants N --fidm N --msfidm N --seed N` over defaults. */
export function sizeFromArgs<T extends Record<string, number>>(values: Record<string, string | boolean | undefined>, defaults: T): T {
  const out = { ...defaults };
  for (const key of Object.keys(defaults) as Array<keyof T & string>) {
    const v = values[key];
    if (typeof v === 'string') {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${key} takes a whole number, got '${v}'`);
      (out as Record<string, number>)[key] = n;
    }
  }
  return out;
}
