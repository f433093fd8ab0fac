// The logs page: asks the REST API for a container's log with the options of the form, over
// server-sent events while following (EventSource, session cookie), as plain text otherwise.
// Lines are DOM nodes, so the text filter, Ctrl-F and tests all see them.
(function () {
  'use strict';

  var MAX_LINES = 5000; // the browser keeps this many; older lines go (download has everything)
  var form = document.getElementById('log-options');
  var out = document.getElementById('log');
  var status = document.getElementById('log-status');
  var filter = document.getElementById('text-filter');
  var download = document.getElementById('download');
  var base = form.getAttribute('data-logs-url');
  var source = null;
  var fetching = null;

  if (new URLSearchParams(window.location.search).get('previous') === 'true') {
    document.getElementById('previous').checked = true;
    document.getElementById('follow').checked = false;
  }

  function options(extra) {
    var p = new URLSearchParams();
    var f = document.getElementById('follow').checked;
    if (f) { p.set('follow', 'true'); }
    if (document.getElementById('timestamps').checked) { p.set('timestamps', 'true'); }
    if (document.getElementById('previous').checked) { p.set('previous', 'true'); }
    var tail = document.getElementById('tailLines').value;
    if (tail !== '') { p.set('tailLines', tail); }
    var since = document.getElementById('sinceSeconds').value;
    if (since !== '') { p.set('sinceSeconds', since); }
    var stream = document.getElementById('stream').value;
    if (stream !== '') { p.set('stream', stream); }
    Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
    return p;
  }

  function matchesFilter(text) {
    var needle = filter.value;
    return !needle || text.toLowerCase().indexOf(needle.toLowerCase()) >= 0;
  }

  /** One line from the API: plain text, or JSON {time, stream, log} (the NDJSON shape). */
  function append(data) {
    var text = data;
    var stream = '';
    if (data.length && data.charAt(0) === '{') {
      try {
        var o = JSON.parse(data);
        if (typeof o.log === 'string') {
          stream = o.stream || '';
          text = (document.getElementById('timestamps').checked && o.time ? o.time + ' ' : '') + o.log;
        }
      } catch (e) { /* a line that merely starts with "{" */ }
    }
    var line = document.createElement('span');
    line.className = 'log-line' + (stream ? ' ' + stream : '') + (matchesFilter(text) ? '' : ' hidden');
    line.textContent = text.replace(/\n$/, '') + '\n';
    var atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
    out.appendChild(line);
    while (out.childNodes.length > MAX_LINES) {
      out.removeChild(out.firstChild);
    }
    if (atBottom) {
      out.scrollTop = out.scrollHeight;
    }
  }

  function stop() {
    if (source) { source.close(); source = null; }
    if (fetching) { fetching.abort(); fetching = null; }
  }

  function load() {
    stop();
    out.textContent = '';
    var saved = options({ download: 'true' });
    saved.delete('follow'); // a download is the whole log as it is now, not the tail shown
    saved.delete('tailLines');
    download.setAttribute('href', base + '?' + saved.toString());
    var p = options();
    if (p.get('follow') === 'true') {
      status.textContent = 'following…';
      source = new EventSource(base + '?' + p.toString());
      source.onopen = function () { status.textContent = 'following (live)'; };
      source.onmessage = function (e) { append(e.data); };
      source.addEventListener('log', function (e) { append(e.data); });
      source.addEventListener('end', function () { status.textContent = 'the container has stopped; end of log'; stop(); });
      source.onerror = function () {
        if (source && source.readyState === EventSource.CLOSED) {
          status.textContent = 'the log stream closed';
        } else {
          status.textContent = 'reconnecting…';
        }
      };
      return;
    }
    status.textContent = 'loading…';
    fetching = new AbortController();
    fetch(base + '?' + p.toString(), { headers: { Accept: 'text/plain' }, credentials: 'same-origin', signal: fetching.signal })
      .then(function (r) {
        return r.text().then(function (body) {
          if (!r.ok) { throw new Error('HTTP ' + r.status + ': ' + body.slice(0, 300)); }
          return body;
        });
      })
      .then(function (body) {
        body.split('\n').forEach(function (l, i, all) {
          if (i < all.length - 1 || l !== '') { append(l); }
        });
        status.textContent = 'showing ' + out.childNodes.length + ' lines';
      })
      .catch(function (e) {
        if (e.name !== 'AbortError') { status.textContent = 'could not read the log: ' + e.message; }
      });
  }

  form.addEventListener('change', function (e) {
    if (e.target !== filter) { load(); }
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
  filter.addEventListener('input', function () {
    out.querySelectorAll('.log-line').forEach(function (line) {
      line.classList.toggle('hidden', !matchesFilter(line.textContent));
    });
  });
  window.addEventListener('beforeunload', stop);
  load();
})();
