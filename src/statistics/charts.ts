/** Geometry of server-rendered SVG bar charts: readable at a glance, no JavaScript, a data table beside each. */
export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  className: string;
  label: string;
}

export interface Chart {
  width: number;
  height: number;
  bars: Bar[];
  labels: Array<{ x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end' }>;
  line?: { x: number; label: string };
}

/** Vertical bars, one group per category, one bar per series. */
export function groupedBars(categories: string[], series: Array<{ name: string; className: string; values: number[] }>, max = 0): Chart {
  const width = 640;
  const height = 240;
  const top = 16;
  const bottom = 32;
  const plot = height - top - bottom;
  const highest = Math.max(max, 1, ...series.flatMap((s) => s.values));
  const groupWidth = (width - 40) / Math.max(categories.length, 1);
  const barWidth = Math.min(28, (groupWidth - 12) / series.length);
  const bars: Bar[] = [];
  categories.forEach((category, index) => {
    series.forEach((s, n) => {
      const value = s.values[index] ?? 0;
      const barHeight = (value / highest) * plot;
      bars.push({
        x: 40 + index * groupWidth + 6 + n * barWidth,
        y: top + plot - barHeight,
        width: barWidth - 2,
        height: barHeight,
        className: s.className,
        label: `${category} : ${s.name} ${value}`,
      });
    });
  });
  return {
    width,
    height,
    bars,
    labels: [
      ...categories.map((category, index) => ({
        x: 40 + index * groupWidth + groupWidth / 2,
        y: height - 10,
        text: category,
        anchor: 'middle' as const,
      })),
      { x: 34, y: top + 4, text: String(highest), anchor: 'end' as const },
      { x: 34, y: top + plot, text: '0', anchor: 'end' as const },
    ],
  };
}

/** Horizontal bars for shares (0 to 1), with an optional target line. */
export function shareBars(items: Array<{ label: string; share: number | undefined }>, target?: number): Chart {
  const width = 640;
  const rowHeight = 28;
  const left = 220;
  const plot = width - left - 60;
  const height = Math.max(items.length, 1) * rowHeight + 24;
  const bars = items.map((item, index) => ({
    x: left,
    y: 8 + index * rowHeight,
    width: Math.max(0, (item.share ?? 0) * plot),
    height: rowHeight - 10,
    className: target !== undefined && (item.share ?? 0) < target ? 'pp-bar--alert' : 'pp-bar--ok',
    label: `${item.label} : ${item.share === undefined ? 'pas de données' : `${(item.share * 100).toFixed(1)} %`}`,
  }));
  return {
    width,
    height,
    bars,
    labels: items.flatMap((item, index) => [
      { x: left - 8, y: 8 + index * rowHeight + 13, text: item.label, anchor: 'end' as const },
      {
        x: left + Math.max(0, (item.share ?? 0) * plot) + 6,
        y: 8 + index * rowHeight + 13,
        text: item.share === undefined ? '—' : `${(item.share * 100).toFixed(1)} %`,
        anchor: 'start' as const,
      },
    ]),
    ...(target === undefined ? {} : { line: { x: left + target * plot, label: `objectif ${Math.round(target * 100)} %` } }),
  };
}
