// The alarm detail panel: where it is and who to call, what the device read, who is on the way,
// what has happened so far, and (with a key) the buttons to acknowledge and to resolve.

import { t, tr } from './i18n.js';
import { api, auth, ApiError } from './api.js';
import { h, dateTime, clock, distance, duration, responders, SEVERITY_GLYPH } from './dom.js';
import { lineChart } from './chart.js';

const CAUSES = ['fire', 'false_alarm', 'test', 'nuisance', 'fault'];
const HOUR = 3600_000;

export class AlarmDetail {
  #root;
  #store;
  #onAuthLost;
  #onShown;
  #id = null;
  #data = null;
  #refreshTimer = null;
  #message = null;
  #loads = 0;

  constructor(root, store, { onAuthLost, onShown }) {
    this.#root = root;
    this.#store = store;
    this.#onAuthLost = onAuthLost;
    this.#onShown = onShown;
    // Refresh when someone else changes the alarm (the stream, an action); not for this panel's own
    // loads, which would make every load schedule the next one, four times a second, forever.
    store.onChange((alarm, kind) => {
      if (alarm && alarm.id === this.#id && kind !== 'detail') this.#scheduleRefresh();
    });
    this.render();
  }

  get alarmId() { return this.#id; }

  async show(id) {
    this.#id = id;
    this.#message = null;
    this.#data = null;
    this.render();
    await this.#load();
  }

  #scheduleRefresh() {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => this.#load(), 250);
  }

  async #load() {
    const id = this.#id;
    if (id == null) return;
    // Loads overlap (the one after an action, the refresh a stream event schedules): only the last
    // one started may render, or a slow earlier answer would put the state from before the action back.
    const load = ++this.#loads;
    const current = () => id === this.#id && load === this.#loads;
    try {
      const detail = await api.alarm(id);
      const alarm = detail.alarm;
      const to = alarm.active ? Date.now() : Math.max(alarm.lastAt ?? 0, alarm.resolvedAt ?? 0, alarm.raisedAt);
      const [device, telemetry] = await Promise.all([
        api.device(alarm.deviceId).catch(() => null),
        api.telemetry(alarm.deviceId, to - HOUR, to).catch(() => null),
      ]);
      if (!current()) return;
      this.#data = { alarm, timeline: detail.timeline ?? [], device: device?.device ?? null, status: device?.status ?? null, telemetry: telemetry ?? [], from: to - HOUR, to };
      this.#store.upsert(alarm, 'detail');
      this.render();
      this.#onShown?.(this.#data);
    } catch (error) {
      if (!current()) return;
      this.#message = { kind: 'error', text: `${t('error.failed')}: ${error.message}` };
      this.render();
    }
  }

  render() {
    const root = this.#root;
    const keep = {
      cause: root.querySelector('#resolve-cause')?.value ?? '',
      note: root.querySelector('#action-note')?.value ?? '',
    };
    root.dataset.alarmId = this.#id ?? '';
    if (this.#id == null) {
      root.replaceChildren(h('h2', {}, t('detail.title')), h('p', { class: 'placeholder' }, t('detail.pick')));
      return;
    }
    if (!this.#data) {
      root.replaceChildren(h('h2', {}, t('detail.title')), h('p', { class: 'placeholder' }, '…'), this.#messageNode());
      return;
    }
    const { alarm, timeline, device, status } = this.#data;
    // A refresh (the stream, an action elsewhere) rebuilds the panel while the operator may be typing
    // a note: replacing the focused field would drop the keystrokes that follow, so focus and caret
    // move to its successor.
    const focused = root.contains(document.activeElement) && document.activeElement.id ? document.activeElement : null;
    const caret = focused && typeof focused.selectionStart === 'number' ? [focused.selectionStart, focused.selectionEnd] : null;
    root.dataset.state = alarm.state;
    root.replaceChildren(...[
      h('h2', { class: 'detail-head' },
        h('span', { class: `sev-badge sev-${alarm.severity}` }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, SEVERITY_GLYPH[alarm.severity] ?? '?'), ' ', tr('severity', alarm.severity)),
        h('span', { class: 'detail-type' }, tr('type', alarm.type)),
        h('span', { id: 'detail-state', class: `state-badge state-${alarm.state}`, dataset: { state: alarm.state } }, tr('state', alarm.state))),
      alarm.flapping ? h('p', { class: 'flapping' }, t('detail.flapping')) : null,
      this.#facts(alarm, device, status),
      this.#readings(alarm),
      this.#responders(alarm),
      this.#timeline(timeline),
      this.#actions(alarm, keep),
      this.#messageNode()].filter(Boolean));
    const successor = focused ? root.querySelector(`#${focused.id}`) : null;
    if (successor) {
      successor.focus();
      if (caret && typeof successor.setSelectionRange === 'function') successor.setSelectionRange(...caret);
    }
  }

  #facts(alarm, device, status) {
    const row = (key, value, cls) => (value ? [h('dt', {}, t(key)), h('dd', { class: cls ?? null }, value)] : []);
    const online = status ? h('span', { class: status.online ? 'online' : 'offline' }, status.online ? `● ${t('detail.online')}` : `○ ${t('detail.offline')}`) : null;
    return h('dl', { class: 'facts' },
      row('detail.device', h('span', {}, h('span', { id: 'detail-device' }, alarm.deviceId), device ? ` · ${tr('kind', device.kind)}` : '', ' ', online)),
      row('detail.site', alarm.site, 'site'),
      row('detail.address', device?.address, 'address'),
      row('detail.building', [device?.building, device?.floor ? t('detail.floorOf').replace('{0}', device.floor) : null].filter(Boolean).join(' · ')),
      row('detail.contacts', device?.contacts, 'contacts'),
      row('detail.raisedAt', dateTime(alarm.raisedAt)),
      row('detail.ackedBy', alarm.ackedBy ? `${alarm.ackedBy} · ${clock(alarm.ackedAt)}` : null),
      row('detail.resolvedBy', alarm.resolvedBy ? `${alarm.resolvedBy} · ${clock(alarm.resolvedAt)}` : null),
      row('detail.cause', alarm.cause ? tr('cause', alarm.cause) : null));
  }

  #readings(alarm) {
    const { telemetry, from, to } = this.#data;
    const points = Array.isArray(telemetry) ? telemetry : [];
    return h('section', { class: 'readings' },
      h('h3', {}, t('detail.readings')),
      h('p', { class: 'reading-values' },
        `${t('detail.first')} ${alarm.firstValue ?? '—'} · ${t('detail.last')} ${alarm.lastValue ?? '—'} · ${t('detail.count')} ${alarm.count}`),
      h('h4', {}, t('detail.chart')),
      points.length > 0 ? lineChart(points, from, to, alarm.raisedAt) : h('p', { class: 'placeholder', id: 'no-telemetry' }, t('detail.noTelemetry')));
  }

  #responders(alarm) {
    const list = responders(alarm).sort((a, b) => (a.role === 'warn') - (b.role === 'warn') || (a.etaSeconds ?? 1e9) - (b.etaSeconds ?? 1e9));
    return h('section', { class: 'responders' },
      h('h3', {}, t('detail.responders')),
      list.length === 0 ? h('p', { class: 'placeholder' }, t('detail.noResponders')) : h('table', {},
        h('thead', {}, h('tr', {},
          h('th', {}, t('detail.responders')), h('th', {}, t('detail.distance')), h('th', {}, t('detail.eta')), h('th', {}, t('detail.deadline')))),
        h('tbody', {}, list.map((r) => h('tr', { class: `responder role-${r.role}`, dataset: { responderId: r.id, kind: r.kind } },
          h('td', {},
            h('div', { class: 'responder-name' }, r.name ?? r.id),
            h('div', { class: 'responder-sub' }, [tr('role', r.role), r.tier ? tr('tier', r.tier) : tr('responder', r.kind), r.means ? tr('means', r.means) : null].filter(Boolean).join(' · '))),
          h('td', {}, distance(r.distanceM)),
          h('td', { class: 'responder-eta' }, duration(r.etaSeconds)),
          h('td', {}, r.ackDeadline && alarm.state === 'active' ? h('span', { class: 'countdown', dataset: { deadline: r.ackDeadline } }, '') : ''))))));
  }

  #timeline(timeline) {
    return h('section', { class: 'timeline' },
      h('h3', {}, t('detail.timeline')),
      h('ol', {}, timeline.map((e) => h('li', { class: `event event-${e.event}`, dataset: { event: e.event } },
        h('time', {}, clock(e.at)),
        h('span', { class: 'event-name' }, tr('event', e.event)),
        e.actor ? h('span', { class: 'event-actor' }, e.actor) : null,
        e.detail ? h('span', { class: 'event-detail' }, e.detail) : null))));
  }

  #actions(alarm, keep) {
    if (!auth.canWrite()) return h('p', { class: 'readonly-note' }, t('login.readonly'));
    if (alarm.state === 'resolved') return null;
    const cause = h('select', { id: 'resolve-cause', 'aria-label': t('action.cause') },
      h('option', { value: '' }, `— ${t('action.cause')} —`),
      CAUSES.map((c) => h('option', { value: c }, tr('cause', c))));
    cause.value = keep.cause;
    const note = h('input', { id: 'action-note', type: 'text', maxlength: 500, placeholder: t('action.note'), 'aria-label': t('action.note') });
    note.value = keep.note;
    const resolve = h('button', { id: 'resolve-button', type: 'button', class: 'resolve', onclick: () => this.#act('resolve') }, t('action.resolve'));
    resolve.disabled = !cause.value;
    cause.addEventListener('change', () => { resolve.disabled = !cause.value; });
    return h('section', { class: 'actions' },
      alarm.state === 'active' ? h('button', { id: 'ack-button', type: 'button', class: 'ack', onclick: () => this.#act('ack') }, t('action.ack')) : null,
      h('div', { class: 'resolve-row' }, cause, resolve),
      note);
  }

  #messageNode() {
    return h('p', { id: 'action-message', class: `message ${this.#message?.kind ?? ''}`, role: 'status', 'aria-live': 'polite' }, this.#message?.text ?? '');
  }

  async #act(kind) {
    const id = this.#id;
    const note = this.#root.querySelector('#action-note')?.value ?? '';
    const cause = this.#root.querySelector('#resolve-cause')?.value ?? '';
    for (const button of this.#root.querySelectorAll('.actions button')) button.disabled = true;
    try {
      const alarm = kind === 'ack' ? await api.ack(id, note) : await api.resolve(id, cause, note);
      this.#store.upsert(alarm, kind);
      this.#message = { kind: 'ok', text: t('action.done') };
      const noteField = this.#root.querySelector('#action-note');
      if (noteField) noteField.value = '';
      await this.#load();
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      if (status === 401) {
        auth.logout();
        this.#onAuthLost?.();
      }
      const key = { 401: 'error.unauthorized', 403: 'error.forbidden', 409: 'error.conflict' }[status] ?? 'error.failed';
      this.#message = { kind: 'error', text: status === 401 || status === 403 || status === 409 ? t(key) : `${t(key)}: ${error.message}` };
      this.render();
    }
  }
}
