/**
 * `csebatch payoff`: California arrears payoff (simple interest on unpaid principal, payments to
 * principal first). Every expected figure is derived by hand in the comments.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_MONTHS, parseAmountCents, parseRateMillionths, payoffSchedule, PayoffInputError } from '../../src/reports/payoff.ts';
import { caseRow, D, person, World } from '../helpers/world.ts';
import { cli, tmpDir } from '../helpers/cli.ts';

describe('payoff rules table', () => {
  it('exact payoff in whole months, with half-up rounding of the month interest', () => {
    // $295.80 at 10%, $100.23 a month.
    // m1: 29580 × 0.10 ÷ 12 = 246.5 → 247 (half-up; half-even would give 246); P 29580 − 10023 = 19557, I 247
    // m2: 19557 ÷ 120 = 162.975 → 163; I 410; P 9534
    // m3: 9534 ÷ 120 = 79.45 → 79; I 489; owed 9534 + 489 = 10023 = the payment exactly
    const r = payoffSchedule({ principalCents: 29580, interestCents: 0, monthlyCents: 10023 });
    expect(r).toEqual({
      months: 3,
      paidOff: true,
      totalPaidCents: 30069,
      totalInterestCents: 489,
      lastPaymentCents: 10023,
      schedule: [
        { month: 1, paymentCents: 10023, toPrincipalCents: 10023, toInterestCents: 0, interestAccruedCents: 247, principalCents: 19557, interestCents: 247 },
        { month: 2, paymentCents: 10023, toPrincipalCents: 10023, toInterestCents: 0, interestAccruedCents: 163, principalCents: 9534, interestCents: 410 },
        { month: 3, paymentCents: 10023, toPrincipalCents: 9534, toInterestCents: 489, interestAccruedCents: 79, principalCents: 0, interestCents: 0 },
      ],
    });
  });

  it('payment smaller than the first month interest: principal first, interest never compounds', () => {
    // $12,000 at 10%: month k accrues (1,200,000 − 6000(k−1)) ÷ 120 = 10000 − 50(k−1) cents, more
    // than the $60 payment, which all goes to principal: principal is gone after 200 months.
    // Interest accrued = Σ_{k=1..200} (10000 − 50(k−1)) = 2,000,000 − 50 × 19,900 = 1,005,000.
    // Then no more interest (principal 0): 1,005,000 ÷ 6000 = 167 full payments + 3000 → 368 months.
    const r = payoffSchedule({ principalCents: 1_200_000, interestCents: 0, monthlyCents: 6000 });
    expect(r.schedule[0]).toEqual({ month: 1, paymentCents: 6000, toPrincipalCents: 6000, toInterestCents: 0, interestAccruedCents: 10000, principalCents: 1_194_000, interestCents: 10000 });
    expect(r.schedule[199]).toEqual({ month: 200, paymentCents: 6000, toPrincipalCents: 6000, toInterestCents: 0, interestAccruedCents: 50, principalCents: 0, interestCents: 1_005_000 });
    expect(r.schedule[200]).toEqual({ month: 201, paymentCents: 6000, toPrincipalCents: 0, toInterestCents: 6000, interestAccruedCents: 0, principalCents: 0, interestCents: 999_000 });
    expect(r.months).toBe(368);
    expect(r.paidOff).toBe(true);
    expect(r.totalInterestCents).toBe(1_005_000);
    expect(r.totalPaidCents).toBe(1_200_000 + 1_005_000);
    expect(r.lastPaymentCents).toBe(3000);
  });

  it('zero principal with interest left: no interest accrues, payments go to interest', () => {
    const r = payoffSchedule({ principalCents: 0, interestCents: 25000, monthlyCents: 10000 });
    expect(r.schedule.map((m) => [m.paymentCents, m.toPrincipalCents, m.toInterestCents, m.interestAccruedCents, m.interestCents])).toEqual([
      [10000, 0, 10000, 0, 15000],
      [10000, 0, 10000, 0, 5000],
      [5000, 0, 5000, 0, 0],
    ]);
    expect(r).toMatchObject({ months: 3, paidOff: true, totalPaidCents: 25000, totalInterestCents: 0, lastPaymentCents: 5000 });
  });

  it('paid off in exactly 1,200 months is paid off; one cent more stops at 1,200 with paidOff false', () => {
    // rate 0: 120,000 cents at 100 a month is 1,200 payments
    const exact = payoffSchedule({ principalCents: 120_000, interestCents: 0, monthlyCents: 100, rateMillionths: 0 });
    expect(exact).toMatchObject({ months: MAX_MONTHS, paidOff: true, lastPaymentCents: 100, totalPaidCents: 120_000 });
    const over = payoffSchedule({ principalCents: 120_001, interestCents: 0, monthlyCents: 100, rateMillionths: 0 });
    expect(over).toMatchObject({ months: MAX_MONTHS, paidOff: false, lastPaymentCents: 100, totalPaidCents: 120_000 });
    expect(over.schedule.at(-1)).toMatchObject({ principalCents: 1, interestCents: 0 });
  });

  it('a payment that never catches up stops past 1,200 months', () => {
    // $1,000,000 at $1 a month: principal falls by 100 a month, 1200 × 100 = 120,000 paid
    const r = payoffSchedule({ principalCents: 100_000_000, interestCents: 0, monthlyCents: 100 });
    expect(r).toMatchObject({ months: 1200, paidOff: false, totalPaidCents: 120_000, lastPaymentCents: 100 });
    expect(r.schedule.at(-1)!.principalCents).toBe(100_000_000 - 120_000);
    // month 1200 accrues on 99,880,100: × 0.1 ÷ 12 = 832,334.17 → 832,334
    expect(r.schedule.at(-1)!.interestAccruedCents).toBe(832_334);
  });

  it('another rate: 7.5% is 75000 millionths, half-up at the cent', () => {
    expect(parseRateMillionths('7.5')).toBe(75_000);
    // 10,000 × 0.075 ÷ 12 = 62.5 → 63
    expect(payoffSchedule({ principalCents: 10_000, interestCents: 0, monthlyCents: 20_000, rateMillionths: 75_000 }).schedule[0]!.interestAccruedCents).toBe(63);
  });

  it('amounts: dollars with cents, commas and $; negative or unreadable is an input error', () => {
    expect(parseAmountCents('250', '--monthly')).toBe(25000);
    expect(parseAmountCents('1,250.5', '--monthly')).toBe(125050);
    expect(parseAmountCents('$0.07', '--monthly')).toBe(7);
    for (const bad of ['-5', 'abc', '1.234', '', '1,23', '12e3']) expect(() => parseAmountCents(bad, '--monthly')).toThrow(PayoffInputError);
    expect(() => payoffSchedule({ principalCents: 100, interestCents: 0, monthlyCents: 0 })).toThrow(/more than zero/);
    expect(() => payoffSchedule({ principalCents: 0, interestCents: 0, monthlyCents: 100 })).toThrow(/nothing is owed/);
  });
});

describe('csebatch payoff (CLI)', () => {
  it('--json prints exactly the schedule shape', async () => {
    const r = await cli('payoff', '--principal', '295.80', '--interest', '0', '--monthly', '100.23', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['months', 'paidOff', 'totalPaidCents', 'totalInterestCents', 'lastPaymentCents', 'schedule']);
    expect(Object.keys(j.schedule[0])).toEqual(['month', 'paymentCents', 'toPrincipalCents', 'toInterestCents', 'interestAccruedCents', 'principalCents', 'interestCents']);
    expect(j).toMatchObject({ months: 3, paidOff: true, totalPaidCents: 30069, totalInterestCents: 489, lastPaymentCents: 10023 });
  });

  it('prints a summary and a table a parent can read; long schedules by year', async () => {
    const short = await cli('payoff', '--principal', '295.80', '--interest', '0', '--monthly', '100.23');
    expect(short.stdout).toContain('Paid off in 3 months. Total paid $300.69, of which $4.89 is interest');
    expect(short.stdout).toMatch(/^Month +Paid +To support +To interest +Interest added +Support left +Interest left$/m);
    expect(short.stdout).toMatch(/^3 +\$100\.23 +\$95\.34 +\$4\.89 +\$0\.79 +\$0\.00 +\$0\.00$/m);
    const long = await cli('payoff', '--principal', '12000', '--interest', '0', '--monthly', '60');
    expect(long.stdout).toContain('Paid off in 368 months (30 years and 8 months)');
    expect(long.stdout).toMatch(/^Year +Paid/m);
    // year 31 holds months 361..368: 7 × $60 + $30
    expect(long.stdout).toMatch(/^31 +\$450\.00 +\$0\.00 +\$450\.00 +\$0\.00 +\$0\.00 +\$0\.00$/m);
    const never = await cli('payoff', '--principal', '1000000', '--interest', '0', '--monthly', '1');
    expect(never.code).toBe(0);
    expect(never.stdout).toContain('NOT paid off after 1200 months');
  });

  it.each([
    ['zero monthly', ['--principal', '100', '--interest', '0', '--monthly', '0'], /monthly payment must be more than zero/],
    ['negative principal', ['--principal', '-100', '--interest', '0', '--monthly', '10'], /--principal must not be negative/],
    ['unreadable interest', ['--principal', '100', '--interest', 'ten', '--monthly', '10'], /--interest: 'ten' is not an amount/],
    ['nothing owed', ['--principal', '0', '--interest', '0', '--monthly', '10'], /nothing is owed/],
    ['missing monthly', ['--principal', '100', '--interest', '0'], /payoff needs --monthly/],
    ['bad rate', ['--principal', '100', '--interest', '0', '--monthly', '10', '--rate', 'x'], /--rate: 'x' is not a yearly percentage/],
  ])('%s → exit 2 with a clear message', async (_name, args, message) => {
    const r = await cli('payoff', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--case reads DOMAIN 4 principal and arrears interest of D, monthly defaults to the order arrears payment', async () => {
    const dbFile = path.join(tmpDir(), 'csebatch.db');
    const w = new World(dbFile);
    // principal = family 300,000 + state 200,000 − foster 50,000 (excluded after 2023-12-01) = 450,000
    w.addPerson(person('P8000001'))
      .addCase(caseRow('C800-0001', 'P8000001', { arrears_family: 300000, arrears_state: 200000, arrears_foster_care: 50000, arrears_interest: 12345, monthly_arrears_payment: 25000 }))
      .addCase(caseRow('C800-0002', 'P8000001', { monthly_arrears_payment: null }))
      .addRow('snapshot', { name: 'case-extract', business_date: D });
    w.db.close();
    const r = await cli('payoff', '--case', 'C800-0001', '--date', D, '--db', dbFile, '--json');
    expect(r.code).toBe(0);
    const expected = payoffSchedule({ principalCents: 450_000, interestCents: 12_345, monthlyCents: 25_000 });
    expect(JSON.parse(r.stdout)).toEqual(expected);
    // month 1: 450,000 ÷ 120 = 3750 accrued; $250 to principal
    expect(expected.schedule[0]).toMatchObject({ interestAccruedCents: 3750, toPrincipalCents: 25_000, principalCents: 425_000, interestCents: 16_095 });

    const text = await cli('payoff', '--case', 'C800-0001', '--date', D, '--db', dbFile, '--monthly', '1000');
    expect(text.stdout).toContain(`Case C800-0001, balances of ${D}`);
    expect(text.stdout).toContain('Owed now: $4,500.00 support (principal) + $123.45 interest; paying $1,000.00 a month');

    const noPayment = await cli('payoff', '--case', 'C800-0002', '--date', D, '--db', dbFile);
    expect(noPayment.code).toBe(2);
    expect(noPayment.stderr).toContain('the order sets no monthly arrears payment; give --monthly');
    const otherDate = await cli('payoff', '--case', 'C800-0001', '--date', '2026-09-15', '--db', dbFile);
    expect(otherDate.code).toBe(2);
    expect(otherDate.stderr).toContain(`the store holds the case extract of ${D}, not of 2026-09-15`);
    const unknown = await cli('payoff', '--case', 'C-NONE', '--date', D, '--db', dbFile);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`case C-NONE is not in the case extract of ${D}`);
  });

  it('--help names every option', async () => {
    const r = await cli('payoff', '--help');
    expect(r.code).toBe(0);
    for (const o of ['--principal', '--interest', '--monthly', '--rate', '--case', '--date', '--json']) expect(r.stdout).toContain(o);
  });
});
