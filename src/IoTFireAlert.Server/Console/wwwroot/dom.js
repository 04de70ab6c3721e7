// Small DOM builders. Text always goes in as text nodes (never innerHTML): device names, addresses
// and contacts come from imported files and vendor payloads.

import { t } from './i18n.js';

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const clock = (ms) => (ms ? new Date(ms).toLocaleTimeString('zh-CN', { hour12: false }) : '');

export function dateTime(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(ms)}`;
}

/** "3分12秒" / "3 min 12 s"; negative means overdue. */
export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '';
  if (seconds < 0) return t('time.overdue');
  const m = Math.floor(seconds / 60);
  const sec = Math.floor(seconds % 60);
  return m > 0 ? `${m} ${t('unit.min')} ${sec} ${t('unit.s')}` : `${sec} ${t('unit.s')}`;
}

/** Countdown as m:ss, or -m:ss when past. */
export function countdown(deadlineMs, now = Date.now()) {
  const left = Math.round((deadlineMs - now) / 1000);
  const a = Math.abs(left);
  return `${left < 0 ? '-' : ''}${Math.floor(a / 60)}:${String(a % 60).padStart(2, '0')}`;
}

export function distance(m) {
  if (m == null) return '';
  return m >= 1000 ? `${(m / 1000).toFixed(1)} ${t('unit.km')}` : `${Math.round(m)} ${t('unit.m')}`;
}

export const ago = (ms, now = Date.now()) => {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
};

/** The responders of a dispatch decision (a JSON string on the alarm), or []. */
export function responders(alarm) {
  if (!alarm?.dispatch) return [];
  try {
    const parsed = typeof alarm.dispatch === 'string' ? JSON.parse(alarm.dispatch) : alarm.dispatch;
    return Array.isArray(parsed?.responders) ? parsed.responders : [];
  } catch {
    return [];
  }
}

// Severity is never told by colour alone: each has its own glyph (shape) and word.
export const SEVERITY_RANK = { critical: 0, major: 1, minor: 2, warning: 3 };
export const SEVERITY_GLYPH = { critical: '◆', major: '▲', minor: '●', warning: '○' };
