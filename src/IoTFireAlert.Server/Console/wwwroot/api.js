// Talks to the server's HTTP API. Two ways to log in, both for this tab only:
// - an API key, kept in sessionStorage (gone when the tab closes) and sent as X-Api-Key on writes;
// - a user and password from the server's configuration: the server answers with an HttpOnly
//   session cookie the page never sees; sessionStorage only remembers the name and role to show.
// Reads need neither.

const KEY = 'iotfire.apiKey';
const OPERATOR = 'iotfire.operator';
const USER_ROLE = 'iotfire.userRole';

export const auth = {
  key: () => sessionStorage.getItem(KEY),
  operator: () => sessionStorage.getItem(OPERATOR) ?? '',
  /** Logged in with a user: the server names the actor itself, so writes send no operator name. */
  isUser: () => !!sessionStorage.getItem(USER_ROLE),
  canWrite: () => !!sessionStorage.getItem(KEY) || !!sessionStorage.getItem(USER_ROLE),
  login(key, operator) {
    sessionStorage.removeItem(USER_ROLE);
    sessionStorage.setItem(KEY, key.trim());
    sessionStorage.setItem(OPERATOR, operator.trim());
  },
  /** POST /api/login; throws ApiError (401 wrong name or password, 429 too many attempts). */
  async loginUser(name, password) {
    const user = await request('POST', '/api/login', { name: name.trim(), password });
    this.rememberUser(user);
  },
  /** A session cookie may outlive the tab's storage (a second tab, a reload): ask the server who we are. */
  async resume() {
    if (this.canWrite()) return;
    try {
      const session = await request('GET', '/api/session');
      if (session.name) this.rememberUser(session);
    } catch {
      /* server unreachable: stay read-only */
    }
  },
  rememberUser(user) {
    sessionStorage.removeItem(KEY);
    sessionStorage.setItem(OPERATOR, user.name);
    sessionStorage.setItem(USER_ROLE, user.role);
  },
  logout() {
    if (this.isUser()) fetch('/api/logout', { method: 'POST', cache: 'no-store' }).catch(() => {});
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(OPERATOR);
    sessionStorage.removeItem(USER_ROLE);
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

/** The operator's name on a write made with a shared key; a user's writes carry the user's own name. */
const signer = () => (auth.isUser() ? null : auth.operator() || null);

export const api = {
  alarms: (query) => request('GET', `/api/alarms?${new URLSearchParams(query)}`),
  alarm: (id) => request('GET', `/api/alarms/${encodeURIComponent(id)}`),
  ack: (id, note) => request('POST', `/api/alarms/${encodeURIComponent(id)}/ack`, { by: signer(), note: note || null }),
  resolve: (id, cause, note) => request('POST', `/api/alarms/${encodeURIComponent(id)}/resolve`, { cause, by: signer(), note: note || null }),
  device: (id) => getOptional(`/api/devices/${encodeURIComponent(id)}`),
  devices: () => request('GET', '/api/devices?limit=10000'),
  telemetry: (id, from, to) => getOptional(`/api/devices/${encodeURIComponent(id)}/telemetry?from=${from}&to=${to}`),
  map: () => getOptional('/api/map'),
  stations: () => getOptional('/api/stations'),
  vehicles: () => getOptional('/api/fleet/vehicles'),
  trajectory: (id, from, to) => getOptional(`/api/fleet/vehicles/${encodeURIComponent(id)}/trajectory?from=${from}&to=${to}`),
  summary: () => getOptional('/api/summary'),
};
