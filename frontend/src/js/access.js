// The access page: every change goes through the REST API with the session cookie and the CSRF
// header (the API owns the rules: password length, the last admin, a token's secret shown once),
// and the server's problem+json detail is shown as it is. After a change the table is fetched
// again through htmx ("users-changed", "tokens-changed" on <body>).
(function () {
  'use strict';

  /** A JSON request to the API; resolves with the parsed answer (or null), rejects with the problem's detail. */
  function send(method, url, body) {
    var headers = window.rocketConsole.csrfHeaders();
    headers.Accept = 'application/json';
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
        if (!r.ok) {
          throw new Error((parsed && (parsed.detail || parsed.title)) || ('HTTP ' + r.status + ' ' + text.slice(0, 200)));
        }
        return parsed;
      });
    });
  }

  function say(id, text, cls) {
    var p = document.getElementById(id);
    p.className = cls || '';
    p.textContent = text;
  }

  function changed(what) {
    document.body.dispatchEvent(new Event(what + '-changed'));
  }

  function busy(button, on) {
    if (on) {
      button.setAttribute('aria-busy', 'true');
    } else {
      button.removeAttribute('aria-busy');
    }
    button.disabled = on;
  }

  // Everyone: their own password. The repeat is checked here; the rules are the server's.
  var passwordForm = document.getElementById('password-form');
  passwordForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = document.getElementById('new-password');
    var repeat = document.getElementById('repeat-password');
    if (password.value !== repeat.value) {
      say('password-result', 'The two passwords differ; type the same one twice.', 'error');
      repeat.focus();
      return;
    }
    var button = document.getElementById('password-button');
    busy(button, true);
    send('PUT', passwordForm.getAttribute('data-url'), { password: password.value })
      .then(function () {
        passwordForm.reset();
        say('password-result', 'Password changed. Use the new one the next time you sign in.', '');
      })
      .catch(function (e) { say('password-result', 'Not changed: ' + e.message, 'error'); })
      .then(function () { busy(button, false); });
  });

  var userForm = document.getElementById('user-form');
  if (!userForm) {
    return; // a viewer: the rest is for admins
  }

  userForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var name = document.getElementById('user-name').value.trim();
    var role = document.getElementById('user-role').value;
    var button = document.getElementById('user-button');
    busy(button, true);
    send('POST', userForm.getAttribute('data-url'), {
      username: name,
      password: document.getElementById('user-password').value,
      role: role
    }).then(function () {
      userForm.reset();
      say('user-result', 'Created ' + role + ' ' + name + '.', '');
      changed('users');
    }).catch(function (e) {
      say('user-result', 'Not created: ' + e.message, 'error');
    }).then(function () { busy(button, false); });
  });

  var tokenForm = document.getElementById('token-form');
  var secretPanel = document.getElementById('token-secret-panel');
  var secret = document.getElementById('token-secret');

  tokenForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var button = document.getElementById('token-button');
    busy(button, true);
    secretPanel.classList.add('hidden');
    secret.value = '';
    send('POST', tokenForm.getAttribute('data-url'), {
      name: document.getElementById('token-name').value.trim(),
      scope: document.getElementById('token-scope').value,
      expiresInDays: Number(document.getElementById('token-days').value)
    }).then(function (created) {
      tokenForm.reset();
      say('token-result', '', '');
      document.getElementById('token-secret-name').textContent = created.token.name;
      secret.value = created.secret;
      document.getElementById('token-copy').textContent = 'Copy';
      secretPanel.classList.remove('hidden');
      secret.focus();
      secret.select();
      changed('tokens');
    }).catch(function (e) {
      say('token-result', 'Not created: ' + e.message, 'error');
    }).then(function () { busy(button, false); });
  });

  document.getElementById('token-copy').addEventListener('click', function () {
    var button = this;
    function done() { button.textContent = 'Copied'; }
    // the asynchronous clipboard needs a secure context (https or localhost); else the old way
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(secret.value).then(done, function () { secret.select(); });
    } else {
      secret.select();
      if (document.execCommand('copy')) { done(); }
    }
  });

  // Delete and revoke buttons live in tables that htmx replaces: listen on the document.
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var user = target.closest('[data-delete-user]');
    if (user) {
      var name = user.getAttribute('data-delete-user');
      if (!window.confirm('Delete console user ' + name + '? They can no longer sign in.')) {
        return;
      }
      send('DELETE', userForm.getAttribute('data-url') + '/' + encodeURIComponent(name))
        .then(function () {
          say('user-result', 'Deleted ' + name + '.', '');
          changed('users');
        })
        .catch(function (e) { say('user-result', 'Not deleted: ' + e.message, 'error'); });
      return;
    }
    var token = target.closest('[data-revoke-token]');
    if (token) {
      var tokenName = token.getAttribute('data-token-name');
      if (!window.confirm('Revoke API token ' + tokenName + '? Whatever uses it is refused from now on.')) {
        return;
      }
      send('DELETE', tokenForm.getAttribute('data-url') + '/' + encodeURIComponent(token.getAttribute('data-revoke-token')))
        .then(function () {
          say('token-result', 'Revoked ' + tokenName + '.', '');
          changed('tokens');
        })
        .catch(function (e) { say('token-result', 'Not revoked: ' + e.message, 'error'); });
    }
  });
})();
