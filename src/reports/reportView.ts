/**
 * The two human forms of `csebatch report`: plain text for the terminal and one self-contained
 * HTML page (charts with their tables and text alternatives). Both show the numbers of the JSON.
 */
import type { Report } from './collections.ts';
import { barChart, CHART_COLOURS, dollars, escapeHtml, figure, lineChart, page, table } from './html.ts';

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function scope(r: Report): string {
  return `${r.from} to ${r.to}, ${r.lcsa === null ? 'statewide' : `LCSA ${r.lcsa}`}`;
}

const OUTCOME_HEAD = ['mechanism', 'issued', 'amended', 'terminated', 'released', 'no change', 'suppressed', 'tasks'];

function outcomeRow(m: Report['mechanisms']['range'][number]): Array<string | number> {
  const suppressed = Object.values(m.suppressed).reduce((n, x) => n + x, 0);
  return [m.mechanism, m.issued, m.amended, m.terminated, m.released, m.noChange, suppressed, m.tasks];
}

export function formatReport(r: Report): string {
  const out: string[] = [`Collections and enforcement report, ${scope(r)}`, ''];
  out.push(`Collections: ${dollars(r.collections.totalCents)} (SDU ${dollars(r.collections.sduCents)}, partner files ${dollars(r.collections.partnerFileCents)})`);
  for (const s of r.collections.bySource) out.push(`  ${s.source.padEnd(14)} ${dollars(s.cents).padStart(14)}  ${s.records} record(s)`);
  out.push('By month:');
  for (const m of r.collections.byMonth) out.push(`  ${m.month}        ${dollars(m.cents).padStart(14)}  ${m.records} record(s)`);
  if (r.collections.byLcsa.length) {
    out.push('By LCSA:');
    for (const l of r.collections.byLcsa) out.push(`  ${l.lcsa.padEnd(14)} ${dollars(l.cents).padStart(14)}  ${l.records} record(s)`);
  }
  out.push('', `Mechanism outcomes over the range (${OUTCOME_HEAD.slice(1).join(' / ')}):`);
  for (const m of r.mechanisms.range) out.push(`  ${outcomeRow(m).map((v, i) => (i === 0 ? String(v).padEnd(10) : String(v).padStart(6))).join(' ')}`);
  out.push('Suppressions by reason:');
  for (const s of r.mechanisms.suppressionsByReason) out.push(`  ${s.reason.padEnd(32)} ${String(s.count).padStart(6)}`);
  const l = r.effectiveness.levy;
  out.push(
    '',
    `Levies: ${l.orders} order(s), ${dollars(l.collectedCents)} collected within ${l.windowDays} days, ${dollars(l.dollarsPerLevyCents)} per levy, ${pct(l.shareCollected)} collected something`,
  );
  const e = r.effectiveness.employerIwo;
  out.push(
    `Employer IWOs: ${e.orders} ORG, ${e.paid} paid, median ${e.medianDays ?? '-'} day(s) and 90th percentile ${e.p90Days ?? '-'} day(s) to the first wage payment, ${pct(e.shareNeverPaid)} never paid`,
  );
  for (const s of r.effectiveness.lumpSum) out.push(`Lump-sum IWOs (${s.source}): ${s.iwos} IWO(s), ${dollars(s.collectedCents)} collected, ${dollars(s.dollarsPerIwoCents)} per IWO`);
  return `${out.join('\n')}\n`;
}

export function renderReportHtml(r: Report): string {
  const c = r.collections;
  const body: string[] = [];
  const sourceDesc = `Collections by source, ${scope(r)}: ${c.bySource.map((s) => `${s.source} ${dollars(s.cents)}`).join(', ') || 'none'}; total ${dollars(c.totalCents)}.`;
  body.push(
    '<h2>Collections by source</h2>',
    figure(
      'Collections by source',
      barChart({ id: 'chart-sources', title: 'Collections by source', description: sourceDesc, labels: c.bySource.map((s) => s.source), series: [{ name: 'collected', colour: CHART_COLOURS.bar, values: c.bySource.map((s) => s.cents) }], format: dollars }),
      sourceDesc,
      { head: ['source', 'records', 'collected (net)'], rows: [...c.bySource.map((s) => [s.source, s.records, dollars(s.cents)]), ['total', c.bySource.reduce((n, s) => n + s.records, 0), dollars(c.totalCents)]] },
    ),
    `<p>${escapeHtml(r.definitions.collections!)}</p>`,
  );
  const monthDesc = `Collections by month: ${c.byMonth.map((m) => `${m.month} ${dollars(m.cents)}`).join(', ') || 'none'}.`;
  body.push(
    '<h2>Monthly trend</h2>',
    figure(
      'Collections by month',
      lineChart({ id: 'chart-months', title: 'Collections by month', description: monthDesc, labels: c.byMonth.map((m) => m.month), values: c.byMonth.map((m) => m.cents), colour: CHART_COLOURS.line, format: dollars }),
      monthDesc,
      { head: ['month', 'records', 'collected (net)'], rows: c.byMonth.map((m) => [m.month, m.records, dollars(m.cents)]) },
    ),
    table({ caption: 'Collections by month and source', head: ['month', 'source', 'records', 'collected (net)'], rows: c.bySourceMonth.map((x) => [x.month, x.source, x.records, dollars(x.cents)]), numeric: [2, 3] }),
  );
  const m = r.mechanisms;
  const supDesc = `Suppressed decisions by reason over every mechanism: ${m.suppressionsByReason.map((s) => `${s.reason} ${s.count}`).join(', ') || 'none'}.`;
  body.push(
    '<h2>Suppressions by reason</h2>',
    figure(
      'Suppressions by reason',
      barChart({ id: 'chart-suppressions', title: 'Suppressions by reason', description: supDesc, labels: m.suppressionsByReason.map((s) => s.reason), series: [{ name: 'suppressed', colour: CHART_COLOURS.suppression, values: m.suppressionsByReason.map((s) => s.count) }], format: String }),
      supDesc,
      { head: ['reason', 'suppressed'], rows: m.suppressionsByReason.map((s) => [s.reason, s.count]) },
    ),
  );
  const l = r.effectiveness.levy;
  const levyDesc = `Dollars per levy by night: ${l.byNight.map((n) => `${n.businessDate} ${dollars(n.dollarsPerLevyCents)} (${n.orders} orders)`).join(', ') || 'no levy order'}; over the range ${dollars(l.dollarsPerLevyCents)} per levy, ${pct(l.shareCollected)} of orders collected something within ${l.windowDays} days.`;
  body.push(
    '<h2>Effectiveness</h2>',
    figure(
      'Dollars per levy',
      barChart({ id: 'chart-levy', title: 'Dollars per levy', description: levyDesc, labels: l.byNight.map((n) => n.businessDate), series: [{ name: 'dollars per levy', colour: CHART_COLOURS.levy, values: l.byNight.map((n) => n.dollarsPerLevyCents) }], format: dollars }),
      levyDesc,
      {
        head: ['night', 'orders', 'orders that collected', 'collected', 'per levy'],
        rows: [...l.byNight.map((n) => [n.businessDate, n.orders, n.ordersCollected, dollars(n.collectedCents), dollars(n.dollarsPerLevyCents)]), ['range', l.orders, l.ordersCollected, dollars(l.collectedCents), dollars(l.dollarsPerLevyCents)]],
      },
    ),
    `<p>${escapeHtml(r.definitions.levy!)}</p>`,
  );
  const e = r.effectiveness.employerIwo;
  body.push(
    table({
      caption: 'Employer IWOs: days from ORG to the first wage payment',
      head: ['ORG sent', 'paid', 'never paid', 'share never paid', 'median days', '90th percentile days'],
      rows: [[e.orders, e.paid, e.neverPaid, pct(e.shareNeverPaid), e.medianDays ?? '-', e.p90Days ?? '-']],
      numeric: [0, 1, 2, 3, 4, 5],
    }),
    `<p>${escapeHtml(r.definitions.employerIwo!)}</p>`,
    table({
      caption: 'Lump-sum IWOs by source',
      head: ['source', 'IWOs', 'IWOs that collected', 'collected', 'per IWO'],
      rows: r.effectiveness.lumpSum.map((s) => [s.source, s.iwos, s.iwosCollected, dollars(s.collectedCents), dollars(s.dollarsPerIwoCents)]),
    }),
    `<p>${escapeHtml(r.definitions.lumpSum!)}</p>`,
  );
  if (c.byLcsa.length) {
    body.push('<h2>Collections per LCSA</h2>', table({ head: ['LCSA', 'records', 'collected (net)'], rows: c.byLcsa.map((x) => [x.lcsa, x.records, dollars(x.cents)]) }));
  }
  body.push(
    '<h2>Mechanism outcomes</h2>',
    table({ caption: 'Over the range', head: OUTCOME_HEAD, rows: m.range.map(outcomeRow) }),
    table({
      caption: 'Per night',
      head: ['night', ...OUTCOME_HEAD],
      rows: m.perNight.map((n) => [n.businessDate, ...outcomeRow(n)]),
      numeric: [2, 3, 4, 5, 6, 7, 8],
    }),
  );
  return page(`Collections and enforcement report`, `${scope(r)}. Counts and amounts only: no person, SSN or account number appears in this report.`, body.join('\n'));
}
