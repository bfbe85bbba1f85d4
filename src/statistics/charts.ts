import { frenchNumber, frenchPercent } from '../wording/values.fr.js';

/**
 * Geometry of server-rendered SVG bar charts, readable without JavaScript and on a 320 px screen, with a data table
 * beside each. Horizontal bars, one row per label: the label is written at the start of its row, just above its bars,
 * and each bar's value right after the bar's end. The SVG has no viewBox: its units are CSS pixels, so its text keeps
 * its CSS size on a phone as on a desktop (nothing scales it down), and bar lengths are percentages of its width.
 */
export interface Bar {
  /** Top of the bar, in px. */
  y: number;
  height: number;
  /** Length, in percent of the chart's width. */
  width: number;
  className: string;
  /** Written after the bar's end: x in percent of the chart's width, y the baseline in px. */
  value: { x: number; y: number; text: string };
  /** The label and the value together, for a pointer hovering the bar. */
  title: string;
}

export interface Row {
  label: string;
  /** Baseline of the label, in px. */
  y: number;
  bars: Bar[];
}

export interface Chart {
  height: number;
  rows: Row[];
  /** A target marked on each bar's row, in percent of the chart's width, with its label under the last row. */
  line?: { x: number; labelY: number; label: string };
}

const LABEL_HEIGHT = 20;
const BAR_HEIGHT = 14;
const BAR_STEP = 18;
const ROW_GAP = 10;

const percentOfWidth = (value: number) => Math.round(value * 100) / 100;

function layout(rows: Array<{ label: string; bars: Array<Omit<Bar, 'y' | 'height' | 'value'> & { valueX: number; valueText: string }> }>) {
  let top = 0;
  const laidOut = rows.map((row) => {
    const bars = row.bars.map(({ valueX, valueText, ...bar }, index) => {
      const y = top + LABEL_HEIGHT + index * BAR_STEP;
      return { ...bar, y, height: BAR_HEIGHT, value: { x: percentOfWidth(valueX), y: y + BAR_HEIGHT - 2, text: valueText } };
    });
    const placed = { label: row.label, y: top + 14, bars };
    top += LABEL_HEIGHT + row.bars.length * BAR_STEP + ROW_GAP;
    return placed;
  });
  return { rows: laidOut, height: Math.max(top, LABEL_HEIGHT) };
}

/**
 * One row per category, one bar per series; each value is written with its series' name (« 3 refus »), so colour
 * never carries the meaning alone. The longest bar takes half the width, leaving the other half to its value.
 */
export function groupedBars(
  categories: string[],
  series: Array<{ name: string; one?: string; className: string; values: number[] }>,
  max = 0,
): Chart {
  const span = 50;
  const highest = Math.max(max, 1, ...series.flatMap((s) => s.values));
  return layout(
    categories.map((category, index) => ({
      label: category,
      bars: series.map((s) => {
        const value = s.values[index] ?? 0;
        const width = percentOfWidth((value / highest) * span);
        const valueText = `${frenchNumber(value)} ${Math.abs(value) < 2 ? (s.one ?? s.name) : s.name}`;
        return { width, className: s.className, valueX: width, valueText, title: `${category} : ${valueText}` };
      }),
    })),
  );
}

/** One row per item for shares (0 to 1), with an optional target line; a row under the target says so in words. */
export function shareBars(items: Array<{ label: string; share: number | undefined }>, target?: number): Chart {
  const span = 60;
  const targetX = target === undefined ? 0 : percentOfWidth(target * span);
  const chart = layout(
    items.map((item) => {
      const under = target !== undefined && item.share !== undefined && item.share < target;
      const width = percentOfWidth(Math.max(0, item.share ?? 0) * span);
      const valueText = item.share === undefined ? 'pas de données' : frenchPercent(item.share);
      return {
        label: under ? `${item.label} (sous l’objectif)` : item.label,
        // The value starts after the target line too, so that the line never crosses it.
        bars: [
          {
            width,
            className: under ? 'pp-bar--alert' : 'pp-bar--ok',
            valueX: Math.max(width, targetX),
            valueText,
            title: `${item.label} : ${valueText}`,
          },
        ],
      };
    }),
  );
  if (target === undefined) return chart;
  return {
    height: chart.height + 20,
    rows: chart.rows,
    line: { x: targetX, labelY: chart.height + 12, label: `objectif ${frenchPercent(target, 0)}` },
  };
}
