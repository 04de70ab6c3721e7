// The console's copy of the alarms: a snapshot from GET /api/alarms merged with the live
// Server-Sent Events of /api/stream/alarms. EventSource resumes with Last-Event-ID by itself, and
// the server replays what was missed, so the only race is between the snapshot and the stream:
// a record replaces the one held only when it is at least as recent (its latest timestamp).

import { api } from './api.js';

const EVENTS = ['raised', 'updated', 'reopened', 'cleared', 'acknowledged', 'resolved', 'escalated', 'dispatched'];
const KEEP = 5000;

const version = (a) => Math.max(a.raisedAt ?? 0, a.lastAt ?? 0, a.ackedAt ?? 0, a.clearedAt ?? 0, a.resolvedAt ?? 0);

export class AlarmStore {
  alarms = new Map();
  #listeners = new Set();
  #connectionListeners = new Set();
  #source = null;
  connected = false;

  onChange(listener) { this.#listeners.add(listener); }
  onConnection(listener) { this.#connectionListeners.add(listener); }

  get(id) { return this.alarms.get(Number(id)); }

  upsert(alarm, kind = 'snapshot') {
    const held = this.alarms.get(alarm.id);
    if (held && version(held) > version(alarm)) return false;
    this.alarms.set(alarm.id, alarm);
    this.#prune();
    for (const listener of this.#listeners) listener(alarm, kind);
    return true;
  }

  merge(list) {
    let changed = false;
    for (const alarm of list) {
      const held = this.alarms.get(alarm.id);
      if (held && version(held) > version(alarm)) continue;
      this.alarms.set(alarm.id, alarm);
      changed = true;
    }
    if (changed) for (const listener of this.#listeners) listener(null, 'snapshot');
  }

  /** Opens the stream first, then loads the snapshot, so nothing committed in between is missed. */
  connect() {
    const source = new EventSource('/api/stream/alarms');
    this.#source = source;
    let loaded = false;
    source.onopen = () => {
      this.#setConnected(true);
      if (!loaded) {
        loaded = true;
        this.load({ active: 'true', limit: '1000' });
      }
    };
    source.onerror = () => this.#setConnected(false);
    for (const kind of EVENTS) {
      source.addEventListener(kind, (e) => {
        try {
          this.upsert(JSON.parse(e.data), kind);
        } catch (error) {
          console.warn('bad alarm event', error);
        }
      });
    }
  }

  async load(query) {
    try {
      this.merge(await api.alarms(query));
    } catch (error) {
      console.warn('alarm list failed', error);
    }
  }

  #setConnected(value) {
    if (this.connected === value) return;
    this.connected = value;
    for (const listener of this.#connectionListeners) listener(value);
  }

  #prune() {
    if (this.alarms.size <= KEEP) return;
    const closed = [...this.alarms.values()].filter((a) => !a.active).sort((a, b) => version(a) - version(b));
    for (const a of closed.slice(0, this.alarms.size - KEEP)) this.alarms.delete(a.id);
  }
}
