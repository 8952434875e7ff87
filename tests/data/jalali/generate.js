// Generates month-starts.csv: the Gregorian date of the first day of every Jalali month of the
// years 1300-1700, read from ICU's Persian calendar through Node's Intl (an implementation
// independent of crmflow's; ICU uses the 33-year rule with its table of corrections, the first
// in 1502). Run once from this folder: `node generate.js > month-starts.csv`.
'use strict';

const persian = new Intl.DateTimeFormat('en-u-ca-persian', {
  timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric',
});

function jalaliOf(date) {
  const parts = {};
  for (const p of persian.formatToParts(date)) parts[p.type] = p.value;
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

const pad = (n, w) => String(n).padStart(w, '0');
const iso = (d) =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;

const dayMs = 86400000;
// 1300-01-01 is 1921-03-21 and 1701-01-01 falls in March 2322; scan a little beyond both ends.
let t = Date.UTC(1921, 2, 1);
const end = Date.UTC(2322, 3, 30);
const starts = [];
let previous = null;
for (; t <= end; t += dayMs) {
  const d = new Date(t);
  const j = jalaliOf(d);
  if (j.year < 1300 || j.year > 1701) continue;
  if (j.day === 1) starts.push({ ...j, gregorian: iso(d) });
  if (previous !== null && j.day !== 1 && j.day !== previous.day + 1) {
    throw new Error(`ICU skipped a day at ${iso(d)}`);
  }
  previous = j;
}

const lines = [];
lines.push('# The first day of every Jalali (Solar Hijri) month of the years 1300-1700, with its');
lines.push('# Gregorian date, the length of that month, and whether the Jalali year is leap.');
lines.push(`# Generated once by tests/data/jalali/generate.js from ICU ${process.versions.icu} ` +
           `(CLDR ${process.versions.cldr}) through Node ${process.version}'s Intl 'persian' calendar;`);
lines.push('# checked by tests/unit/time/jalali_test.cpp in both directions.');
lines.push('jalali_year,jalali_month,gregorian,month_length,leap_year');
for (let i = 0; i + 1 < starts.length; ++i) {
  const s = starts[i];
  if (s.year > 1700) break;
  const next = starts[i + 1];
  const length = Math.round((Date.parse(next.gregorian) - Date.parse(s.gregorian)) / dayMs);
  // The year is leap when its Esfand (month 12) has 30 days.
  const esfand = starts.find((x) => x.year === s.year && x.month === 12);
  const afterEsfand = starts.find((x) => x.year === s.year + 1 && x.month === 1);
  const leap = Math.round((Date.parse(afterEsfand.gregorian) - Date.parse(esfand.gregorian)) / dayMs) === 30;
  lines.push(`${s.year},${s.month},${s.gregorian},${length},${leap ? 1 : 0}`);
}
process.stdout.write(lines.join('\n') + '\n');
