// Staff console page. Every piece of data is rendered with textContent (never innerHTML), so
// nothing a patient or staff member types can run as code; the server's CSP backs this up.
'use strict';

const state = {
  csrf: null,
  user: null,
  items: [],
  currentId: null,
  current: null,
  alerted: new Set(),
  events: null,
  audio: null,
  canned: [],
  sessionRequest: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
  for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

async function api(method, path, body) {
  const options = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method !== 'GET') {
    options.headers['Content-Type'] = 'application/json';
    options.headers['X-CSRF-Token'] = state.csrf || '';
    options.body = JSON.stringify(body || {});
  }
  const response = await fetch(path, options);
  let data = {};
  try { data = await response.json(); } catch (_) { /* empty body */ }
  if (response.status === 401 && path !== '/api/login') {
    state.csrf = null; // that session is gone: the next login asks for a new one first
    await showLogin('Your session ended. Please log in again.');
  }
  if (!response.ok) {
    const failure = new Error(data.error || `The server answered ${response.status}.`);
    failure.status = response.status;
    throw failure;
  }
  return data;
}

function announce(message) {
  $('announcer').textContent = '';
  window.setTimeout(() => { $('announcer').textContent = message; }, 50);
}

function minutesSince(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'under a minute';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function clock(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

const STATUS_TEXT = {
  waiting: 'Waiting for staff',
  claimed: 'With staff',
  handed_back: 'Back with the assistant',
  resolved: 'Resolved',
  withdrawn: 'Withdrawn by the patient',
};

// --- session -----------------------------------------------------------------------------------

// One session request at a time, and never one in flight during a login: its answer may set
// the session cookie, and arriving after the login it would put back the anonymous session.
function loadSession() {
  if (!state.sessionRequest) {
    state.sessionRequest = api('GET', '/api/session')
      .then((data) => {
        state.csrf = data.csrf_token;
        state.user = data.user;
        return data.user;
      })
      .finally(() => { state.sessionRequest = null; });
  }
  return state.sessionRequest;
}

async function showLogin(message) {
  state.user = null;
  if (state.events) { state.events.close(); state.events = null; }
  $('app-view').hidden = true;
  $('account').hidden = true;
  $('urgent-banner').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
  $('login-username').focus();
}

function showApp() {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('account').hidden = false;
  $('whoami').textContent = `${state.user.display_name} (${state.user.role})`;
  $('audit-button').hidden = state.user.role !== 'admin';
  connectEvents();
  loadQueue();
  loadCanned();
}

async function onLogin(event) {
  event.preventDefault();
  unlockAudio();
  $('login-error').textContent = '';
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  if (!username || !password) {
    $('login-error').textContent = 'Enter your user name and password.';
    return;
  }
  try {
    if (state.sessionRequest || !state.csrf) await loadSession();
    const data = await api('POST', '/api/login', { username, password });
    state.csrf = data.csrf_token;
    state.user = data.user;
    $('login-password').value = '';
    showApp();
    $('main').focus();
  } catch (failure) {
    $('login-error').textContent = failure.message;
    if (failure.status === 403) await loadSession();
  }
}

async function onLogout() {
  try { await api('POST', '/api/logout'); } catch (_) { /* logged out anyway */ }
  state.csrf = null;
  state.currentId = null;
  state.current = null;
  $('conversation').hidden = true;
  await showLogin('You are logged out.');
}

// --- live updates and alerts ---------------------------------------------------------------------

function connectEvents() {
  if (state.events) state.events.close();
  const source = new EventSource('/api/events');
  state.events = source;
  source.onopen = () => { $('live-state').textContent = 'Live: updates appear by themselves.'; };
  source.onerror = () => { $('live-state').textContent = 'Reconnecting…'; };
  source.addEventListener('queue', () => { loadQueue(); if (state.currentId) refreshConversation(); });
  source.addEventListener('message', (event) => {
    const data = JSON.parse(event.data);
    if (data.item_id === state.currentId) refreshConversation();
  });
}

function unlockAudio() {
  try {
    if (!state.audio) state.audio = new (window.AudioContext || window.webkitAudioContext)();
    if (state.audio.state === 'suspended') state.audio.resume();
  } catch (_) { state.audio = null; }
}

function beep() {
  if (!state.audio) return;
  const now = state.audio.currentTime;
  for (const offset of [0, 0.3]) {
    const tone = state.audio.createOscillator();
    const gain = state.audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, now + offset);
    gain.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.25);
    tone.connect(gain).connect(state.audio.destination);
    tone.start(now + offset);
    tone.stop(now + offset + 0.25);
  }
}

function alertUrgent(items) {
  const fresh = items.filter((i) => i.priority === 'urgent' && i.status === 'waiting'
    && !state.alerted.has(i.id));
  const waitingUrgent = items.filter((i) => i.priority === 'urgent' && i.status === 'waiting');
  const banner = $('urgent-banner');
  banner.hidden = waitingUrgent.length === 0;
  banner.textContent = waitingUrgent.length
    ? `${waitingUrgent.length} urgent conversation${waitingUrgent.length > 1 ? 's' : ''} waiting: ${waitingUrgent[0].reason_label}.`
    : '';
  if (!fresh.length) return;
  fresh.forEach((i) => state.alerted.add(i.id));
  beep();
  if ('Notification' in window && Notification.permission === 'granted') {
    // No patient details on the desktop notification: screens are seen by others.
    new Notification('Urgent conversation waiting', { body: fresh[0].reason_label, tag: 'urgent' });
  }
}

async function onEnableAlerts() {
  unlockAudio();
  if ('Notification' in window && Notification.permission === 'default') {
    await Notification.requestPermission();
  }
  $('alerts-button').textContent = 'Alerts on';
  $('alerts-button').disabled = true;
}

// --- queue ---------------------------------------------------------------------------------------

async function loadQueue() {
  try {
    const data = await api('GET', '/api/handoffs');
    state.items = data.items;
    renderQueue();
    alertUrgent(state.items);
  } catch (failure) {
    $('live-state').textContent = `Queue not loaded: ${failure.message}`;
  }
}

function patientLabel(item) {
  return item.patient.verified && item.patient.name
    ? `${item.patient.name} (verified)`
    : 'Patient not verified';
}

function renderQueue() {
  const list = $('queue');
  const waiting = state.items.filter((i) => i.status === 'waiting').length;
  $('queue-count').textContent = `(${waiting} waiting, ${state.items.length} open)`;
  $('queue-empty').hidden = state.items.length > 0;
  list.replaceChildren(...state.items.map((item) => {
    const claimed = item.claimed_by ? `Claimed by ${item.claimed_by.name}` : STATUS_TEXT[item.status];
    const button = el('button', {
      className: `queue-item priority-${item.priority} status-${item.status}`,
      attrs: { type: 'button', 'data-id': item.id },
    }, [
      el('span', { className: 'queue-line' }, [
        el('span', { className: `badge ${item.priority}`, text: item.priority.toUpperCase() }),
        el('span', { className: 'badge channel', text: item.channel === 'sms' ? 'SMS' : 'Web chat' }),
        el('span', { className: 'waited', text: `waiting ${minutesSince(item.waiting_since)}`, attrs: { 'data-since': item.waiting_since } }),
      ]),
      el('span', { className: 'reason', text: item.reason_label }),
      el('span', { className: 'queue-line' }, [
        el('span', { text: patientLabel(item) }),
        el('span', { className: 'claimed', text: claimed }),
      ]),
    ]);
    if (item.id === state.currentId) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => openConversation(item.id));
    return el('li', {}, [button]);
  }));
}

function tickWaits() {
  document.querySelectorAll('.waited[data-since]').forEach((node) => {
    node.textContent = `waiting ${minutesSince(node.getAttribute('data-since'))}`;
  });
}

// --- one conversation ----------------------------------------------------------------------------

async function openConversation(id) {
  state.currentId = id;
  $('audit-panel').hidden = true;
  $('conversation').hidden = false;
  renderQueue();
  await refreshConversation();
  $('conversation-title').focus();
}

async function refreshConversation() {
  const id = state.currentId;
  if (!id) return;
  try {
    const data = await api('GET', `/api/handoffs/${encodeURIComponent(id)}`);
    if (id !== state.currentId) return;
    state.current = data;
    renderConversation(data);
  } catch (failure) {
    $('action-error').textContent = failure.message;
  }
}

function fact(term, value) {
  return [el('dt', { text: term }), el('dd', { text: value })];
}

function renderConversation(data) {
  const item = data.item;
  $('conversation-title').textContent = `${item.reason_label}: ${patientLabel(item)}`;
  const facts = [
    ...fact('Status', item.claimed_by ? `${STATUS_TEXT[item.status]} (${item.claimed_by.name})` : STATUS_TEXT[item.status]),
    ...fact('Priority', item.priority),
    ...fact('Team', item.team.replace('_', ' ')),
    ...fact('Channel', item.channel === 'sms' ? 'SMS' : 'Web chat'),
    ...fact('Waiting since', `${clock(item.waiting_since)} (${minutesSince(item.waiting_since)})`),
    ...fact('Conversation id', item.conversation_id),
  ];
  if (item.escalations > 1) facts.push(...fact('Escalations', String(item.escalations)));
  if (item.rating) {
    facts.push(...fact('Patient rating', `${item.rating.score}/5${item.rating.comment ? `: ${item.rating.comment}` : ''}`));
  }
  $('conversation-facts').replaceChildren(...facts);
  $('conversation-summary').textContent = item.summary || '(no summary)';

  renderAppointments(data);
  renderTranscript(data);
  updateControls(item);
}

function renderAppointments(data) {
  const box = $('appointments');
  if (data.appointments_error) {
    box.replaceChildren(el('p', { className: 'muted', text: data.appointments_error }));
  } else if (!data.item.patient.verified) {
    box.replaceChildren(el('p', { className: 'muted', text: 'Not shown: the patient has not verified their identity in this chat.' }));
  } else if (!data.appointments || !data.appointments.length) {
    box.replaceChildren(el('p', { className: 'muted', text: 'No upcoming appointments.' }));
  } else {
    box.replaceChildren(el('ul', { className: 'appointments' }, data.appointments.map((a) => el('li', {
      text: `${clock(a.start)}, ${a.practitioner} at ${a.location}${a.description ? ` (${a.description})` : ''}`,
    }))));
  }
}

function renderTranscript(data) {
  const list = $('transcript');
  $('transcript-error').textContent = data.transcript_error || '';
  const entries = data.transcript || data.staff_messages.map((m) => ({
    kind: 'staff', text: m.text, at: m.at, staff_name: m.staff_name,
  }));
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...entries.map((entry) => {
    const who = {
      patient: 'Patient',
      bot: 'Assistant',
      staff: `${entry.staff_name || 'Staff'} (staff)`,
      system: '',
    }[entry.kind];
    const children = [];
    if (who) children.push(el('div', { className: 'who', text: `${who} · ${clock(entry.at)}` }));
    children.push(el('p', { className: 'text', text: entry.text }));
    if (entry.buttons && entry.buttons.length) {
      children.push(el('div', { className: 'who', text: `Options offered: ${entry.buttons.join(', ')}` }));
    }
    return el('li', { className: `msg ${entry.kind}` }, children);
  }));
  if (atBottom || list.dataset.conversation !== data.item.id) list.scrollTop = list.scrollHeight;
  list.dataset.conversation = data.item.id;
}

function updateControls(item) {
  const mine = item.claimed_by && state.user && item.claimed_by.id === state.user.id;
  const admin = state.user && state.user.role === 'admin';
  const withStaff = item.status === 'waiting' || item.status === 'claimed';
  const mayAct = item.status === 'waiting' || mine || admin;
  $('claim-button').disabled = item.status !== 'waiting';
  $('release-button').disabled = !(item.status === 'claimed' && (mine || admin));
  $('handback-button').disabled = !(withStaff && mayAct);
  $('resolve-button').disabled = item.status === 'resolved' || item.status === 'withdrawn' || (item.status === 'claimed' && !mayAct);
  const canReply = withStaff && mayAct;
  $('reply-text').disabled = !canReply;
  $('reply-button').disabled = !canReply;
  $('canned-select').disabled = !canReply;
}

async function act(path, doneMessage) {
  $('action-error').textContent = '';
  const id = state.currentId;
  try {
    await api('POST', `/api/handoffs/${encodeURIComponent(id)}/${path}`);
    announce(doneMessage);
  } catch (failure) {
    $('action-error').textContent = failure.message;
  }
  await Promise.all([loadQueue(), refreshConversation()]);
}

async function onReply(event) {
  event.preventDefault();
  const text = $('reply-text').value.trim();
  $('reply-error').textContent = '';
  if (!text) {
    $('reply-error').textContent = 'Write a message first.';
    return;
  }
  $('reply-button').disabled = true;
  try {
    await api('POST', `/api/handoffs/${encodeURIComponent(state.currentId)}/reply`, { text });
    $('reply-text').value = '';
    $('canned-select').value = '';
    announce('Reply sent to the patient.');
  } catch (failure) {
    $('reply-error').textContent = failure.message;
  }
  await refreshConversation();
  loadQueue();
}

async function loadCanned() {
  try {
    const data = await api('GET', '/api/canned-replies');
    state.canned = data.replies;
    const select = $('canned-select');
    select.replaceChildren(
      el('option', { text: 'Choose a canned reply…', attrs: { value: '' } }),
      ...data.replies.map((reply, index) => el('option', { text: reply.title, attrs: { value: String(index) } })),
    );
  } catch (_) { /* optional */ }
}

function onCanned() {
  const index = $('canned-select').value;
  if (index === '') return;
  $('reply-text').value = state.canned[Number(index)].text;
  $('reply-text').focus();
}

// --- audit (admins) ------------------------------------------------------------------------------

async function showAudit() {
  try {
    const data = await api('GET', '/api/audit');
    $('audit-rows').replaceChildren(...data.entries.map((entry) => el('tr', {}, [
      el('td', { text: clock(entry.at) }),
      el('td', { text: entry.username }),
      el('td', { text: entry.action.replace('_', ' ') }),
      el('td', { text: entry.conversation_id || '' }),
      el('td', { text: entry.detail || '' }),
    ])));
    $('conversation').hidden = true;
    $('audit-panel').hidden = false;
    $('audit-title').focus();
  } catch (failure) {
    announce(failure.message);
  }
}

// --- start ---------------------------------------------------------------------------------------

function start() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout-button').addEventListener('click', onLogout);
  $('alerts-button').addEventListener('click', onEnableAlerts);
  $('audit-button').addEventListener('click', showAudit);
  $('audit-close').addEventListener('click', () => {
    $('audit-panel').hidden = true;
    if (state.currentId) $('conversation').hidden = false;
  });
  $('claim-button').addEventListener('click', () => act('claim', 'Claimed. The conversation is yours.'));
  $('release-button').addEventListener('click', () => act('release', 'Released to the queue.'));
  $('handback-button').addEventListener('click', () => act('handback', 'Handed back to the assistant.'));
  $('resolve-button').addEventListener('click', () => act('resolve', 'Resolved. The patient was asked for a rating.'));
  $('reply-form').addEventListener('submit', onReply);
  $('canned-select').addEventListener('change', onCanned);
  $('reply-text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) $('reply-form').requestSubmit();
  });
  window.setInterval(tickWaits, 30000);
  loadSession()
    .then((user) => (user ? showApp() : showLogin()))
    .catch(() => showLogin('The console is not answering. Reload the page in a moment.'));
}

document.addEventListener('DOMContentLoaded', start);
