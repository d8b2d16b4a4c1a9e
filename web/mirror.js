// The screen-reader mirror's page side (issue 21; the tree and its patches are built in
// src/app/mirror.hpp). The canvas is one picture to assistive technology; #mirror holds
// the same view as real HTML (landmarks, headings, lists, a table, buttons, a dialog),
// visually hidden but not hidden from NVDA, VoiceOver or Orca.
//
//  - apply(json): the app's update of one frame: patches by key (remove, insert, update,
//    move), where the focus goes (only when the mirror has the keyboard already: a
//    canvas user's keys are never taken away), what the live region says.
//  - The mirror's buttons, fields and focus go back to the app as events in a queue the
//    shell reads at the start of each frame (pending / take), so they are applied in a
//    frame like the canvas's own clicks.
//  - Keys typed in the mirror stay in the mirror: Emscripten's GLFW listens on window
//    (capture) and would read them as the canvas's one-key actions; this file's listener
//    is registered first (mirror.js runs before cockpit.js) and stops them.
'use strict';
(function () {
  var host = document.getElementById('mirror');
  var live = document.getElementById('announce');
  if (!host || !live) return;
  var nodes = new Map();  // key -> element
  var events = [];        // [kind, key, value] for the app
  var hasKeyboard = false; // the mirror had the focus last (not the canvas)
  var applied = 0;        // updates applied (tests read them)
  var want = '';          // where the app last put the focus

  var TAG = { root: 'div', banner: 'header', navigation: 'nav', main: 'main', region: 'section', text: 'p', list: 'ul',
              listitem: 'li', table: 'table', row: 'tr', colheader: 'th', cell: 'td', button: 'button',
              dialog: 'div', status: 'div', alert: 'p' };
  var NAMED = { navigation: 1, region: 1, list: 1, dialog: 1 };  // named by aria-label, not by their text
  var FIELD = { textbox: 1, textarea: 1, password: 1 };

  function textOf(el) {
    if (!el._text) { el._text = document.createTextNode(''); el.insertBefore(el._text, el.firstChild); }
    return el._text;
  }

  function create(p) {
    var el;
    if (FIELD[p.r]) {
      el = document.createElement('label');
      el._label = el.appendChild(document.createElement('span'));
      el._input = el.appendChild(document.createElement(p.r === 'textarea' ? 'textarea' : 'input'));
      if (p.r === 'password') { el._input.type = 'password'; el._input.autocomplete = 'current-password'; }
      else if (p.r === 'textbox') el._input.type = p.l === 1 ? 'search' : 'text';
    } else if (p.r === 'heading') {
      el = document.createElement('h' + Math.min(Math.max(p.l || 2, 1), 6));
      if (p.l === 1) el.tabIndex = -1;  // a view's title takes the focus when the view opens
    } else if (p.r === 'table') {
      el = document.createElement('table');
      el._caption = el.appendChild(document.createElement('caption'));
    } else {
      el = document.createElement(TAG[p.r] || 'div');
    }
    if (p.r === 'button') el.type = 'button';
    if (p.r === 'colheader') el.scope = 'col';
    if (p.r === 'dialog') { el.setAttribute('role', 'dialog'); el.setAttribute('aria-modal', 'true'); }
    if (p.r === 'status') el.setAttribute('role', 'status');
    if (p.r === 'alert') el.setAttribute('role', 'alert');
    el.dataset.k = p.k;
    el._role = p.r;
    return el;
  }

  function show(el, p) {
    var r = el._role, f = p.f || 0;
    if (FIELD[r]) {
      el._label.textContent = p.n;
      // Never overwrite what is being typed: the app's copy may be a frame behind.
      if (r !== 'password' && document.activeElement !== el._input && el._input.value !== (p.v || '')) el._input.value = p.v || '';
    } else if (r === 'table') {
      el._caption.textContent = p.n;
    } else if (NAMED[r] || r === 'root' || r === 'main' || r === 'banner') {
      if (p.n && NAMED[r]) el.setAttribute('aria-label', p.n);
    } else {
      textOf(el).data = p.n || '';
    }
    if (f & 2) el.setAttribute('aria-pressed', f & 1 ? 'true' : 'false'); else el.removeAttribute('aria-pressed');
    if (f & 48) el.setAttribute('aria-sort', f & 16 ? 'ascending' : 'descending'); else el.removeAttribute('aria-sort');
    if (f & 4) el.setAttribute('aria-current', 'page');
    else if (f & 8) el.setAttribute('aria-current', 'true');
    else el.removeAttribute('aria-current');
  }

  function forget(el) {
    nodes.delete(el.dataset.k);
    el.querySelectorAll('[data-k]').forEach(function (c) { nodes.delete(c.dataset.k); });
  }

  function patch(p) {
    var el;
    switch (p.o) {
      case 'r':
        el = nodes.get(p.k);
        if (el) { forget(el); el.remove(); }
        break;
      case 'u':
        el = nodes.get(p.k);
        if (el) show(el, p);
        break;
      case 'i':
      case 'm': {
        el = p.o === 'i' ? create(p) : nodes.get(p.k);
        if (!el) break;
        if (p.o === 'i') { show(el, p); nodes.set(p.k, el); }
        var parent = p.p ? nodes.get(p.p) : host;
        var before = p.b ? nodes.get(p.b) || null : null;
        if (parent) parent.insertBefore(el, before);
        break;
      }
    }
  }

  function focusable(el) { return el && (el._input || el); }

  // The app's selection moved: the mirror's focus follows, unless the keyboard is in
  // the canvas, or already on this row or item (on another of its buttons).
  function follow(key) {
    var el = focusable(nodes.get(key));
    if (!el || !hasKeyboard) return;
    var active = document.activeElement;
    if (active && host.contains(active)) {
      var here = active.closest('li,tr'), there = el.closest('li,tr');
      if (here && here === there) return;
    }
    el.focus({ preventScroll: true });
  }

  var said = [];  // everything announced, oldest first (tests read it)
  function say(text) {
    // Each announcement its own node: a polite region reads additions, so a result and
    // the sync state that follows it a frame later are both read, neither replaces the other.
    said.push(text);
    var p = document.createElement('p');
    p.textContent = text;
    live.appendChild(p);
    while (live.childNodes.length > 3) live.removeChild(live.firstChild);
  }

  function apply(json) {
    var u = JSON.parse(json);
    for (var i = 0; i < u.patches.length; i++) patch(u.patches[i]);
    if (u.focus) want = u.focus;
    if (u.focus) follow(u.focus);
    // The focused element went away (an Undo button after its undo, a dialog's field):
    // the keyboard goes back to the app's selection, or the view's title.
    else if (hasKeyboard && !host.contains(document.activeElement)) {
      if (nodes.has(want)) follow(want);
      else { var h = host.querySelector('h1'); if (h) h.focus({ preventScroll: true }); }
    }
    for (var s = 0; s < u.say.length; s++) say(u.say[s]);
    host.dataset.rev = String(u.rev);
    applied++;
    host.dataset.updates = String(applied);
  }

  // ------------------------------------------------------------ from the page to the app
  function keyOf(el) { var k = el && el.closest('[data-k]'); return k && host.contains(k) ? k.dataset.k : ''; }
  function send(kind, key, value) { if (key) events.push(kind + '\u001f' + key + '\u001f' + (value || '')); }

  host.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (b && host.contains(b)) send('a', keyOf(b));
  });
  host.addEventListener('input', function (e) { send('i', keyOf(e.target), e.target.value); });
  document.addEventListener('focusin', function (e) {
    hasKeyboard = host.contains(e.target);
    if (hasKeyboard) send('f', keyOf(e.target));
  });
  document.addEventListener('mousedown', function (e) { if (!host.contains(e.target)) hasKeyboard = false; }, true);

  // Keys in the mirror are the mirror's (see the top). Esc in a dialog is its Cancel;
  // Enter in a one-line field is its dialog's (or the sign-in's) first button.
  function stop(e) { if (host.contains(e.target)) e.stopImmediatePropagation(); }
  window.addEventListener('keydown', function (e) {
    if (!host.contains(e.target)) return;
    e.stopImmediatePropagation();
    var form = e.target.closest('[role=dialog]') || e.target.closest('main');
    if (e.key === 'Escape' && form && form.getAttribute('role') === 'dialog') {
      var cancel = form.querySelector('[data-k$=".cancel"],[data-k$=".signout.stay"],[data-k$=".help.close"],' +
                                      '[data-k$=".notices.close"]');
      if (cancel) { e.preventDefault(); send('a', cancel.dataset.k); }
    } else if (e.key === 'Enter' && e.target.tagName === 'INPUT' && e.target.type !== 'search' && form) {
      var first = form.querySelector('button[data-k*=".button."]');
      if (first) { e.preventDefault(); send('a', first.dataset.k); }
    }
  }, true);
  window.addEventListener('keypress', stop, true);
  window.addEventListener('keyup', stop, true);

  // ------------------------------------------------------------ the shell's side
  Module.cockpitMirror = {
    apply: apply,
    events: events,  // "kind\u001fkey\u001fvalue", oldest first: the shell takes them (browser/main.cpp)
    nodes: function () { return nodes.size; },
    said: said,
  };
})();
