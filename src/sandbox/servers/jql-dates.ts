// JQL dates: absolute dates and periods (`-30d`, `4w 2d`) and the date functions (`startOfMonth(-1)`), read in UTC.
import { JqlError } from './jql-parser.ts';

/** `yyyy-MM-dd`, `yyyy/MM/dd`, optionally with ` HH:mm`, read in UTC; or a period such as `-30d`, `4w 2d`. */
export function parseJqlDate(text: string, now: Date, field: string): number {
  const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (abs) {
    const [y, mo, d, h, mi] = [abs[1], abs[2], abs[3], abs[4] ?? '0', abs[5] ?? '0'].map(Number) as [number, number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d, h, mi);
    const check = new Date(ms);
    if (check.getUTCMonth() === mo - 1 && check.getUTCDate() === d && h < 24) return ms;
  }
  const period = text.trim();
  if (/^[-+]?(\d+[yMwdhm]\s*)+$/.test(period)) {
    const sign = period.startsWith('-') ? -1 : 1;
    const moment = new Date(now.getTime());
    for (const [, n, unit] of period.replace(/^[-+]/, '').matchAll(/(\d+)([yMwdhm])/g)) {
      const amount = sign * Number(n);
      if (unit === 'y') moment.setUTCFullYear(moment.getUTCFullYear() + amount);
      else if (unit === 'M') moment.setUTCMonth(moment.getUTCMonth() + amount);
      else moment.setTime(moment.getTime() + amount * { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[unit as 'w' | 'd' | 'h' | 'm']);
    }
    return moment.getTime();
  }
  throw new JqlError(
    `Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}

/** A date function (`now()`, `startOfDay(-1)`, `endOfMonth()`) as epoch ms; a bare increment is in the function's own unit. */
export function dateFunction(name: string, args: string[], now: Date, field: string): number {
  const fn = name.toLowerCase();
  const inc = args[0];
  const shift = (base: Date, defaultUnit: string): number => {
    if (inc === undefined) return base.getTime();
    const text = /^[-+]?\d+$/.test(inc) ? `${inc}${defaultUnit}` : inc;
    return parseJqlDate(text, base, field);
  };
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (fn === 'now') return now.getTime();
  if (fn === 'startofday') return shift(day, 'd');
  if (fn === 'endofday') return shift(new Date(day.getTime() + 86_399_999), 'd');
  if (fn === 'startofmonth') return shift(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), 'M');
  if (fn === 'endofmonth') return shift(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 1), 'M');
  throw new JqlError(`Unable to find JQL function '${name}(${args.join(', ')})'.`);
}
