// A small SVG line chart of the last hour's readings, one line per field, with the moment the
// alarm was raised marked. Values that are 0/1 (smoke yes/no) draw as steps.

import { s, clock } from './dom.js';

const W = 400;
const H = 150;
const PAD = { left: 44, right: 10, top: 10, bottom: 24 };
const COLOURS = ['#ffb347', '#6fc3ff', '#9be38a', '#e79bff'];

export function lineChart(points, from, to, markAt) {
  const series = new Map();
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    if (!series.has(p.field)) series.set(p.field, []);
    series.get(p.field).push(p);
  }
  const fields = [...series.keys()].slice(0, COLOURS.length);
  const values = fields.flatMap((f) => series.get(f).map((p) => p.value));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) { lo -= 1; hi += 1; }
  const x = (tm) => PAD.left + ((tm - from) / (to - from)) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toFixed(2)).toString());

  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': fields.join(', ') },
    s('rect', { x: PAD.left, y: PAD.top, width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom, class: 'chart-frame' }),
    s('text', { x: PAD.left - 4, y: PAD.top + 10, class: 'chart-label', 'text-anchor': 'end' }, fmt(hi)),
    s('text', { x: PAD.left - 4, y: H - PAD.bottom, class: 'chart-label', 'text-anchor': 'end' }, fmt(lo)),
    s('text', { x: PAD.left, y: H - 6, class: 'chart-label' }, clock(from)),
    s('text', { x: W - PAD.right, y: H - 6, class: 'chart-label', 'text-anchor': 'end' }, clock(to)));

  if (markAt && markAt >= from && markAt <= to) {
    svg.append(s('line', { x1: x(markAt), x2: x(markAt), y1: PAD.top, y2: H - PAD.bottom, class: 'chart-mark' }));
  }
  fields.forEach((field, i) => {
    const pts = series.get(field).sort((a, b) => a.t - b.t);
    const binary = pts.every((p) => p.value === 0 || p.value === 1);
    const coords = [];
    pts.forEach((p, k) => {
      if (binary && k > 0) coords.push(`${x(p.t).toFixed(1)},${y(pts[k - 1].value).toFixed(1)}`);
      coords.push(`${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`);
    });
    svg.append(
      s('polyline', { points: coords.join(' '), class: 'chart-line', stroke: COLOURS[i], dataset: { field } }),
      s('text', { x: PAD.left + 6 + i * 90, y: PAD.top + 14, class: 'chart-legend', fill: COLOURS[i] }, field));
  });
  return svg;
}
