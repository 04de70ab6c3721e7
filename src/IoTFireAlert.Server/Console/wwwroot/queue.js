// The alarm queue: most severe first, then newest. Unacknowledged critical alarms flash (and the
// siren sounds) until someone acknowledges them. Filters: severity, state, site.

import { t, tr } from './i18n.js';
import { h, clock, ago, duration, responders, SEVERITY_RANK, SEVERITY_GLYPH } from './dom.js';

export class AlarmQueue {
  #store;
  #list;
  #count;
  #onSelect;
  #pending = false;
  selectedId = null;
  filter = { severity: '', state: 'open', site: '' };

  constructor(store, root, onSelect) {
    this.#store = store;
    this.#onSelect = onSelect;
    this.#list = root.querySelector('#queue-list');
    this.#count = root.querySelector('#queue-count');
    const severity = root.querySelector('#filter-severity');
    const state = root.querySelector('#filter-state');
    const site = root.querySelector('#filter-site');
    const changed = () => {
      this.filter = { severity: severity.value, state: state.value, site: site.value.trim() };
      this.#reload();
      this.render();
    };
    severity.addEventListener('change', changed);
    state.addEventListener('change', changed);
    site.addEventListener('input', changed);
    store.onChange(() => this.render());
    // Ages ("3m") move on even when nothing else does.
    setInterval(() => this.render(), 10_000);
  }

  /** The server holds more than the snapshot of open alarms: ask it for what the filter shows. */
  #reload() {
    const query = { limit: '500' };
    const { severity, state, site } = this.filter;
    if (severity) query.severity = severity;
    if (site) query.site = site;
    if (state === 'open') query.active = 'true';
    else if (state) query.state = state;
    this.#store.load(query);
  }

  visible() {
    const { severity, state, site } = this.filter;
    return [...this.#store.alarms.values()]
      .filter((a) => (!severity || a.severity === severity)
        && (state === '' || (state === 'open' ? a.active : a.state === state))
        && (!site || (a.site ?? '').toLowerCase().includes(site.toLowerCase())))
      .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || b.raisedAt - a.raisedAt || b.id - a.id);
  }

  select(id) {
    this.selectedId = id;
    this.render();
    this.#onSelect(id);
  }

  render() {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.#draw();
    });
  }

  #draw() {
    const alarms = this.visible();
    this.#count.textContent = `${alarms.length} ${t('queue.count')}`;
    const focused = document.activeElement?.closest?.('.alarm')?.dataset.alarmId;
    const rows = alarms.slice(0, 500).map((a) => this.#row(a));
    if (rows.length === 0) rows.push(h('li', { class: 'queue-empty' }, t('queue.empty')));
    this.#list.replaceChildren(...rows);
    if (focused) this.#list.querySelector(`.alarm[data-alarm-id="${focused}"]`)?.focus();
  }

  #row(a) {
    const primary = responders(a).filter((r) => r.role !== 'warn').sort((x, y) => (x.etaSeconds ?? 1e9) - (y.etaSeconds ?? 1e9))[0];
    const unanswered = a.state === 'active';
    const classes = ['alarm', `sev-${a.severity}`, `state-${a.state}`];
    if (unanswered && a.severity === 'critical') classes.push('flash');
    if (a.id === this.selectedId) classes.push('selected');
    return h('li', {
      class: classes.join(' '),
      tabindex: 0,
      role: 'button',
      'aria-pressed': a.id === this.selectedId ? 'true' : 'false',
      dataset: { alarmId: a.id, severity: a.severity, state: a.state, deviceId: a.deviceId },
      onclick: () => this.select(a.id),
      onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.select(a.id); } },
    },
    h('div', { class: 'alarm-line1' },
      h('span', { class: `sev-badge sev-${a.severity}` }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, SEVERITY_GLYPH[a.severity] ?? '?'), ' ', tr('severity', a.severity)),
      h('span', { class: 'alarm-type' }, tr('type', a.type)),
      h('span', { class: `state-badge state-${a.state}` }, tr('state', a.state))),
    h('div', { class: 'alarm-line2' },
      h('span', { class: 'alarm-site' }, a.site ?? ''),
      h('span', { class: 'alarm-device' }, a.deviceId),
      a.count > 1 ? h('span', { class: 'alarm-count' }, `×${a.count}`) : null,
      h('span', { class: 'alarm-time' }, `${clock(a.raisedAt)} · ${ago(a.raisedAt)}`)),
    primary ? h('div', { class: 'alarm-line3' },
      h('span', { class: 'responder-name' }, primary.name ?? primary.id),
      h('span', { class: 'responder-eta' }, `${t('detail.eta')} ${duration(primary.etaSeconds)}`)) : null);
  }
}
