// ama's live page: connects to the feed it was served beside, shows the meters, the tonal balance
// against the references and the ranked proposals, and sends approve / reject / undo. No framework,
// no build step; data is only ever put into the page as text (never as HTML). Redraws at most once
// per animation frame whatever the feed's rate.
(function () {
  'use strict';
  var PROTOCOL = 1;
  var SVG = 'http://www.w3.org/2000/svg';
  var $ = function (id) { return document.getElementById(id); };
  var state = { meter: null, profile: null, suggestions: null, status: null, hello: null };
  var dirty = {};
  var socket = null;
  var retryMs = 500;
  var nextId = 1;

  function token() {
    var q = new URLSearchParams(location.search).get('token');
    if (q) return q;
    var h = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    return h ? decodeURIComponent(h[1]) : null;
  }

  function feedUrl() {
    var t = token();
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/feed' + (t ? '?token=' + encodeURIComponent(t) : '');
  }

  function setConn(s, text) {
    var el = $('conn');
    el.dataset.state = s;
    el.textContent = text || s;
    document.body.dataset.connection = s;
  }

  function log(kind, text) {
    var el = $('log');
    el.dataset.kind = kind;
    el.textContent = text;
  }

  function connect() {
    setConn('connecting');
    var ws = new WebSocket(feedUrl());
    socket = ws;
    ws.onopen = function () { retryMs = 500; setConn('open', 'live'); };
    ws.onmessage = function (ev) {
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (!msg || msg.v !== PROTOCOL) return;
      receive(msg);
    };
    ws.onclose = function (ev) {
      socket = null;
      if (ev.code === 4401) { setConn('closed', 'token needed'); log('error', 'This feed needs a token: open the page with ?token=...'); return; }
      if (ev.code === 4403) { setConn('closed', 'refused'); log('error', ev.reason || 'This page may not use the feed.'); return; }
      setConn('closed', 'reconnecting');
      setTimeout(connect, retryMs);
      retryMs = Math.min(8000, retryMs * 2);
    };
  }

  function receive(msg) {
    switch (msg.type) {
      case 'hello': state.hello = msg; dirty.hello = true; break;
      case 'status': state.status = msg; dirty.status = true; break;
      case 'meter': state.meter = msg; dirty.meter = true; break;
      case 'profile': state.profile = msg; dirty.tonal = true; dirty.meter = true; break;
      case 'suggestions': state.suggestions = msg; dirty.proposals = true; break;
      case 'ack': if (msg.command !== 'ping') log('ack', msg.command + ' ' + msg.key + ': now ' + msg.state); break;
      case 'error': log('error', msg.message); break;
      case 'notice': log('notice', msg.message); break;
      default: return;
    }
    schedule();
  }

  var scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    (window.requestAnimationFrame || function (f) { return setTimeout(f, 50); })(function () {
      scheduled = false;
      if (dirty.hello) drawHello();
      if (dirty.status) drawStatus();
      if (dirty.meter) drawMeters();
      if (dirty.tonal) drawTonal();
      if (dirty.proposals) drawProposals();
      dirty = {};
    });
  }

  function send(command, key) {
    if (!socket || socket.readyState !== 1) { log('error', 'Not connected: the command was not sent.'); return; }
    socket.send(JSON.stringify({ v: PROTOCOL, type: 'command', id: nextId++, command: command, key: key }));
  }

  function fmt(x, digits, unit) {
    if (x === null || x === undefined || !isFinite(x)) return '\u2013';
    return (Math.round(x * Math.pow(10, digits)) / Math.pow(10, digits)).toFixed(digits) + (unit ? ' ' + unit : '');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function drawHello() {
    var h = state.hello;
    var s = h.source;
    $('source').textContent = s ? s.name + (s.sampleRateHz ? ' \u00b7 ' + s.sampleRateHz + ' Hz' : '') + (s.channels ? ' \u00b7 ' + s.channels + ' ch' : '') : '';
    $('refs').textContent = h.references && h.references.length ? 'vs ' + h.references.map(function (r) { return r.name; }).join(', ') : 'no references';
  }

  function drawStatus() {
    var s = state.status;
    var parts = [s.device || 'no device', s.capture, fmt(s.sampleRateHz, 0, 'Hz'), 'overruns ' + s.overruns, 'clients ' + s.clients];
    if (s.cpuShare !== null) parts.push('CPU ' + fmt(100 * s.cpuShare, 1, '%'));
    if (s.message) parts.push(s.message);
    $('status').textContent = parts.join(' \u00b7 ');
  }

  // [label, reading, unit, digits, bar range]
  var METERS = [
    ['M', function (l) { return l.momentaryLufs; }, 'LUFS', 1, [-40, 0]],
    ['S', function (l) { return l.shortTermLufs; }, 'LUFS', 1, [-40, 0]],
    ['I', function (l) { return l.integratedLufs; }, 'LUFS', 1, [-40, 0]],
    ['TP', function (l) { return l.truePeakDbtp; }, 'dBTP', 1, [-20, 3]],
    ['LRA', function (l) { return l.loudnessRangeLu; }, 'LU', 1, [0, 20]],
    ['PLR', function (l) { return l.plrDb; }, 'dB', 1, [0, 24]],
    ['corr', function (l, st) { return st ? st.correlation : null; }, '', 2, [-1, 1]],
    ['S/M', function (l, st) { return st ? st.sideToMidDb : null; }, 'dB', 1, [-30, 0]],
  ];

  function drawMeters() {
    var box = $('meters');
    if (!box.firstChild) {
      METERS.forEach(function (m) {
        var row = el('div', 'meter');
        row.dataset.meter = m[0];
        row.appendChild(el('span', 'label', m[0]));
        var bar = el('div', 'bar');
        bar.appendChild(el('div', 'fill'));
        row.appendChild(bar);
        row.appendChild(el('span', 'value', '\u2013'));
        box.appendChild(row);
      });
    }
    var l = state.meter ? state.meter.loudness : {};
    var p = state.profile && (state.profile.window.profile || state.profile.session.profile);
    var st = (state.meter && state.meter.stereo) || (p && !p.stereo.monoInput ? p.stereo : null);
    METERS.forEach(function (m, i) {
      var row = box.children[i];
      var x = m[1](l, st);
      row.querySelector('.value').textContent = fmt(x, m[3], m[2]);
      var lo = m[4][0], hi = m[4][1];
      var share = x === null || x === undefined ? 0 : Math.max(0, Math.min(1, (x - lo) / (hi - lo)));
      row.querySelector('.fill').style.width = (100 * share).toFixed(1) + '%';
    });
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function drawTonal() {
    var box = $('tonal');
    box.textContent = '';
    var c = state.profile && state.profile.comparison;
    var rows = c ? c.tonal.filter(function (r) { return r.centerHz >= 20 && r.centerHz <= 20000; }) : [];
    if (!rows.length) { box.appendChild(el('p', 'why', 'No comparison yet.')); return; }
    var W = 640, H = 220, L = 36, R = 8, T = 8, B = 22;
    var vals = [];
    rows.forEach(function (r) { [r.mixDb, r.minDb, r.maxDb].forEach(function (v) { if (v !== null) vals.push(v); }); });
    var lo = Math.floor((Math.min.apply(null, vals) - 3) / 6) * 6, hi = Math.ceil((Math.max.apply(null, vals) + 3) / 6) * 6;
    var x = function (hz) { return L + (W - L - R) * Math.log(hz / 20) / Math.log(1000); };
    var y = function (db) { return T + (H - T - B) * (hi - db) / (hi - lo); };
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'tonal balance of the mix against the references' });
    [50, 100, 200, 500, 1000, 2000, 5000, 10000].forEach(function (f) {
      root.appendChild(svg('line', { 'class': 'axis', x1: x(f), x2: x(f), y1: T, y2: H - B }));
      var t = svg('text', { 'class': 'tick', x: x(f), y: H - 6, 'text-anchor': 'middle' });
      t.textContent = f >= 1000 ? f / 1000 + 'k' : String(f);
      root.appendChild(t);
    });
    for (var d = lo; d <= hi; d += 6) {
      root.appendChild(svg('line', { 'class': 'axis', x1: L, x2: W - R, y1: y(d), y2: y(d) }));
      var t2 = svg('text', { 'class': 'tick', x: L - 4, y: y(d) + 3, 'text-anchor': 'end' });
      t2.textContent = String(d);
      root.appendChild(t2);
    }
    var env = rows.filter(function (r) { return r.minDb !== null && r.maxDb !== null; });
    if (env.length) {
      var pts = env.map(function (r) { return x(r.centerHz) + ',' + y(r.maxDb); })
        .concat(env.slice().reverse().map(function (r) { return x(r.centerHz) + ',' + y(r.minDb); }));
      root.appendChild(svg('polygon', { 'class': 'envelope', points: pts.join(' ') }));
    }
    var line = function (key, cls) {
      var pts = rows.filter(function (r) { return r[key] !== null; }).map(function (r) { return x(r.centerHz).toFixed(1) + ',' + y(r[key]).toFixed(1); });
      if (pts.length > 1) root.appendChild(svg('polyline', { 'class': cls, points: pts.join(' ') }));
    };
    line('meanDb', 'mean');
    line('mixDb', 'mix');
    box.appendChild(root);
  }

  var PARAM_UNITS = [[/Dbtp$/, 'dBTP'], [/Db$/, 'dB'], [/Hz$/, 'Hz'], [/Ms$/, 'ms']];
  function paramText(s) {
    var p = s.params || {};
    return Object.keys(p).map(function (k) {
      var v = p[k];
      if (typeof v !== 'number') return String(v);
      var unit = '';
      PARAM_UNITS.forEach(function (u) { if (!unit && u[0].test(k)) unit = u[1]; });
      var name = k.replace(/(Dbtp|Db|Hz|Ms)$/, '');
      var digits = unit === 'Hz' ? 0 : unit === 'ms' ? 0 : 1;
      return name + ' ' + fmt(v, digits, unit);
    }).join('  ');
  }

  var ACTIONS = { approve: ['proposed'], reject: ['proposed'], undo: ['approved', 'applied', 'failed'] };
  var FADING = { rejected: 1, undone: 1, expired: 1 };

  function drawProposals() {
    var items = (state.suggestions && state.suggestions.items) || [];
    var body = $('proposals').tBodies[0];
    body.textContent = '';
    $('empty').style.display = items.length ? 'none' : '';
    items.forEach(function (it) {
      var s = it.suggestion;
      var tr = el('tr', FADING[it.state] ? 'fading' : '');
      tr.dataset.key = s.key;
      tr.dataset.state = it.state;
      tr.appendChild(el('td', 'num', String(it.rank)));
      var stTd = el('td');
      stTd.appendChild(el('span', 'state ' + it.state, it.state));
      tr.appendChild(stTd);
      var move = el('td');
      move.appendChild(el('div', '', s.agent + ' \u00b7 ' + s.kind + ' \u00b7 ' + s.scope));
      move.appendChild(el('div', 'params', paramText(s)));
      tr.appendChild(move);
      var why = el('td', 'why', s.rationale + (it.message ? ' (' + it.message + ')' : ''));
      tr.appendChild(why);
      var eff = s.predicted ? s.predicted.before - s.predicted.after : null;
      tr.appendChild(el('td', 'num', eff === null ? '' : '\u2212' + fmt(eff, 2) + ' \u00b7 ' + fmt(100 * s.confidence, 0, '%')));
      var act = el('td');
      Object.keys(ACTIONS).forEach(function (cmd) {
        var b = el('button', cmd, cmd[0].toUpperCase() + cmd.slice(1));
        b.dataset.command = cmd;
        b.disabled = ACTIONS[cmd].indexOf(it.state) < 0;
        b.addEventListener('click', function () { send(cmd, s.key); });
        act.appendChild(b);
      });
      tr.appendChild(act);
      body.appendChild(tr);
    });
  }

  drawMeters();
  connect();
})();
