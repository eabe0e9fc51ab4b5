// Charts as PNG bytes for Slack: the retainer burn-up (hours logged so far, the forecast, the retainer and its
// thresholds). The one place that draws; CPU work, no I/O: the caller uploads the bytes.
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartDataset, type Plugin } from 'chart.js';
import { DateTime } from 'luxon';
import { formatHours, formatShortDate } from './calendar.ts';
import { formatMonth, type RetainerAssessment } from './budget.ts';

Chart.register(...registerables);
// DejaVu ships with most Linux images; Chart.js falls back to the canvas default elsewhere.
Chart.defaults.font.family = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif";

export interface BurnUpChartOptions {
  /** Percentages drawn as light lines; 100 is the retainer line itself. Default 75 and 90. */
  thresholds?: readonly number[];
  width?: number;
  height?: number;
}

const COLORS = {
  logged: '#1f6feb',
  forecast: '#1f6feb',
  retainer: '#cf222e',
  threshold: 'rgba(154, 103, 0, 0.55)',
  grid: '#e6e8eb',
  text: '#24292f',
};

// Slack shows images on a dark background in dark mode: a transparent PNG would put black text on black.
const whiteBackground: Plugin<'line'> = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

type Point = number | null;

/**
 * The burn-up chart of one retainer month: cumulative hours per day so far (solid), the linear forecast from the
 * as-of date to month end (dashed), the retainer (100 %) and lighter threshold lines. A PNG of exactly width × height.
 */
export async function renderBurnUpChart(a: RetainerAssessment, options: BurnUpChartOptions = {}): Promise<Buffer> {
  const width = options.width ?? 800;
  const height = options.height ?? 450;
  const thresholds = (options.thresholds ?? [75, 90]).filter((t) => t !== 100);

  const first = DateTime.fromISO(`${a.month}-01`, { zone: 'UTC' });
  const days = Array.from({ length: first.daysInMonth! }, (_, i) => first.plus({ days: i }).toISODate()!);
  const logged = new Map(a.daily.map((d) => [d.date, d.cumulative]));
  const forecast = new Map(a.forecast.map((d) => [d.date, d.cumulative]));
  const series = (values: Map<string, number>): Point[] => days.map((d) => values.get(d) ?? null);
  const flat = (value: number): number[] => days.map(() => value);

  const datasets: ChartDataset<'line', Point[]>[] = [
    line(`Logged (${formatHours(a.consumedHours)})`, series(logged), { borderColor: COLORS.logged, borderWidth: 3 }),
    line(
      a.projectedMonthEndHours === null ? 'Forecast (no pace yet)' : `Forecast (≈ ${Math.round(a.projectedMonthEndHours)} h)`,
      series(forecast),
      { borderColor: COLORS.forecast, borderWidth: 2, borderDash: [8, 6] },
    ),
    line(`Retainer (${formatHours(a.monthlyHours)})`, flat(a.monthlyHours), { borderColor: COLORS.retainer, borderWidth: 2 }),
    ...thresholds.map((t) =>
      line(`${t} %`, flat((a.monthlyHours * t) / 100), { borderColor: COLORS.threshold, borderWidth: 1, borderDash: [3, 4] }),
    ),
  ];

  const highest = Math.max(a.monthlyHours, a.consumedHours, a.projectedMonthEndHours ?? 0);
  const canvas = createCanvas(width, height);
  const chart = new Chart(canvas as unknown as HTMLCanvasElement, {
    type: 'line',
    data: { labels: days.map((d) => String(Number(d.slice(8)))), datasets },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      layout: { padding: 12 },
      plugins: {
        title: {
          display: true,
          text: `${a.key} · ${a.name} — ${formatMonth(a.month)}`,
          color: COLORS.text,
          font: { size: 18, weight: 'bold' },
        },
        subtitle: {
          display: true,
          text:
            `${formatHours(a.consumedHours)} of ${formatHours(a.monthlyHours)} (${Math.floor(a.percent + 1e-9)} %)` +
            ` as of ${formatShortDate(a.asOfDate)}`,
          color: COLORS.text,
          font: { size: 13 },
          padding: { bottom: 8 },
        },
        legend: { position: 'bottom', labels: { color: COLORS.text, boxHeight: 2, boxWidth: 24 } },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          title: { display: true, text: `Day of ${first.toFormat('LLLL')}`, color: COLORS.text },
          ticks: { color: COLORS.text, maxRotation: 0, font: { size: 10 } },
          grid: { color: COLORS.grid },
        },
        y: {
          min: 0,
          suggestedMax: Math.ceil((highest * 1.08) / 10) * 10,
          title: { display: true, text: 'Hours (cumulative)', color: COLORS.text },
          ticks: { color: COLORS.text },
          grid: { color: COLORS.grid },
        },
      },
    },
    plugins: [whiteBackground],
  });
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy(); // frees Chart.js' per-chart state; 300 charts a run must not pile up
  }
}

function line(label: string, data: Point[], style: Partial<ChartDataset<'line', Point[]>>): ChartDataset<'line', Point[]> {
  return { label, data, pointRadius: 0, fill: false, tension: 0, spanGaps: false, ...style };
}
