// Talks to the server's HTTP API. The API key (if any) lives in sessionStorage: it is gone when the
// tab closes, and it is sent as X-Api-Key on writes only. Reads need no key.

const KEY = 'iotfire.apiKey';
const OPERATOR = 'iotfire.operator';

export const auth = {
  key: () => sessionStorage.getItem(KEY),
  operator: () => sessionStorage.getItem(OPERATOR) ?? '',
  canWrite: () => !!sessionStorage.getItem(KEY),
  login(key, operator) {
    sessionStorage.setItem(KEY, key.trim());
    sessionStorage.setItem(OPERATOR, operator.trim());
  },
  logout() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(OPERATOR);
  },
};

export class ApiError extends Error {
  constructor(status, title) {
    super(title || `HTTP ${status}`);
    this.status = status;
  }
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && auth.key()) headers['X-Api-Key'] = auth.key();
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  if (!response.ok) {
    let title = '';
    try { title = (await response.json()).title ?? ''; } catch { /* not a problem document */ }
    throw new ApiError(response.status, title);
  }
  return response.status === 204 ? null : response.json();
}

/** GET that answers null on 404: parts of the API arrive later, and the console works without them. */
export async function getOptional(path) {
  try {
    return await request('GET', path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export const api = {
  alarms: (query) => request('GET', `/api/alarms?${new URLSearchParams(query)}`),
  alarm: (id) => request('GET', `/api/alarms/${encodeURIComponent(id)}`),
  ack: (id, note) => request('POST', `/api/alarms/${encodeURIComponent(id)}/ack`, { by: auth.operator() || null, note: note || null }),
  resolve: (id, cause, note) => request('POST', `/api/alarms/${encodeURIComponent(id)}/resolve`, { cause, by: auth.operator() || null, note: note || null }),
  device: (id) => getOptional(`/api/devices/${encodeURIComponent(id)}`),
  devices: () => request('GET', '/api/devices?limit=10000'),
  telemetry: (id, from, to) => getOptional(`/api/devices/${encodeURIComponent(id)}/telemetry?from=${from}&to=${to}`),
  map: () => getOptional('/api/map'),
  stations: () => getOptional('/api/stations'),
  vehicles: () => getOptional('/api/fleet/vehicles'),
  trajectory: (id, from, to) => getOptional(`/api/fleet/vehicles/${encodeURIComponent(id)}/trajectory?from=${from}&to=${to}`),
  summary: () => getOptional('/api/summary'),
};
