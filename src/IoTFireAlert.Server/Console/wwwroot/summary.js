// The header's live figures, from GET /api/summary every 2 s. Until the server offers it, the
// figures the console can count itself (active alarms, unanswered dispatches) come from the queue.

import { t } from './i18n.js';
import { api } from './api.js';
import { h, responders } from './dom.js';

const SEVERITIES = ['critical', 'major', 'minor', 'warning'];

export class LiveFigures {
  #root;
  #store;
  #onSelect;
  #last = null;

  constructor(root, store, onSelect) {
    this.#root = root;
    this.#store = store;
    this.#onSelect = onSelect;
    store.onChange(() => { if (!this.#last) this.render(); });
  }

  start() {
    const poll = async () => {
      try {
        this.#last = await api.summary();
      } catch {
        this.#last = null;
      }
      this.render();
    };
    poll();
    setInterval(poll, 2000);
  }

  #fromQueue() {
    const active = { critical: 0, major: 0, minor: 0, warning: 0 };
    const unanswered = [];
    for (const a of this.#store.alarms.values()) {
      if (!a.active) continue;
      active[a.severity] = (active[a.severity] ?? 0) + 1;
      if (a.state !== 'active') continue;
      for (const r of responders(a)) {
        if (r.ackDeadline) unanswered.push({ alarmId: a.id, responderId: r.id, responderName: r.name ?? r.id, deadline: r.ackDeadline });
      }
    }
    return { activeBySeverity: active, unacknowledgedDispatches: unanswered };
  }

  render() {
    const fallback = this.#fromQueue();
    const s = this.#last ?? {};
    const fig = (id, value) => {
      const node = this.#root.querySelector(`#${id}`);
      node.textContent = value == null ? '—' : typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 1 }) : value;
    };
    fig('fig-msgs', s.messagesPerSecond);
    fig('fig-online', s.devicesOnline);
    fig('fig-offline', s.devicesOffline);
    const bySeverity = s.activeBySeverity ?? fallback.activeBySeverity;
    for (const severity of SEVERITIES) fig(`fig-${severity}`, bySeverity[severity] ?? 0);
    const list = [...(s.unacknowledgedDispatches ?? fallback.unacknowledgedDispatches)].sort((a, b) => a.deadline - b.deadline);
    const root = this.#root.querySelector('#fig-dispatches');
    root.dataset.count = list.length;
    root.replaceChildren(...(list.length === 0 ? [h('span', { class: 'none' }, t('fig.none'))]
      : list.slice(0, 4).map((d) => h('button', {
        type: 'button',
        class: 'dispatch-chip',
        dataset: { alarmId: d.alarmId, responderId: d.responderId },
        onclick: () => this.#onSelect(d.alarmId),
      }, h('span', {}, `${d.responderName} #${d.alarmId}`), ' ', h('span', { class: 'countdown', dataset: { deadline: d.deadline } }, '')))),
    list.length > 4 ? h('span', { class: 'more' }, `+${list.length - 4}`) : '');
  }
}
