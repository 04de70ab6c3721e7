// The dispatch console: wires the queue, the map, the detail panel and the header together.

import { t, lang, setLang, onLangChange, applyStatic } from './i18n.js';
import { auth, ApiError } from './api.js';
import { countdown } from './dom.js';
import { AlarmStore } from './alarms.js';
import { AlarmQueue } from './queue.js';
import { AlarmDetail } from './detail.js';
import { DistrictMap } from './map.js';
import { LiveFigures } from './summary.js';
import { Siren } from './siren.js';

const $ = (selector) => document.querySelector(selector);
const body = document.body;

applyStatic(document);

const store = new AlarmStore();
const siren = new Siren();
const map = new DistrictMap($('#map'), store);
const detail = new AlarmDetail($('#detail'), store, {
  onAuthLost: () => showAuth(),
  onShown: (data) => map.focus(data.alarm, data.device),
});
const queue = new AlarmQueue(store, $('#queue'), (id) => detail.show(id));
const figures = new LiveFigures($('#figures'), store, (id) => queue.select(Number(id)));

// The siren sounds while any critical alarm is unacknowledged; muting stops the sound only.
function updateSiren() {
  const critical = [...store.alarms.values()].some((a) => a.active && a.state === 'active' && a.severity === 'critical');
  siren.set(critical);
}
store.onChange(updateSiren);
siren.onState = () => {
  body.dataset.sounding = String(siren.sounding && !siren.muted);
  body.dataset.muted = String(siren.muted);
  const button = $('#mute-toggle');
  button.textContent = siren.muted ? t('sound.unmute') : t('sound.mute');
  button.setAttribute('aria-pressed', String(siren.muted));
  $('#sound-status').textContent = siren.muted ? t('sound.muted') : siren.blocked ? t('sound.blocked') : '';
};
$('#mute-toggle').addEventListener('click', () => siren.toggleMute());
siren.onState();

store.onConnection((live) => {
  const node = $('#connection');
  node.dataset.live = String(live);
  node.textContent = live ? `● ${t('conn.live')}` : `○ ${t('conn.reconnecting')}`;
});

// Login with an API key or a configured user; without either the console is read-only.
function showAuth() {
  const loggedIn = auth.canWrite();
  body.dataset.readonly = String(!loggedIn);
  $('#login-form').hidden = loggedIn;
  $('#logged-in').hidden = !loggedIn;
  $('#operator-name').textContent = auth.operator() || t('login.as');
  showLoginMode();
  detail.render();
}
// The same two fields serve both ways: operator name + API key, or user name + password.
function showLoginMode() {
  const user = $('#login-mode').value === 'user';
  $('#operator-input').placeholder = t(user ? 'login.user' : 'login.operator');
  $('#key-input').placeholder = t(user ? 'login.password' : 'login.key');
}
$('#login-mode').addEventListener('change', () => {
  $('#login-error').textContent = '';
  showLoginMode();
});
$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('#operator-input').value;
  const secret = $('#key-input').value;
  if (!secret.trim()) return;
  $('#login-error').textContent = '';
  if ($('#login-mode').value === 'user') {
    try {
      await auth.loginUser(name, secret);
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      $('#login-error').textContent = t(status === 429 ? 'error.tooManyLogins' : status === 401 ? 'error.badLogin' : 'error.failed');
      return;
    }
  } else {
    auth.login(secret, name);
  }
  $('#key-input').value = '';
  showAuth();
});
$('#logout-button').addEventListener('click', () => {
  auth.logout();
  showAuth();
});
showAuth();
auth.resume().then(showAuth);

$('#lang-toggle').addEventListener('click', () => setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN'));
onLangChange(() => {
  queue.render();
  detail.render();
  map.render();
  figures.render();
  siren.onState();
  showAuth();
  $('#connection').textContent = store.connected ? `● ${t('conn.live')}` : `○ ${t('conn.reconnecting')}`;
});

// One ticker for every countdown on the page (dispatch deadlines).
setInterval(tick, 1000);
function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll('.countdown[data-deadline]')) {
    const deadline = Number(node.dataset.deadline);
    const text = countdown(deadline, now);
    // Only on change: the observer below would otherwise see its own writes forever.
    if (node.textContent !== text) node.textContent = text;
    node.classList.toggle('overdue', deadline < now);
    node.classList.toggle('soon', deadline >= now && deadline - now < 60_000);
  }
}
new MutationObserver(tick).observe(document.body, { childList: true, subtree: true });

store.connect();
figures.start();
map.start();
body.dataset.ready = 'true';
