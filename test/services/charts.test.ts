import { createCanvas, loadImage } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { assessRetainer, type RetainerAssessment } from '../../src/services/budget.ts';
import { workingDaysBetween } from '../../src/services/calendar.ts';
import { renderBurnUpChart } from '../../src/services/charts.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function assess(asOf: string, hoursPerWorkingDay: number): RetainerAssessment {
  const dailyHours = new Map(workingDaysBetween('2025-11-01', asOf.slice(0, 10)).map((d) => [d, hoursPerWorkingDay]));
  dailyHours.set('2025-11-08', 3); // a Saturday
  return assessRetainer({
    project: { key: 'SUBS', name: 'Subscriptions', monthlyHours: 120 },
    asOf: new Date(asOf),
    zone: 'America/New_York',
    dailyHours,
    holidays: ['2025-11-27'],
  });
}

/** Width and height from the IHDR chunk, which always comes first after the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function pixelAt(png: Buffer, x: number, y: number): Promise<number[]> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return Array.from(ctx.getImageData(x, y, 1, 1).data);
}

describe('retainer burn-up chart', () => {
  it('is a PNG of the default size, 800 × 450', async () => {
    const png = await renderBurnUpChart(assess('2025-11-20T18:00:00Z', 7));
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 800, height: 450 });
  });

  it.each([
    [640, 360],
    [1200, 675],
  ])('is a PNG of the requested size %d × %d', async (width, height) => {
    const png = await renderBurnUpChart(assess('2025-11-20T18:00:00Z', 7), { width, height, thresholds: [75, 90, 100] });
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width, height });
  });

  it('has an opaque white background, readable in Slack dark mode', async () => {
    const png = await renderBurnUpChart(assess('2025-11-20T18:00:00Z', 7));
    expect(await pixelAt(png, 1, 1)).toEqual([255, 255, 255, 255]);
    expect(await pixelAt(png, 799, 449)).toEqual([255, 255, 255, 255]);
  });

  it('draws the same bytes for the same month', async () => {
    const a = assess('2025-11-20T18:00:00Z', 7);
    expect((await renderBurnUpChart(a)).equals(await renderBurnUpChart(a))).toBe(true);
  });

  it.each([
    ['the 1st, before any pace exists', '2025-11-03T14:00:00Z', 0],
    ['an exceeded retainer', '2025-11-25T22:00:00Z', 9],
    ['the last day of the month', '2025-12-01T01:00:00Z', 5],
  ])('draws %s', async (_label, asOf, hours) => {
    const png = await renderBurnUpChart(assess(asOf, hours), { width: 400, height: 225 });
    expect(pngSize(png)).toEqual({ width: 400, height: 225 });
  });

  it('leaves no live chart behind after drawing many in a row', async () => {
    const a = assess('2025-11-20T18:00:00Z', 7);
    for (let i = 0; i < 40; i++) await renderBurnUpChart(a, { width: 320, height: 180 });
    expect(Object.keys(Chart.instances)).toHaveLength(0);
  });
});
