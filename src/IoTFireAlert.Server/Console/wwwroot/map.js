// The district map, drawn from our own data as SVG: no tiles, nothing fetched from outside.
// Equirectangular projection fitted to the data's bounding box (x = lon·cos(φ0), y = −lat, which
// is true to within a fraction of a percent across a county). Wheel zooms about the pointer, drag
// pans. Markers keep their on-screen size whatever the zoom: each is drawn at the origin and
// placed with translate(x y) scale(k).

import { t, tr } from './i18n.js';
import { api } from './api.js';
import { s, h, responders } from './dom.js';

const UNITS = 1000; // the fitted bounding box is this many user units wide
const TRAIL_MS = 30 * 60_000;

export class DistrictMap {
  #svg;
  #layers;
  #store;
  #projection = null;
  #view = null;
  #home = null;
  #markers = { devices: [], stations: [], focus: [], vehicles: [] }; // [node, x, y] per layer, for rescaling on zoom
  #dirty = new Set();
  #alarmedKey = '';
  #dataKey = '';
  #devices = [];
  #stations = [];
  #vehicles = new Map();
  #focus = null;
  #pending = false;

  constructor(root, store) {
    this.#store = store;
    this.#svg = s('svg', { id: 'map-svg', class: 'map-svg', role: 'img', 'aria-label': t('map.title') });
    this.#layers = {
      trails: s('g', { class: 'layer-trails', dataset: { layer: 'vehicles' } }),
      devices: s('g', { class: 'layer-devices', dataset: { layer: 'devices' } }),
      stations: s('g', { class: 'layer-stations', dataset: { layer: 'stations' } }),
      focus: s('g', { class: 'layer-focus', dataset: { layer: 'focus' } }),
      vehicles: s('g', { class: 'layer-vehicles', dataset: { layer: 'vehicles' } }),
    };
    this.#svg.append(...Object.values(this.#layers));
    root.querySelector('#map-canvas').append(this.#svg);
    root.querySelector('#map-reset').addEventListener('click', () => this.#setView({ ...this.#home }));
    this.#legend(root.querySelector('#map-legend'));
    this.#panZoom();
    // Redraw the 2,000-odd device markers only when the set of alarmed devices changes.
    store.onChange(() => {
      const key = this.#alarmed().map((a) => `${a.deviceId}:${a.severity}`).sort().join();
      if (key === this.#alarmedKey) return;
      this.#alarmedKey = key;
      this.render(['devices', 'focus']);
    });
  }

  async start() {
    await this.load();
    setInterval(() => this.load(), 15_000);
    const fleet = new EventSource('/api/stream/fleet');
    fleet.addEventListener('position', (e) => {
      try {
        this.#position(JSON.parse(e.data));
      } catch { /* a malformed position is dropped */ }
    });
  }

  async load() {
    try {
      const map = await api.map();
      if (map) {
        this.#devices = map.devices ?? [];
        this.#stations = map.stations ?? [];
        for (const v of map.vehicles ?? []) this.#vehicle(v);
      } else {
        // Before /api/map exists: the registry's devices, and stations and vehicles where served.
        const [devices, stations, vehicles] = await Promise.all([api.devices(), api.stations(), api.vehicles()]);
        this.#devices = (devices ?? []).map((d) => ({ id: d.id, kind: d.kind, site: d.site, lat: d.lat, lon: d.lon, state: 'normal' }));
        this.#stations = stations ?? [];
        for (const v of vehicles ?? []) this.#vehicle(v);
      }
      if (!this.#projection) {
        this.#fit();
        await this.#loadTrails();
      }
      const key = JSON.stringify([this.#devices.map((d) => [d.id, d.state, d.lat, d.lon]), this.#stations]);
      this.render(key === this.#dataKey ? ['vehicles'] : undefined);
      this.#dataKey = key;
    } catch (error) {
      console.warn('map data failed', error);
    }
  }

  async #loadTrails() {
    const to = Date.now();
    await Promise.all([...this.#vehicles.values()].slice(0, 50).map(async (v) => {
      const points = await api.trajectory(v.id, to - TRAIL_MS, to).catch(() => null);
      if (Array.isArray(points) && points.length) v.trail = points.map((p) => ({ t: p.t, lat: p.lat, lon: p.lon }));
    }));
  }

  #vehicle(v) {
    const held = this.#vehicles.get(v.id);
    const trail = held?.trail ?? [];
    const at = v.updatedAt ?? v.t ?? Date.now();
    if (Number.isFinite(v.lat) && Number.isFinite(v.lon) && (trail.length === 0 || trail.at(-1).t < at)) trail.push({ t: at, lat: v.lat, lon: v.lon });
    this.#vehicles.set(v.id, { ...held, ...v, trail });
  }

  #position(p) {
    this.#vehicle({ ...p, updatedAt: p.t });
    const v = this.#vehicles.get(p.id);
    const cutoff = Date.now() - TRAIL_MS;
    while (v.trail.length > 2 && (v.trail[0].t < cutoff || v.trail.length > 500)) v.trail.shift();
    this.render(['vehicles']);
  }

  /** Shows the selected alarm: a ring on its device, dashed lines to the responders sent. */
  focus(alarm, device) {
    this.#focus = alarm ? { alarm, device } : null;
    const p = this.#point(device ?? this.#devices.find((d) => d.id === alarm?.deviceId));
    if (p && this.#view) {
      const v = this.#view;
      if (p[0] < v.x || p[0] > v.x + v.w || p[1] < v.y || p[1] > v.y + v.h) this.#setView({ ...v, x: p[0] - v.w / 2, y: p[1] - v.h / 2 });
    }
    this.render(['focus']);
  }

  /** Redraws the given layers (all by default, e.g. after a language change) at the next frame. */
  render(layers = ['devices', 'stations', 'vehicles', 'focus']) {
    for (const layer of layers) this.#dirty.add(layer);
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.#draw();
    });
  }

  #fit() {
    const pts = [...this.#devices, ...this.#stations, ...this.#vehicles.values()].filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
    if (pts.length === 0) return;
    const lats = pts.map((p) => p.lat);
    const lons = pts.map((p) => p.lon);
    const [latMin, latMax, lonMin, lonMax] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
    const k = Math.cos((((latMin + latMax) / 2) * Math.PI) / 180);
    const spanX = Math.max((lonMax - lonMin) * k, 1e-4);
    const spanY = Math.max(latMax - latMin, 1e-4);
    const scale = UNITS / Math.max(spanX, spanY);
    this.#projection = { lonMin, latMax, k, scale };
    const pad = 0.06 * UNITS;
    this.#home = { x: -pad, y: -pad, w: spanX * scale + 2 * pad, h: spanY * scale + 2 * pad };
    this.#setView({ ...this.#home });
  }

  #point(p) {
    const pr = this.#projection;
    if (!pr || !p || !Number.isFinite(p.lat) || !Number.isFinite(p.lon)) return null;
    return [(p.lon - pr.lonMin) * pr.k * pr.scale, (pr.latMax - p.lat) * pr.scale];
  }

  #setView(view) {
    this.#view = view;
    this.#svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
    this.#rescale();
  }

  /** User units per screen pixel: markers are drawn in pixels and scaled by this. */
  #unitsPerPixel() {
    const ctm = this.#svg.getScreenCTM();
    return ctm && ctm.a ? 1 / ctm.a : (this.#view?.w ?? UNITS) / 800;
  }

  #rescale() {
    const k = this.#unitsPerPixel();
    for (const [node, x, y] of Object.values(this.#markers).flat()) node.setAttribute('transform', `translate(${x} ${y}) scale(${k})`);
  }

  #place(layer, p, cls, shape, title, data) {
    const xy = this.#point(p);
    if (!xy) return;
    const node = s('g', { class: cls, dataset: data }, shape, title ? s('title', {}, title) : null);
    this.#markers[layer.dataset.layer].push([node, xy[0], xy[1]]);
    layer.append(node);
  }

  #alarmed() {
    return [...this.#store.alarms.values()].filter((a) => a.active);
  }

  #draw() {
    const L = this.#layers;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    this.#svg.classList.toggle('empty', !this.#projection);
    if (!this.#projection) {
      this.#fit();
      if (!this.#projection) return;
    }
    if (dirty.has('devices')) this.#drawDevices(L.devices);
    if (dirty.has('stations')) this.#drawStations(L.stations);
    if (dirty.has('vehicles')) this.#drawVehicles(L.vehicles, L.trails);
    if (dirty.has('focus')) this.#drawFocus(L.focus);
    this.#rescale();
  }

  #drawDevices(layer) {
    layer.replaceChildren();
    this.#markers.devices = [];
    const alarmed = new Map();
    for (const a of this.#alarmed()) {
      if (!alarmed.has(a.deviceId) || a.severity === 'critical') alarmed.set(a.deviceId, a);
    }
    const shapes = {
      normal: () => s('circle', { r: 3.5 }),
      alarm: () => [s('circle', { r: 13, class: 'halo' }), s('circle', { r: 7 })],
      fault: () => s('rect', { x: -4.5, y: -4.5, width: 9, height: 9 }),
      offline: () => s('circle', { r: 4, class: 'hollow' }),
    };
    const stateOf = (d) => (alarmed.has(d.id) ? 'alarm' : (d.state ?? 'normal'));
    // Alarmed devices last, so they are drawn on top.
    const ordered = [...this.#devices].sort((a, b) => (stateOf(a) === 'alarm') - (stateOf(b) === 'alarm'));
    for (const d of ordered) {
      const state = stateOf(d);
      this.#place(layer, d, `device dev-${state}`, (shapes[state] ?? shapes.normal)(), `${d.id} · ${tr('map', state)}`, { deviceId: d.id, state });
    }
  }

  #drawStations(layer) {
    layer.replaceChildren();
    this.#markers.stations = [];
    const tierShape = {
      fire_station: () => s('rect', { x: -8, y: -8, width: 16, height: 16 }),
      micro_station: () => s('polygon', { points: '0,-9 8,6 -8,6' }),
      equipment_point: () => s('polygon', { points: '0,-7 7,0 0,7 -7,0' }),
    };
    for (const st of this.#stations) {
      const shape = (tierShape[st.tier] ?? tierShape.equipment_point)();
      this.#place(layer, st, `station tier-${st.tier} status-${st.status ?? 'available'}`, [shape, st.tier === 'fire_station' ? s('text', { x: 11, y: 5, class: 'map-label' }, st.name ?? st.id) : null],
        `${st.name ?? st.id} · ${tr('tier', st.tier)} · ${tr('status', st.status)}`, { stationId: st.id, tier: st.tier });
    }
  }

  #drawVehicles(layer, trails) {
    layer.replaceChildren();
    trails.replaceChildren();
    this.#markers.vehicles = [];
    for (const v of this.#vehicles.values()) {
      const pts = (v.trail ?? []).map((p) => this.#point(p)).filter(Boolean);
      if (pts.length > 1) trails.append(s('polyline', { class: 'trail', points: pts.map((p) => p.join(',')).join(' '), dataset: { vehicleId: v.id } }));
      this.#place(layer, v, `vehicle status-${v.status ?? 'unknown'}`,
        [s('circle', { r: 7 }), s('path', { d: 'M0,-13 L5,-5 L-5,-5 Z', class: 'heading', transform: `rotate(${Number(v.heading) || 0})` }), s('text', { x: 10, y: 4, class: 'map-label' }, v.name ?? v.id)],
        `${v.name ?? v.id} · ${v.speedKmh ?? 0} km/h`, { vehicleId: v.id });
    }
  }

  #drawFocus(layer) {
    layer.replaceChildren();
    this.#markers.focus = [];
    if (!this.#focus) return;
    const { alarm, device } = this.#focus;
    const from = this.#point(device ?? this.#devices.find((d) => d.id === alarm.deviceId));
    if (!from) return;
    for (const r of responders(alarm)) {
      const to = this.#point(r);
      if (to) layer.append(s('line', { class: `dispatch-line role-${r.role}`, x1: from[0], y1: from[1], x2: to[0], y2: to[1] }));
    }
    const node = s('g', { class: 'focus-ring', dataset: { deviceId: alarm.deviceId } }, s('circle', { r: 20 }));
    this.#markers.focus.push([node, from[0], from[1]]);
    layer.append(node);
  }

  #panZoom() {
    const svg = this.#svg;
    svg.addEventListener('wheel', (e) => {
      if (!this.#view) return;
      e.preventDefault();
      const ctm = svg.getScreenCTM();
      if (!ctm) return;
      const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
      const f = Math.exp(Math.sign(e.deltaY) * Math.min(Math.abs(e.deltaY), 200) / 400);
      const v = this.#view;
      const w = Math.min(Math.max(v.w * f, 2), this.#home.w * 4);
      const ratio = w / v.w;
      this.#setView({ x: p.x - (p.x - v.x) * ratio, y: p.y - (p.y - v.y) * ratio, w, h: v.h * ratio });
    }, { passive: false });
    let drag = null;
    svg.addEventListener('pointerdown', (e) => {
      if (!this.#view || e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, view: { ...this.#view }, k: this.#unitsPerPixel() };
      svg.setPointerCapture(e.pointerId);
      svg.classList.add('dragging');
    });
    svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.#setView({ ...drag.view, x: drag.view.x - (e.clientX - drag.x) * drag.k, y: drag.view.y - (e.clientY - drag.y) * drag.k });
    });
    const end = () => {
      drag = null;
      svg.classList.remove('dragging');
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
    new ResizeObserver(() => this.#rescale()).observe(svg);
  }

  #legend(root) {
    const icon = (...shape) => s('svg', { viewBox: '-10 -10 20 20', class: 'legend-icon', 'aria-hidden': 'true' }, ...shape);
    const item = (cls, shape, key) => h('li', { class: cls }, icon(shape), h('span', { 'data-i18n': key }, t(key)));
    root.replaceChildren(h('ul', {},
      item('device dev-normal', s('circle', { r: 3.5 }), 'map.normal'),
      item('device dev-alarm', s('circle', { r: 7 }), 'map.alarm'),
      item('device dev-fault', s('rect', { x: -4.5, y: -4.5, width: 9, height: 9 }), 'map.fault'),
      item('device dev-offline', s('circle', { r: 4, class: 'hollow' }), 'map.offline'),
      item('station tier-fire_station', s('rect', { x: -7, y: -7, width: 14, height: 14 }), 'tier.fire_station'),
      item('station tier-micro_station', s('polygon', { points: '0,-8 7,5 -7,5' }), 'tier.micro_station'),
      item('station tier-equipment_point', s('polygon', { points: '0,-7 7,0 0,7 -7,0' }), 'tier.equipment_point'),
      item('vehicle', s('circle', { r: 6 }), 'map.vehicle')));
  }
}
