// The dispatch console: wires the queue, the map, the detail panel and the header together.

import { t, lang, setLang, onLangChange, applyStatic } from './i18n.js';
import { auth } from './api.js';
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

// Login with an API key; without one the console is read-only.
function showAuth() {
  const loggedIn = auth.canWrite();
  body.dataset.readonly = String(!loggedIn);
  $('#login-form').hidden = loggedIn;
  $('#logged-in').hidden = !loggedIn;
  $('#operator-name').textContent = auth.operator() || t('login.as');
  detail.render();
}
$('#login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('#key-input').value;
  if (!key.trim()) return;
  auth.login(key, $('#operator-input').value);
  $('#key-input').value = '';
  showAuth();
});
$('#logout-button').addEventListener('click', () => {
  auth.logout();
  showAuth();
});
showAuth();

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
