// Shared by every console page: htmx set up for a strict CSP, the CSRF header on htmx and fetch
// requests, confirmations for destructive forms, and the "last log lines" boxes.
(function () {
  'use strict';

  // The CSP has no 'unsafe-eval' and no inline styles: htmx must not eval (hx-on, js: values)
  // nor inject its indicator <style> element.
  if (window.htmx) {
    htmx.config.allowEval = false;
    htmx.config.allowScriptTags = false;
    htmx.config.includeIndicatorStyles = false;
  }

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute('content') : null;
  }

  /** The CSRF header for a mutation, as Spring Security expects it: {name: token}. */
  function csrfHeaders() {
    var headers = {};
    var name = meta('_csrf_header');
    var token = meta('_csrf');
    if (name && token) {
      headers[name] = token;
    }
    return headers;
  }

  window.rocketConsole = { csrfHeaders: csrfHeaders };

  document.addEventListener('htmx:configRequest', function (event) {
    if (event.detail.verb !== 'get') {
      var headers = csrfHeaders();
      Object.keys(headers).forEach(function (k) { event.detail.headers[k] = headers[k]; });
    }
  });

  // <form data-confirm="Stop container x?">: ask before a destructive action is sent.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // <pre data-log-tail="/api/v1/containers/ID/logs?tailLines=50">: filled once from the REST API.
  function fillLogTails() {
    document.querySelectorAll('pre[data-log-tail]').forEach(function (pre) {
      fetch(pre.getAttribute('data-log-tail'), { headers: { Accept: 'text/plain' }, credentials: 'same-origin' })
        .then(function (r) {
          return r.text().then(function (body) {
            if (!r.ok) {
              throw new Error('HTTP ' + r.status + ': ' + body.slice(0, 300));
            }
            return body;
          });
        })
        .then(function (body) { pre.textContent = body.length ? body : '(no log lines)'; })
        .catch(function (e) { pre.textContent = 'could not read the log: ' + e.message; });
    });
  }

  document.addEventListener('DOMContentLoaded', fillLogTails);
})();
