// Wacanda admin console: plain JavaScript against the admin API. Forms are generated from
// GET /admin/templates, so every integration type on the server gets one without code here.
(function () {
  'use strict';

  const BASE = document.querySelector('meta[name="wacanda-base"]').content;
  const $ = (id) => document.getElementById(id);
  const state = { token: sessionStorage.getItem('wacanda.token') || '', templates: [],
    integrations: [], selected: null, editing: null, stream: null };

  // ------------------------------------------------------------------ API

  function cookie(name) {
    const m = document.cookie.match('(?:^|; )' + name + '=([^;]*)');
    return m ? decodeURIComponent(m[1]) : null;
  }

  async function api(method, path, body) {
    const headers = { 'Authorization': 'Bearer ' + state.token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const xsrf = cookie('XSRF-TOKEN');
    if (xsrf) headers['X-XSRF-TOKEN'] = xsrf;
    const res = await fetch(BASE + path, { method, headers,
      body: body === undefined ? undefined : JSON.stringify(body) });
    let json = null;
    try { json = await res.json(); } catch (e) { /* empty body */ }
    if (!res.ok || !json || json.success !== true) {
      const err = new Error(json && json.error ? json.error.message : 'HTTP ' + res.status);
      err.status = res.status;
      err.code = json && json.error ? json.error.code : '';
      throw err;
    }
    return json.data;
  }

  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
    });
    children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return e;
  }

  // -------------------------------------------------------------- sign-in

  async function signIn(token) {
    state.token = token;
    try {
      state.templates = await api('GET', '/admin/templates');
    } catch (e) {
      state.token = '';
      sessionStorage.removeItem('wacanda.token');
      $('login-error').textContent = e.status === 401 ? 'That token was not accepted.' : e.message;
      return;
    }
    sessionStorage.setItem('wacanda.token', token);
    $('login').hidden = true;
    $('app').hidden = false;
    $('sign-out').hidden = false;
    await loadIntegrations();
    await loadHandoffs();
    openStream();
  }

  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    $('login-error').textContent = '';
    signIn($('token').value.trim());
  });

  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem('wacanda.token');
    location.reload();
  });

  // --------------------------------------------------------- integrations

  async function loadIntegrations() {
    state.integrations = await api('GET', '/admin/integrations');
    renderList();
    if (state.selected) {
      const still = state.integrations.find((i) => i.id === state.selected);
      if (still) await showDetail(still.id); else { state.selected = null; $('detail').hidden = true; }
    }
  }

  async function refreshOne(id) {
    try {
      const fresh = await api('GET', '/admin/integrations/' + id);
      const idx = state.integrations.findIndex((x) => x.id === id);
      if (idx >= 0) state.integrations[idx] = fresh;
      renderList();
      if (state.selected === id) await showDetail(id);
    } catch (e) {
      if (e.status === 404) await loadIntegrations();
    }
  }

  function templateOf(type) {
    return state.templates.find((t) => t.type === type);
  }

  function badge(status) {
    return el('span', { class: 'badge ' + status.state, title: status.message || '',
      'data-testid': 'status' }, status.state.toLowerCase());
  }

  function renderList() {
    const body = $('integrations');
    body.replaceChildren(...state.integrations.map((i) => el('tr', {
      'data-id': i.id, class: i.id === state.selected ? 'selected' : '',
      onclick: () => showDetail(i.id) },
    el('td', { 'data-testid': 'name' }, i.name),
    el('td', {}, (templateOf(i.type) || { display_name: i.type }).display_name),
    el('td', {}, badge(i.status)),
    el('td', {}, i.enabled ? 'yes' : 'no'))));
    $('no-integrations').hidden = state.integrations.length > 0;
  }

  async function showDetail(id) {
    state.selected = id;
    const i = await api('GET', '/admin/integrations/' + id);
    const idx = state.integrations.findIndex((x) => x.id === id);
    if (idx >= 0) state.integrations[idx] = i;
    renderList();
    $('detail').hidden = false;
    $('detail-name').textContent = i.name;
    $('detail-status').replaceWith(Object.assign(badge(i.status), { id: 'detail-status' }));
    const t = templateOf(i.type);
    $('detail-type').textContent = (t ? t.display_name : i.type) + ' · ' + i.id;
    $('detail-webhook').value = i.webhook_url;
    $('detail-key-prefix').textContent = i.api_key_prefix;
    $('toggle-enabled').textContent = i.enabled ? 'Disable' : 'Enable';
    await Promise.all([loadStats(id), loadTests(id), loadConnection(id)]);
  }

  async function loadStats(id) {
    const s = await api('GET', '/admin/integrations/' + id + '/stats');
    const rows = [['Sessions', s.total_sessions], ['Active', s.active_sessions],
      ['Messages', s.total_messages], ['Today', s.messages_today],
      ['Avg reply', s.average_response_ms + ' ms'], ['API calls', s.api_calls],
      ['Tests run', s.tests_run], ['Test success', s.tests_run ? Math.round(s.test_success_rate * 100) + '%' : '–'],
      ['Failed events', s.webhook_events_failed]];
    $('stats').replaceChildren(...rows.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v))));
  }

  function testItem(r) {
    return el('li', { class: r.passed ? 'passed' : 'failed', 'data-testid': 'test-result' },
      el('strong', {}, r.passed ? 'passed' : 'failed'), ' ',
      new Date(r.ran_at).toLocaleString(), ' (' + r.latency_ms + ' ms): ',
      r.checks.map((c) => c.name + ' ' + (c.passed ? '✓' : '✗') + ' ' + c.message).join('; '));
  }

  async function loadTests(id) {
    const results = await api('GET', '/admin/integrations/' + id + '/tests?limit=20');
    $('tests').replaceChildren(...results.map(testItem));
  }

  async function loadConnection(id) {
    try {
      const q = await api('GET', '/admin/integrations/' + id + '/qr');
      $('connection').hidden = false;
      renderQr(q.qr, q.status);
    } catch (e) {
      // Types without a login lifecycle answer 409: no connection section for them.
      $('connection').hidden = true;
    }
  }

  function renderQr(text, status) {
    const box = $('qr');
    if (!text) {
      box.replaceChildren(el('p', { class: 'muted' }, status === 'CONNECTED'
        ? 'Connected.' : 'No QR code pending. Press Connect to start a login.'));
      return;
    }
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    box.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
    box.append(el('p', { class: 'muted' }, 'Scan with WhatsApp: Linked devices → Link a device.'));
  }

  $('copy-webhook').addEventListener('click', async () => {
    const v = $('detail-webhook').value;
    try { await navigator.clipboard.writeText(v); toast('Webhook URL copied'); } catch (e) {
      $('detail-webhook').select(); toast('Press Ctrl+C to copy');
    }
  });

  async function action(fn, done) {
    try { await fn(); if (done) toast(done); } catch (e) { toast(e.message); }
  }

  $('toggle-enabled').addEventListener('click', () => action(async () => {
    const i = state.integrations.find((x) => x.id === state.selected);
    await api('POST', '/admin/integrations/' + state.selected + (i.enabled ? '/disable' : '/enable'));
    await loadIntegrations();
  }));

  $('rotate-key').addEventListener('click', () => action(async () => {
    if (!confirm('Issue a new API key? The current one stops working at once.')) return;
    const r = await api('POST', '/admin/integrations/' + state.selected + '/rotate-key');
    showKey(r.api_key);
    await loadIntegrations();
  }));

  $('run-test').addEventListener('click', () => action(async () => {
    $('run-test').disabled = true;
    try {
      const r = await api('POST', '/admin/integrations/' + state.selected + '/test');
      $('tests').prepend(testItem(r));
      await loadStats(state.selected);
      toast('Test ' + (r.passed ? 'passed' : 'failed'));
    } finally { $('run-test').disabled = false; }
  }));

  $('delete-integration').addEventListener('click', () => action(async () => {
    if (!confirm('Delete this integration with its conversations?')) return;
    await api('DELETE', '/admin/integrations/' + state.selected);
    state.selected = null;
    $('detail').hidden = true;
    await loadIntegrations();
  }, 'Deleted'));

  $('connect').addEventListener('click', () => action(async () => {
    await api('POST', '/admin/integrations/' + state.selected + '/connect');
    await loadConnection(state.selected);
  }));

  $('disconnect').addEventListener('click', () => action(async () => {
    await api('POST', '/admin/integrations/' + state.selected + '/disconnect');
    await loadConnection(state.selected);
  }));

  // ------------------------------------------------- template-driven form

  function fieldInput(f, value) {
    const id = 'field-' + f.name;
    const common = { id, name: f.name, 'data-field': f.name };
    let input;
    switch (f.kind) {
      case 'BOOLEAN':
        input = el('input', Object.assign({ type: 'checkbox' }, common));
        input.checked = (value !== undefined ? value : f.default) === 'true';
        return el('label', { class: 'check', for: id }, input, f.label,
          f.help ? el('span', { class: 'help' }, f.help) : '');
      case 'SELECT':
        input = el('select', common, f.required ? [] : [el('option', { value: '' }, '')],
          f.options.map((o) => el('option', { value: o }, o)));
        input.value = value !== undefined ? value : (f.default || '');
        break;
      case 'SECRET':
        input = el('input', Object.assign({ type: 'password', autocomplete: 'new-password',
          placeholder: state.editing ? '(unchanged)' : '' }, common));
        break;
      case 'NUMBER':
        input = el('input', Object.assign({ type: 'number' }, common));
        break;
      case 'URL':
        input = el('input', Object.assign({ type: 'url', placeholder: 'https://' }, common));
        break;
      default:
        input = el('input', Object.assign({ type: 'text' }, common));
    }
    if (f.kind !== 'SELECT' && f.kind !== 'SECRET') {
      input.value = value !== undefined ? value : (f.default || '');
    }
    if (f.required && !(f.kind === 'SECRET' && state.editing)) input.required = true;
    return el('label', { for: id }, f.label + (f.required ? ' *' : ''), input,
      f.help ? el('span', { class: 'help' }, f.help) : '');
  }

  function renderFields(type, settings) {
    const t = templateOf(type);
    $('form-description').textContent = t ? t.description : '';
    $('form-fields').replaceChildren(...(t ? t.fields : []).map((f) => fieldInput(f,
      settings ? settings[f.name] : undefined)));
  }

  function openForm(integration) {
    state.editing = integration || null;
    $('form-error').textContent = '';
    $('form-title').textContent = integration ? 'Edit ' + integration.name : 'New integration';
    $('type-label').hidden = !!integration;
    $('form-type').replaceChildren(...state.templates.map((t) =>
      el('option', { value: t.type }, t.display_name)));
    $('form-type').value = integration ? integration.type : state.templates[0].type;
    $('form-name').value = integration ? integration.name : '';
    renderFields($('form-type').value, integration ? integration.settings : null);
    $('form-dialog').showModal();
  }

  $('form-type').addEventListener('change', () => renderFields($('form-type').value, null));
  $('new-integration').addEventListener('click', () => openForm(null));
  $('edit-integration').addEventListener('click', () =>
    openForm(state.integrations.find((x) => x.id === state.selected)));
  $('form-cancel').addEventListener('click', () => $('form-dialog').close());

  $('integration-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const settings = {};
    document.querySelectorAll('#form-fields [data-field]').forEach((input) => {
      const v = input.type === 'checkbox' ? String(input.checked) : input.value.trim();
      if (v !== '' || state.editing) settings[input.dataset.field] = v;
    });
    try {
      if (state.editing) {
        await api('PATCH', '/admin/integrations/' + state.editing.id,
          { name: $('form-name').value.trim(), settings });
        $('form-dialog').close();
        toast('Saved');
      } else {
        const created = await api('POST', '/admin/integrations',
          { type: $('form-type').value, name: $('form-name').value.trim(), settings });
        $('form-dialog').close();
        state.selected = created.id;
        showKey(created.api_key);
      }
      await loadIntegrations();
    } catch (e) {
      $('form-error').textContent = e.message;
    }
  });

  function showKey(key) {
    $('key-value').value = key;
    $('key-dialog').showModal();
  }

  $('copy-key').addEventListener('click', async () => {
    try { await navigator.clipboard.writeText($('key-value').value); toast('Key copied'); } catch (e) {
      $('key-value').select();
    }
  });
  $('key-close').addEventListener('click', () => {
    $('key-value').value = '';
    $('key-dialog').close();
  });

  // ------------------------------------------------------------- handoffs

  async function loadHandoffs() {
    const [open, claimed] = await Promise.all([api('GET', '/admin/handoffs?status=open'),
      api('GET', '/admin/handoffs?status=claimed')]);
    const all = open.concat(claimed);
    $('handoffs').replaceChildren(...all.map(handoffItem));
    $('no-handoffs').hidden = all.length > 0;
  }

  function handoffItem(h) {
    const input = el('input', { placeholder: 'Reply to the customer…', 'aria-label': 'Reply' });
    const buttons = [];
    if (h.status === 'OPEN') {
      buttons.push(el('button', { onclick: () => action(async () => {
        await api('POST', '/admin/handoffs/' + h.id + '/claim'); await loadHandoffs();
      }, 'Claimed') }, 'Claim'));
    }
    buttons.push(el('button', { onclick: () => action(async () => {
      await api('POST', '/admin/handoffs/' + h.id + '/resolve'); await loadHandoffs();
    }, 'Resolved') }, 'Resolve'));
    return el('li', { 'data-id': h.id },
      el('div', { class: 'row' }, el('strong', {}, h.urgency + ' · ' + h.reason.toLowerCase()),
        el('span', { class: 'badge' }, h.status.toLowerCase())),
      el('div', { class: 'muted' }, (h.summary || '') + (h.assigned_agent ? ' — ' + h.assigned_agent : '')),
      el('div', { class: 'reply' }, input, el('button', { onclick: () => action(async () => {
        if (!input.value.trim()) return;
        await api('POST', '/admin/handoffs/' + h.id + '/reply', { text: input.value.trim() });
        input.value = '';
      }, 'Sent') }, 'Send')), el('div', { class: 'actions' }, buttons));
  }

  $('claim-next').addEventListener('click', () => action(async () => {
    const h = await api('POST', '/admin/handoffs/claim-next');
    toast(h ? 'Claimed ' + h.id : 'Queue is empty');
    await loadHandoffs();
  }));

  // ------------------------------------------------ live events over SSE

  function logEvent(type, data) {
    const text = type + ' ' + (data.integration_id || data.integrationId || '') + ' ' +
      (data.state || data.role || data.urgency || (data.dead ? 'dead' : '') || '');
    const list = $('events');
    list.prepend(el('li', { 'data-type': type }, new Date().toLocaleTimeString() + ' ' + text));
    while (list.children.length > 50) list.lastChild.remove();
  }

  function onEvent(type, data) {
    logEvent(type, data);
    if (type === 'integration.status') {
      const i = state.integrations.find((x) => x.id === data.integrationId);
      if (i) {
        i.status = { state: data.state, message: data.message, since: data.at };
        renderList();
        // Enabled flag, status message and detail may have changed with it.
        refreshOne(i.id);
      } else {
        loadIntegrations();
      }
    } else if (type === 'handoff.requested') {
      loadHandoffs();
      toast('A customer is waiting for a human');
    } else if (type === 'message' && state.selected === data.integrationId) {
      loadStats(state.selected);
    }
  }

  async function openStream() {
    const live = $('live');
    try {
      const res = await fetch(BASE + '/admin/events', { headers: {
        'Authorization': 'Bearer ' + state.token, 'Accept': 'text/event-stream' } });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      live.className = 'live on';
      live.textContent = 'live';
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let type = 'message';
          const data = [];
          frame.split('\n').forEach((line) => {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          });
          if (data.length) {
            try { onEvent(type, JSON.parse(data.join('\n'))); } catch (e) { /* not JSON */ }
          }
        }
      }
    } catch (e) {
      // fall through to reconnect
    }
    live.className = 'live off';
    live.textContent = 'reconnecting';
    setTimeout(openStream, 2000);
  }

  if (state.token) signIn(state.token);
})();
