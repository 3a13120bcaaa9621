import { describe, expect, it } from 'vitest';
import { WrittenRefs } from '../../src/outbound/outputs.ts';

describe('WrittenRefs (the references a writer hands settleWrites)', () => {
  it('gives back every reference in the order added, across growth and several files', () => {
    const refs = new WrittenRefs();
    const expected: Array<{ decisionId: number; ref: string }> = [];
    // 10,000 records over three files, past the initial capacity of 4,096 twice
    for (let i = 0; i < 10_000; i++) {
      const file = `eiwo-00${1 + Math.floor(i / 4000)}.txt`;
      const decisionId = 2 ** 40 + i * 7; // decision ids beyond 32 bits survive
      refs.add(decisionId, file, i + 2);
      expected.push({ decisionId, ref: `${file}:${i + 2}` });
    }
    expect(refs.length).toBe(10_000);
    expect([...refs.entries()]).toEqual(expected);
  });

  it('keeps a file seen before under its own name when files alternate', () => {
    const refs = new WrittenRefs();
    refs.add(1, 'a.txt', 2);
    refs.add(2, 'b.txt', 2);
    refs.add(3, 'a.txt', 3);
    refs.add(3, 'b.txt', 3); // a decision written twice: both kept, in order (settleWrites keeps the later)
    expect([...refs.entries()]).toEqual([
      { decisionId: 1, ref: 'a.txt:2' },
      { decisionId: 2, ref: 'b.txt:2' },
      { decisionId: 3, ref: 'a.txt:3' },
      { decisionId: 3, ref: 'b.txt:3' },
    ]);
  });

  it('is empty until something is added', () => {
    const refs = new WrittenRefs();
    expect(refs.length).toBe(0);
    expect([...refs.entries()]).toEqual([]);
  });
});
