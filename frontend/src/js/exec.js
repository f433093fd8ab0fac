// The terminal page: xterm.js over the console's exec WebSocket (ExecWebSocketHandler). Output
// arrives as binary frames; keys and the terminal size go out as JSON text frames.
(function () {
  'use strict';

  var el = document.getElementById('terminal');
  var status = document.getElementById('exec-status');
  var term = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 14, scrollback: 5000 });
  var fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(el);
  fit.fit();
  term.focus();
  window.rocketTerminal = term; // tests read the screen buffer through it

  var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
  var ws = new WebSocket(scheme + window.location.host + el.getAttribute('data-exec-path'));
  ws.binaryType = 'arraybuffer';

  function send(o) {
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(o));
    }
  }

  function resize() {
    fit.fit();
    send({ type: 'resize', cols: term.cols, rows: term.rows });
  }

  ws.onopen = function () {
    status.textContent = 'connected';
    el.setAttribute('data-connected', 'true');
    resize();
  };
  ws.onmessage = function (e) {
    if (typeof e.data === 'string') {
      var o = JSON.parse(e.data);
      if (o.type === 'exit') {
        status.textContent = 'the command ended with exit code ' + o.code;
      } else if (o.type === 'error') {
        status.textContent = 'could not run the command: ' + o.message;
        term.write('\r\n' + o.message + '\r\n');
      }
      return;
    }
    term.write(new Uint8Array(e.data));
  };
  ws.onclose = function (e) {
    el.setAttribute('data-connected', 'false');
    if (status.textContent === 'connected') {
      status.textContent = 'disconnected' + (e.reason ? ': ' + e.reason : '');
    }
  };
  term.onData(function (data) { send({ type: 'stdin', data: data }); });
  window.addEventListener('resize', resize);
})();
