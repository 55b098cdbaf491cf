// PhotoQueue dashboard: plain JavaScript, no build step. Live data comes from /api/events (SSE)
// and a once-a-second read of /api/queue; admin actions send the token typed in the header.
'use strict';

const $ = (id) => document.getElementById(id);
const SAMPLES = ['Aqua.jpg', 'Dune.jpg', 'FreshFlower.jpg', 'Garden.jpg', 'GreenMeadow.jpg', 'LadyBird.jpg',
  'TwoWings.jpg', 'YellowFlower.jpg'];
const CITIES = ['Lisbon', 'Porto', 'Braga', 'Faro', 'Coimbra'];
const RATE_POINTS = 60;
const state = { photos: new Map(), timings: { async: [], sync: [] }, lastQueue: null, lastTick: 0, journeyId: null,
  settings: null, stream: 'connecting', refreshError: null, progressHidden: 0, resizes: 0,
  settingsWrites: 0, embedded: null };

// ---------- helpers ----------
function adminHeaders() {
  const token = $('admin-token').value.trim();
  sessionStorage.setItem('photoqueue.token', token);
  return token ? { Authorization: 'Bearer ' + token } : {};
}

// A refusal reads "<status> <why>": the server's detail, but for a 401, whose detail speaks of the
// Authorization header, told as what to do on the page. The status leads every refusal alike, so a
// 401 stays told apart from the others.
async function api(method, path, body) {
  const token = adminHeaders();
  const headers = Object.assign({ 'Content-Type': 'application/json' }, token);
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401) {
    throw new Error('401 ' + (token.Authorization
      ? 'the admin token typed at the top of the page is not the server\'s: correct it there and try again'
      : 'this action needs the admin token: type it in the admin token field at the top of the page'));
  }
  if (!response.ok) {
    throw new Error(response.status + ' ' + (data && data.detail ? data.detail : response.statusText));
  }
  return data;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// What a table with nothing to show has instead of bare headers: one row across it saying what
// would appear there.
function emptyRow(columns, text) {
  const row = el('tr', null, 'empty muted');
  const cell = el('td', text);
  cell.colSpan = columns;
  row.append(cell);
  return row;
}

function logEvent(text) {
  const list = $('events');
  list.prepend(el('li', new Date().toLocaleTimeString() + '  ' + text));
  while (list.children.length > 200) list.lastChild.remove();
}

// What an admin action did, shown in the card of the control that asked for it (a line at the foot
// of another card goes unseen) and kept in the events.
function showAdmin(text, isError, where = 'admin-status') {
  $(where).textContent = text;
  $(where).className = isError ? 'error' : 'muted';
  logEvent(text);
}

// Controls of a form the user changed and has not applied yet. The once-a-second refresh shows the
// server's value in every other control, so editing one field never undoes the edit of another.
const edited = new Set();

function trackEdits(form) {
  const note = (e) => { if (e.target.id) edited.add(e.target.id); };
  form.addEventListener('input', note);
  form.addEventListener('change', note);
}

function forgetEdits(form) {
  for (const control of form.elements) edited.delete(control.id);
}

// Exactly-once needs ordered consumption: the server refuses it with shared (400, and a settings
// file holding the pair stops the start), so the form never offers the pair. While one of the two
// is shown, the other's option that cannot run beside it is disabled, its title giving the
// server's reason, so the user sees why before pressing Apply.
const NEEDS_ORDERED = 'exactly-once needs consumption ordered, not shared: a shared record\'s lock cannot be'
  + ' acknowledged in a transaction';

function refusedPair(delivery, consumption) {
  return delivery === 'exactly-once' && consumption === 'shared';
}

function offerRunnableSettings() {
  const exactlyOnce = $('delivery').querySelector('option[value="exactly-once"]');
  const shared = $('consumption').querySelector('option[value="shared"]');
  exactlyOnce.disabled = refusedPair('exactly-once', $('consumption').value);
  exactlyOnce.title = exactlyOnce.disabled ? NEEDS_ORDERED : '';
  shared.disabled = refusedPair($('delivery').value, 'shared');
  shared.title = shared.disabled ? NEEDS_ORDERED : '';
}

// Shows the server's delivery and consumption but where the user changed one. An edit that the
// server's other value (another client changed it) turns into the refused pair is given up, and
// said: the form shows what runs rather than a pair that Apply could only have refused.
function showServerDelivery(settings) {
  const shown = (id) => (edited.has(id) ? $(id).value : settings[id]);
  if (refusedPair(shown('delivery'), shown('consumption'))) {
    const mine = edited.has('delivery') ? 'delivery' : 'consumption';
    const theirs = mine === 'delivery' ? 'consumption' : 'delivery';
    edited.delete('delivery');
    edited.delete('consumption');
    showAdmin(mine + ' ' + $(mine).value + ' not applied: the server now runs ' + theirs + ' ' + settings[theirs]
      + ', and ' + NEEDS_ORDERED, true);
  }
  showServerValue('delivery', settings.delivery);
  showServerValue('consumption', settings.consumption);
  offerRunnableSettings();
}

function showServerValue(id, value) {
  if (edited.has(id)) return;
  const control = $(id);
  if (control.type === 'checkbox') control.checked = value;
  else control.value = value;
}

// ---------- uploads ----------
function upload(file, { sync = false, user, city, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name || 'photo.jpg');
    if (user) form.append('user', user);
    if (city) form.append('city', city);
    const xhr = new XMLHttpRequest();
    const started = performance.now();
    xhr.open('POST', '/api/photos' + (sync ? '?mode=sync' : ''));
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      const millis = performance.now() - started;
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = { detail: xhr.responseText }; }
      if (xhr.status === 201 || xhr.status === 202) {
        resolve({ body, millis, status: xhr.status });
      } else {
        reject(new Error(xhr.status + ' ' + (body.detail || body.error || '')));
      }
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(form);
  });
}

function recordTiming(kind, millis) {
  const list = state.timings[kind];
  list.push(millis);
  const avg = list.reduce((a, b) => a + b, 0) / list.length;
  $(kind + '-last').textContent = millis.toFixed(1) + ' ms';
  $(kind + '-avg').textContent = avg.toFixed(1) + ' ms';
  $(kind + '-n').textContent = list.length;
}

// The upload lines the progress list keeps, newest first; the older ones are counted under it, so
// that a long session of uploads does not push the rest of the page away.
const PROGRESS_SHOWN = 10;

function addProgressLine(row) {
  const list = $('progress');
  list.prepend(row);
  while (list.children.length > PROGRESS_SHOWN) {
    list.lastChild.remove();
    state.progressHidden++;
  }
  const hidden = state.progressHidden;
  $('progress-hidden').hidden = hidden === 0;
  $('progress-hidden').textContent = hidden + ' earlier upload' + (hidden === 1 ? '' : 's') + ' not shown';
}

async function uploadFiles(files) {
  const user = $('user-input').value;
  const city = $('city-input').value;
  for (const file of files) {
    const row = el('li');
    const bar = el('progress');
    bar.max = 1;
    bar.value = 0;
    const label = el('span', file.name);
    row.append(bar, label);
    addProgressLine(row);
    try {
      const result = await upload(file, { user, city, onProgress: (p) => { bar.value = p; } });
      bar.value = 1;
      label.textContent = file.name + ': ' + result.body.status + ' on partition ' + result.body.partition
        + ' at offset ' + result.body.offset + ' (' + result.millis.toFixed(0) + ' ms)';
      recordTiming('async', result.millis);
      noteAccepted(result.body);
    } catch (e) {
      label.textContent = file.name + ': ' + e.message;
      label.className = 'error';
    }
  }
}

async function compare() {
  const chosen = $('file-input').files[0] || await sampleFile('GreenMeadow.jpg');
  try {
    const sync = await upload(chosen, { sync: true, user: $('user-input').value, city: $('city-input').value });
    recordTiming('sync', sync.millis);
    noteAccepted(sync.body);
    const async = await upload(chosen, { user: $('user-input').value, city: $('city-input').value });
    recordTiming('async', async.millis);
    noteAccepted(async.body);
    logEvent('sync ' + sync.millis.toFixed(1) + ' ms vs async ' + async.millis.toFixed(1) + ' ms');
  } catch (e) {
    logEvent('compare failed: ' + e.message);
  }
}

async function sampleFile(name) {
  const response = await fetch('/samples/' + name);
  if (!response.ok) throw new Error('sample ' + name + ': ' + response.status);
  return new File([await response.blob()], name, { type: 'image/jpeg' });
}

async function generateLoad(event) {
  event.preventDefault();
  const count = Number($('load-count').value);
  const key = $('load-key').value;
  try {
    // an admin change only when the key changes: the uploads themselves need no admin token
    if (!state.settings || state.settings.partitionKey !== key) {
      state.settings = await api('PUT', '/api/settings', { partitionKey: key });
      state.settingsWrites++;
    }
    forgetEdits($('load-form'));
  } catch (e) {
    $('load-status').textContent = 'cannot set the partition key: ' + e.message;
    return;
  }
  const files = await Promise.all(SAMPLES.map(sampleFile));
  let accepted = 0;
  let refused = 0;
  const pending = [];
  for (let i = 0; i < count; i++) {
    // one city takes most photos, so keying by city makes a hot partition
    const city = Math.random() < 0.7 ? CITIES[0] : CITIES[1 + Math.floor(Math.random() * (CITIES.length - 1))];
    const user = 'user' + (i % 7);
    pending.push(upload(files[i % files.length], { user, city }).then((r) => {
      accepted++;
      recordTiming('async', r.millis);
      noteAccepted(r.body);
    }, () => { refused++; }).finally(() => {
      $('load-status').textContent = accepted + ' accepted, ' + refused + ' refused of ' + count + ' (key ' + key + ')';
    }));
    if (pending.length >= 4) await pending.shift();
  }
  await Promise.all(pending);
}

// ---------- gallery ----------
// The answer to an upload can reach the page after the photo's own events (a worker may be done
// before the answer's trip ends), and it is never newer than they are: it only adds a photo the
// page does not know yet, instead of setting a DONE photo back to QUEUED.
function noteAccepted(body) {
  if (!state.photos.has(body.id)) notePhoto(Object.assign({ variants: {} }, body));
}

function notePhoto(photo) {
  const known = state.photos.get(photo.id);
  // a list read before a live event arrived is older than what that event showed: it changes nothing
  if (known && Date.parse(photo.updatedAt) < Date.parse(known.updatedAt)) return;
  const merged = Object.assign({}, known, photo);
  state.photos.set(photo.id, merged);
  let item = document.querySelector('[data-photo="' + CSS.escape(photo.id) + '"]');
  if (!item) {
    item = el('li');
    item.dataset.photo = photo.id;
    item.append(el('div', 'waiting', 'frame'), el('div', '', 'status'), el('div', photo.id.slice(0, 12), 'muted'));
    item.title = 'the journey of photo ' + photo.id;
    item.addEventListener('click', () => showJourney(photo.id));
    $('gallery').prepend(item);
    while ($('gallery').children.length > 60) $('gallery').lastChild.remove();
  }
  const status = item.querySelector('.status');
  // a processed photo stays DONE, but not simply DONE while its job lies in the dead-letter queue
  const jobDead = merged.deadLettered && merged.status !== 'DEAD_LETTERED';
  const mark = jobDead ? ' (job dead-lettered)' : merged.duplicate ? ' (duplicate: done before)' : '';
  status.textContent = merged.status + mark + (merged.error ? ': ' + merged.error : '');
  status.title = merged.error || '';
  status.className = 'status status-' + merged.status + (jobDead ? ' status-dead-lettered' : '');
  const thumb = merged.variants && merged.variants.thumb;
  if (thumb) {
    let img = item.querySelector('img');
    if (!img) {
      img = el('img');
      img.alt = 'thumbnail of ' + photo.id;
      item.querySelector('.frame').replaceWith(img);
    }
    // a photo rendered again by another worker version (a replay after a fix) has a new URL: each
    // version's file has its own, so the browser fetches the new bytes instead of a cached image
    if (img.getAttribute('src') !== thumb) img.src = thumb;
    item.querySelector('.muted').textContent = photo.id.slice(0, 12) + ' · ' + versionOf(thumb);
  }
}

// The journey of one photo (GET /api/photos/{id}/journey): one line per step, refreshed while shown.
async function showJourney(id) {
  state.journeyId = id;
  $('journey-card').hidden = false;
  $('journey-id').textContent = id.slice(0, 12);
  await refreshJourney();
  $('journey-card').scrollIntoView({ block: 'nearest' });
}

async function refreshJourney() {
  const id = state.journeyId;
  if (!id) return;
  try {
    const [journey, photo] = await Promise.all([api('GET', '/api/photos/' + encodeURIComponent(id) + '/journey'),
      api('GET', '/api/photos/' + encodeURIComponent(id))]);
    $('journey-status').textContent = photo.status + (photo.duplicate ? ', duplicate' : '')
      + (photo.deadLettered && photo.status !== 'DEAD_LETTERED' ? ', job dead-lettered' : '');
    // each step with its time and the time since the step before: the hops of the photo
    let previous = null;
    $('journey').replaceChildren(...journey.steps.map((step) => {
      const at = new Date(step.at);
      const details = Object.entries(step).filter(([k]) => k !== 'at' && k !== 'what')
        .map(([k, v]) => JOURNEY_TIMES.has(k) ? k + ' ' + clockTime(new Date(v)) + ' (' + signedMs(new Date(v) - at) + ')'
          : k === 'processingMs' ? 'processing ' + v + ' ms' : k + ' ' + v).join(', ');
      const li = el('li', '', 'step step-' + step.what);
      li.append(el('time', clockTime(at)), el('span', previous === null ? '' : ' ' + signedMs(at - previous), 'hop'),
        el('strong', ' ' + step.what + ' '), el('span', details, 'muted'));
      previous = at;
      return li;
    }));
  } catch (e) {
    $('journey-status').textContent = e.message;
  }
}

/** Journey details that are times: shown as clock times, with their distance from their step's own time. */
const JOURNEY_TIMES = new Set(['received', 'stored', 'shown']);

// The milliseconds follow the seconds (07:28:34.168 PM), not the day period (7:28:34 PM.168).
function clockTime(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
}

function signedMs(ms) {
  return (ms < 0 ? '-' : '+') + Math.abs(ms) + ' ms';
}

/** The worker version that made a variant, from its URL: /photos/<id>/<version>/<name>.jpg, or v1's /photos/<id>/<name>.jpg. */
function versionOf(url) {
  const parts = url.split('/');
  return parts.length === 5 ? parts[3] : 'v1';
}

// ---------- live events ----------
function connectEvents() {
  const source = new EventSource('/api/events');
  source.addEventListener('hello', () => {
    showLive('connected', state.refreshError);
    // The server says hello once this stream receives every later change, so the list read now misses
    // nothing: neither a photo that changed before the stream first opened (the read at page load may
    // be answered before it opens) nor one that changed while it was down (a restart).
    loadRecent();
  });
  source.addEventListener('photo', (e) => {
    const photo = JSON.parse(e.data);
    notePhoto(photo);
    logEvent(photo.status + ' ' + photo.id + (photo.partition >= 0
      ? ' (partition ' + photo.partition + ', ' + (photo.attempts ? 'delivery ' + photo.attempts : 'next in line') + ')'
      : ' (sync)'));
  });
  source.onerror = () => showLive('reconnecting', state.refreshError);
}

// ---------- queue, group, charts ----------
let partitionChart = null;
let rateChart = null;

function makeCharts() {
  if (!window.Chart) {
    // Said on the page rather than left as two blank boxes: the chart library did not load.
    for (const id of ['partition-chart', 'rate-chart']) {
      $(id).replaceWith(el('p', 'Chart unavailable: the chart library (/webjars/chart.js) did not load.',
        'charts-missing'));
    }
    logEvent('charts unavailable: the chart library did not load');
    return;
  }
  partitionChart = new Chart($('partition-chart'), {
    type: 'bar',
    data: { labels: [], datasets: [
      { label: 'end offset', data: [], backgroundColor: '#9db7ea' },
      { label: 'committed', data: [], backgroundColor: '#2e8b57' },
      { label: 'lag', data: [], backgroundColor: '#c83737' }] },
    options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } }
  });
  rateChart = new Chart($('rate-chart'), {
    type: 'line',
    data: { labels: [], datasets: [
      { label: 'produced / s', data: [], borderColor: '#2f6fde', tension: .2 },
      { label: 'processed / s', data: [], borderColor: '#2e8b57', tension: .2 },
      { label: 'lag', data: [], borderColor: '#c83737', yAxisID: 'lag', tension: .2 }] },
    options: { animation: false, responsive: true, scales: {
      y: { beginAtZero: true, title: { display: true, text: 'records / s' } },
      lag: { beginAtZero: true, position: 'right', title: { display: true, text: 'lag' } } } }
  });
}

function groupById(queue, id) {
  return queue.groups.find((g) => g.id === id);
}

function updateQueue(queue) {
  $('fact-backend').textContent = queue.backend;
  const select = $('group-select');
  const ids = queue.groups.map((g) => g.id);
  for (const target of [select, $('replay-group')]) {
    const wanted = target === select ? ids : ids.concat(['status-view']);
    if ([...target.options].map((o) => o.value).join() !== wanted.join()) {
      const keep = target.value;
      target.replaceChildren(...wanted.map((id) => { const o = el('option', id); o.value = id; return o; }));
      if (wanted.includes(keep)) target.value = keep;
      else if (wanted.includes('thumbnailers')) target.value = 'thumbnailers';
    }
  }
  const group = groupById(queue, select.value) || groupById(queue, 'thumbnailers');
  const uploaded = queue.topics.find((t) => t.name === 'photo.uploaded');
  // each group is drawn over the topic it consumes: thumbnailers over photo.uploaded, and so on
  const topicName = group && group.partitions.length ? group.partitions[0].topic : 'photo.uploaded';
  const topic = queue.topics.find((t) => t.name === topicName);
  $('chart-topic').textContent = topicName;
  if (partitionChart && topic) {
    const rows = topic.partitions.map((p) => {
      const progress = group ? group.partitions.find((x) => x.topic === topicName && x.partition === p.partition) : null;
      const committed = progress ? Math.max(progress.committed, 0) : 0;
      return { label: 'p' + p.partition, end: p.end, committed, lag: progress ? progress.lag : p.end - p.start };
    });
    partitionChart.data.labels = rows.map((r) => r.label);
    partitionChart.data.datasets[0].data = rows.map((r) => r.end);
    partitionChart.data.datasets[1].data = rows.map((r) => r.committed);
    partitionChart.data.datasets[2].data = rows.map((r) => r.lag);
    partitionChart.update();
  }
  const thumbnailers = groupById(queue, 'thumbnailers');
  $('fact-backlog').textContent = thumbnailers ? thumbnailers.totalLag : '-';
  const shown = thumbnailers ? thumbnailers.members : [];
  // drawn again only when they change, so that a crash button is never replaced under the pointer
  if (JSON.stringify([shown, state.embedded]) !== drawnMembers) drawMembers(shown);
  updateRates(queue, uploaded, thumbnailers);
}

// Delivery, consumption and worker version are this app's: a PUT /api/settings changes the workers
// embedded in it. Members of thumbnailers from other processes (worker.jar) keep the settings they
// started with, so the card says how many there are rather than let Apply seem to reach them.
function showSettingsReach(queue, workers) {
  const thumbnailers = groupById(queue, 'thumbnailers');
  const others = thumbnailers ? thumbnailers.members.filter(ofAnotherProcess).length : 0;
  $('settings-reach').textContent = others === 0 ? ''
    : 'delivery, consumption and worker version apply to the ' + workers.count
      + (workers.count === 1 ? ' worker' : ' workers') + ' of this app; ' + (others === 1
      ? '1 other member of thumbnailers, in another process (worker.jar), keeps the settings it started with'
      : others + ' other members of thumbnailers, in other processes (worker.jar), keep the settings they'
        + ' started with');
}

// Whether a member of thumbnailers is not one of this app's embedded workers (GET /api/workers,
// last read): a worker.jar process. Unknown before the first read: counted as this app's.
function ofAnotherProcess(member) {
  return state.embedded !== null && !state.embedded.includes(member.clientId);
}

// The members last drawn, as JSON.
let drawnMembers = null;

function drawMembers(members) {
  drawnMembers = JSON.stringify([members, state.embedded]);
  if (members.length === 0) {
    $('members').replaceChildren(emptyRow(3,
      'no workers in the group: + worker adds one, shown here with its partitions'));
    return;
  }
  $('members').replaceChildren(...members.map((m) => {
    const row = el('tr');
    const crash = el('button', 'crash', 'secondary');
    crash.type = 'button';
    crash.title = 'die in the middle of the next photo: no ack, no heartbeat';
    // a member of another process (worker.jar) is not this app's to crash: POST would answer 404
    if (ofAnotherProcess(m)) {
      crash.disabled = true;
      crash.title = 'a worker of another process (worker.jar): crash it where it runs, e.g. scripts/topology.sh'
        + ' kill-worker';
    }
    crash.addEventListener('click', () => api('POST', '/api/workers/' + encodeURIComponent(m.clientId) + '/crash',
      { mode: 'thread' }).then(() => showAdmin(m.clientId + ' dies at its next photo', false, 'group-status'),
      (e) => showAdmin(e.message, true, 'group-status')));
    const action = el('td');
    action.append(crash);
    row.append(el('td', m.clientId), el('td', m.partitions.join(', ') || '(none)'), action);
    return row;
  }));
}

function updateRates(queue, uploaded, thumbnailers) {
  const now = performance.now();
  const produced = uploaded ? uploaded.partitions.reduce((s, p) => s + p.end, 0) : 0;
  const processed = thumbnailers ? thumbnailers.partitions.reduce((s, p) => s + Math.max(p.committed, 0), 0) : 0;
  const lag = thumbnailers ? thumbnailers.totalLag : 0;
  if (rateChart && state.lastQueue) {
    const seconds = (now - state.lastTick) / 1000;
    const d = rateChart.data;
    d.labels.push(new Date().toLocaleTimeString());
    d.datasets[0].data.push(Math.max(0, (produced - state.lastQueue.produced) / seconds));
    d.datasets[1].data.push(Math.max(0, (processed - state.lastQueue.processed) / seconds));
    d.datasets[2].data.push(lag);
    if (d.labels.length > RATE_POINTS) {
      d.labels.shift();
      d.datasets.forEach((s) => s.data.shift());
    }
    rateChart.update();
  }
  state.lastQueue = { produced, processed };
  state.lastTick = now;
}

async function refresh() {
  const resizesBefore = state.resizes;
  const settingsWritesBefore = state.settingsWrites;
  try {
    const [queue, workers, read, dlq, chaos] = await Promise.all([api('GET', '/api/queue'), api('GET', '/api/workers'),
      api('GET', '/api/settings'), api('GET', '/api/dlq'), api('GET', '/api/chaos')]);
    // a read begun before the answer to a settings change may be older than it: that answer is what runs
    const settings = state.settingsWrites === settingsWritesBefore ? read : state.settings;
    state.embedded = workers.workers;
    updateQueue(queue);
    showSettingsReach(queue, workers);
    // a read begun before the answer to a resize may be older than it: that answer set the buttons
    if (state.resizes === resizesBefore) showWorkerButtons(workers);
    $('fact-workers').textContent = workers.count + ' of ' + workers.target
      + (workers.restarting ? ', ' + workers.restarting + ' restarting' : '')
      + (workers.restarts ? ' (' + workers.restarts + ' restarted after a crash)' : '');
    $('fact-delivery').textContent = settings.delivery + ', ' + settings.consumption;
    $('guarantee-now').textContent = settings.delivery;
    document.querySelectorAll('[data-guarantee]').forEach((row) =>
      row.classList.toggle('current', row.dataset.guarantee === settings.delivery));
    state.settings = settings;
    showServerDelivery(settings);
    showServerValue('max-backlog', settings.maxBacklog);
    $('fact-version').textContent = settings.workerVersion;
    showServerValue('worker-version', settings.workerVersion);
    updateVersionRuns(settings.workerVersions);
    showServerValue('autoscale', settings.autoscale);
    // the server's bounds (WORKERS, at least 1, to 8 or WORKERS if more), not ones written into the page
    $('autoscale-max').textContent = workers.autoscaleMin + ' to ' + workers.autoscaleMax + ' workers';
    showServerValue('load-key', settings.partitionKey);
    showServerValue('chaos-mode', chaos.mode);
    showServerValue('chaos-probability', Math.round(chaos.probability * 100));
    showServerValue('chaos-crashes', chaos.crashes);
    showServerValue('chaos-point', chaos.point);
    showServerValue('chaos-pattern', chaos.namePattern || '');
    updateDeadLetters(dlq);
    updateStats(await api('GET', '/api/stats'));
    updateCluster(await api('GET', '/api/cluster'));
    refreshJourney();
    showLive(state.stream, null);
  } catch (e) {
    // fetch rejects with a TypeError only when no answer came: the server is down or restarting
    showLive(state.stream, e instanceof TypeError ? 'server unreachable' : 'error: ' + e.message);
  }
}

// The header's "live": a failed refresh says why until a refresh succeeds again, else the event
// stream's state (connected, reconnecting). The two used to overwrite each other, and an error
// stayed after the server was back.
function showLive(stream, refreshError) {
  state.stream = stream;
  state.refreshError = refreshError;
  $('fact-live').textContent = refreshError || stream;
}

// The replay starts at the time typed below it, an hour ago, or exactly where a worker version
// started: the moment a bug came in. The runs are kept across restarts, so one of an earlier day
// shows its date as well.
function updateVersionRuns(runs) {
  const select = $('replay-start');
  const today = new Date().toDateString();
  const started = (since) => { const at = new Date(since);
    return at.toDateString() === today ? at.toLocaleTimeString() : at.toLocaleString(); };
  const wanted = [['', 'the time below'], ['hour', 'an hour ago']].concat(runs.map((r) =>
    [r.since, 'the start of ' + r.version + ' (' + started(r.since) + ')']));
  if ([...select.options].map((o) => o.value).join() === wanted.map((w) => w[0]).join()) return;
  const keep = select.value;
  select.replaceChildren(...wanted.map(([value, text]) => { const o = el('option', text); o.value = value; return o; }));
  select.value = wanted.some((w) => w[0] === keep) ? keep : '';
}

// Brokers up or down and each partition's leader and in-sync replicas (GET /api/cluster); on the
// in-house log one line: a single node, no replication.
function updateCluster(cluster) {
  $('cluster-summary').textContent = cluster.summary;
  $('cluster-summary').className = cluster.problems.length ? 'error' : 'muted';
  $('cluster-brokers').replaceChildren(...cluster.brokers.map((b) => el('li',
    'broker ' + b.id + ' ' + b.address + (b.up ? ' up' : ' DOWN')
    + (cluster.quorum && cluster.quorum.leaderId === b.id ? ' (controller leader)' : ''),
    b.up ? 'broker up' : 'broker down')));
  const partitions = cluster.partitions.filter((p) => p.topic === 'photo.uploaded');
  if (partitions.length === 0) {
    $('cluster-partitions').replaceChildren(emptyRow(5, cluster.replicated
      ? 'no partition of photo.uploaded described yet: each one\'s leader and replicas appear here'
      : 'one copy of each partition on the in-house log: on Kafka each partition\'s leader and replicas'
        + ' are listed here'));
    return;
  }
  $('cluster-partitions').replaceChildren(...partitions
    .map((p) => {
      const row = el('tr');
      row.className = !p.writable ? 'partition-stopped' : p.underReplicated ? 'partition-under' : '';
      row.append(el('td', p.topic + '-' + p.partition), el('td', p.leader < 0 ? 'none' : p.leader),
        el('td', p.replicas.join(', ')), el('td', p.inSync.join(', ')),
        el('td', !p.writable ? 'takes no writes' : p.underReplicated ? 'under-replicated' : ''));
      return row;
    }));
}

// Why a user's two counts differ: a redelivery repeats a photo's outcome by accident, a replay or a
// redrive publishes it again on purpose.
function extraEvents(u) {
  return [u.redelivered ? '+' + u.redelivered + ' from redeliveries' : '',
    u.replayed ? '+' + u.replayed + ' from a replay or redrive (published again by design)' : '']
    .filter((t) => t).join(', ');
}

// The ten users with the most events and a total over all of them: the table stays one card high.
function updateStats(stats) {
  const rows = stats.users.map((u) => {
    const row = el('tr');
    row.append(el('td', u.userId), el('td', u.counted), el('td', u.distinct), el('td', extraEvents(u)));
    return row;
  });
  if (rows.length === 0) rows.push(emptyRow(4, 'no photo processed yet: each user\'s counts appear here'));
  const hidden = stats.userCount - stats.users.length;
  if (hidden > 0) {
    const more = el('tr', null, 'muted');
    more.append(el('td', 'and ' + hidden + ' more user' + (hidden === 1 ? '' : 's')), el('td'), el('td'), el('td'));
    rows.push(more);
  }
  const total = el('tr', null, 'total');
  total.append(el('th', 'all ' + stats.userCount + ' user' + (stats.userCount === 1 ? '' : 's')),
    el('th', stats.total.counted), el('th', stats.total.distinct), el('th', extraEvents(stats.total)));
  $('stats').replaceChildren(...rows);
  $('stats-total').replaceChildren(total);
}

// The dead letters last drawn, as JSON: the table is drawn again only when they change, so that a
// Redrive button is never replaced under the pointer between a press and its release.
let drawnDeadLetters = null;

// One dead letter in two rows: photo, key, reason and its redrive button; under them where it came
// from, its deliveries, when, and the start of its value. Cells too long for the card end in an
// ellipsis; their title holds them whole (the value's also lists the headers).
function updateDeadLetters(list) {
  const drawn = JSON.stringify(list);
  if (drawn === drawnDeadLetters) {
    return;
  }
  drawnDeadLetters = drawn;
  if (list.length === 0) {
    $('dlq').replaceChildren(emptyRow(4,
      'no dead letters: a job a worker rejects, or one delivered too often, appears here'));
    return;
  }
  $('dlq').replaceChildren(...list.flatMap((d) => {
    const row = el('tr', undefined, 'dead-letter');
    const button = el('button', 'Redrive', 'secondary');
    button.type = 'button';
    button.addEventListener('click', () => api('POST', '/api/dlq/' + d.id + '/redrive')
      .then(() => showAdmin('redrove ' + d.photoId, false, 'dlq-status'), (e) => showAdmin(e.message, true, 'dlq-status')));
    const action = el('td', undefined, 'dlq-action');
    action.append(button);
    row.append(dlqCell('photo', d.photoId || '?'), dlqCell('key', d.key === null ? '(no key)' : d.key),
      dlqCell('reason', d.reason || ''), action);
    const value = d.value === null ? 'no value' : 'value: ' + d.value.summary;
    const detail = dlqCell('detail', d.originalTopic + '-' + d.originalPartition + '@' + d.originalOffset + ', '
      + d.deliveryCount + (d.deliveryCount === 1 ? ' delivery, ' : ' deliveries, ')
      + new Date(d.deadLetteredAt).toLocaleTimeString() + ', ' + value);
    detail.colSpan = 4;
    detail.title = value + '\n' + d.headers.map((h) => h.key + ': ' + (h.value === null ? 'null' : h.value)).join('\n');
    const under = el('tr', undefined, 'dead-letter-detail');
    under.append(detail);
    return [row, under];
  }));
}

function dlqCell(name, text) {
  const cell = el('td', text, 'dlq-' + name);
  cell.title = text;
  return cell;
}

async function loadRecent() {
  try {
    const photos = await api('GET', '/api/photos?limit=30');
    photos.reverse().forEach(notePhoto);
  } catch (e) {
    logEvent('cannot load recent photos: ' + e.message);
  }
}

// ---------- admin actions ----------
// A change, not a count: the server adds it to the number it keeps, so each press counts, also one
// made before the answer to the one before (a count worked out from what the page last read would not).
async function resizeWorkers(delta) {
  try {
    const result = await api('PUT', '/api/workers', { change: delta });
    state.resizes++;
    showWorkerButtons(result);
    showAdmin('workers: ' + result.count, false, 'group-status');
    refresh();
  } catch (e) {
    showAdmin(e.message, true, 'group-status');
  }
}

// The fields of the Settings form whose value differs from what the server runs (read last): only
// those are sent. A field a PUT sends is saved in settings.json and wins over the environment at
// every later start, so sending the untouched ones too would pin MAX_BACKLOG and WORKER_VERSION.
function changedSettings(running) {
  const shown = { delivery: $('delivery').value, consumption: $('consumption').value,
    workerVersion: $('worker-version').value, maxBacklog: Number($('max-backlog').value),
    autoscale: $('autoscale').checked };
  return Object.fromEntries(Object.entries(shown).filter(([name, value]) => value !== running[name]));
}

// - worker is disabled while the pool keeps no worker (its target, what a change counts from), and
// + worker while it keeps its max: the server refuses a change below 0 or past max with 400, so the
// press could only fail. The other button enables it again, through the answer to its request.
function showWorkerButtons(workers) {
  const none = workers.target === 0;
  $('worker-remove').disabled = none;
  $('worker-remove').title = none ? 'the group has no worker to remove' : '';
  const full = workers.target >= workers.max;
  $('worker-add').disabled = full;
  $('worker-add').title = full ? 'the pool keeps the most workers it may: ' + workers.max : '';
}

function wire() {
  $('admin-token').value = sessionStorage.getItem('photoqueue.token') || '';
  $('upload-form').addEventListener('submit', (e) => { e.preventDefault(); uploadFiles([...$('file-input').files]); });
  $('compare-button').addEventListener('click', compare);
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    uploadFiles([...e.dataTransfer.files]);
  });
  $('load-form').addEventListener('submit', generateLoad);
  $('worker-add').addEventListener('click', () => resizeWorkers(1));
  $('worker-remove').addEventListener('click', () => resizeWorkers(-1));
  $('redrive-all').addEventListener('click', () => api('POST', '/api/dlq/redrive')
    .then((r) => showAdmin('redriven: ' + r.redriven, false, 'dlq-status'), (e) => showAdmin(e.message, true, 'dlq-status')));
  for (const form of ['settings-form', 'chaos-form', 'load-form']) trackEdits($(form));
  for (const id of ['delivery', 'consumption']) $(id).addEventListener('change', offerRunnableSettings);
  $('settings-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!state.settings) {
      showAdmin('the settings are not read from the server yet: nothing applied', true);
      return;
    }
    const changes = changedSettings(state.settings);
    if (Object.keys(changes).length === 0) {
      forgetEdits($('settings-form'));
      showAdmin('settings unchanged: nothing to apply');
      return;
    }
    api('PUT', '/api/settings', changes)
      .then((s) => { state.settingsWrites++; state.settings = s; forgetEdits($('settings-form')); return s; })
      .then((s) => showAdmin('settings applied: ' + s.delivery + ', ' + s.consumption + ', max backlog ' + s.maxBacklog
        + ', autoscale ' + s.autoscale + ', worker version ' + s.workerVersion),
        (err) => showAdmin(err.message, true));
  });
  $('replay-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const local = $('replay-from').value;
    const start = $('replay-start').value;
    const from = start === 'hour' ? new Date(Date.now() - 3600_000).toISOString()
      : start || (local ? new Date(local).toISOString() : null);
    if (!from) {
      // said, rather than replaying from a moment the form does not show
      showAdmin('choose where the replay starts: the start of a worker version, or a time', true);
      return;
    }
    api('POST', '/api/replay', { group: $('replay-group').value, from })
      // the answer's time in the browser's zone, as every other time on the page
      .then((r) => showAdmin('replaying ' + r.group + ' from ' + new Date(r.from).toLocaleString()
        + (r.workersPaused ? ' (its ' + r.workersPaused + ' workers left the group for the reset and joined again)' : '')),
        (err) => showAdmin(err.message, true));
  });
  $('group-select').addEventListener('change', refresh);
  $('chaos-form').addEventListener('submit', (e) => {
    e.preventDefault();
    api('PUT', '/api/chaos', { probability: Number($('chaos-probability').value) / 100,
      namePattern: $('chaos-pattern').value || null, mode: $('chaos-mode').value,
      crashes: Number($('chaos-crashes').value), point: $('chaos-point').value })
      .then((c) => { forgetEdits($('chaos-form')); return c; })
      .then((c) => showAdmin('chaos: ' + c.mode + ', ' + Math.round(c.probability * 100) + ' %'
        + (c.crashes ? ', the next ' + c.crashes + ' photos' : '') + ', at ' + c.point
        + (c.namePattern ? ', names matching ' + c.namePattern : ''), false, 'group-status'),
        (err) => showAdmin(err.message, true, 'group-status'));
  });
}

document.addEventListener('DOMContentLoaded', () => {
  wire();
  makeCharts();
  connectEvents();
  loadRecent();
  refresh();
  setInterval(refresh, 1000);
});
