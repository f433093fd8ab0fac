// The images page: pull through the REST API with a progress bar per layer (the NDJSON stream of
// POST /api/v1/images/pull, read as it arrives), upload an image archive (the file as the raw
// body of POST /api/v1/images/import, with a progress bar), and prune with a preview (GET shows
// what would go, POST removes it). All send the CSRF header; the table refreshes through htmx.
(function () {
  'use strict';

  var form = document.getElementById('pull-form');
  if (!form) {
    return; // a viewer: no pull or prune
  }
  var progress = document.getElementById('pull-progress');
  var button = document.getElementById('pull-button');
  var layers = {};

  function headers(extra) {
    var h = window.rocketConsole.csrfHeaders();
    Object.keys(extra).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }

  function refreshTable() {
    document.body.dispatchEvent(new Event('images-changed'));
  }

  function message(text, cls) {
    var p = document.createElement('p');
    p.id = 'pull-result';
    p.className = cls || '';
    p.textContent = text;
    progress.appendChild(p);
  }

  /** One layer's row: digest, a <progress>, and "current / total status". */
  function layerRow(digest) {
    if (layers[digest]) {
      return layers[digest];
    }
    var row = document.createElement('div');
    row.className = 'layer';
    var name = document.createElement('span');
    name.className = 'mono';
    name.textContent = digest.replace(/^sha256:/, '').slice(0, 12);
    name.title = digest;
    var bar = document.createElement('progress');
    var text = document.createElement('span');
    row.appendChild(name);
    row.appendChild(bar);
    row.appendChild(text);
    progress.appendChild(row);
    layers[digest] = { bar: bar, text: text };
    return layers[digest];
  }

  function human(n) {
    if (typeof n !== 'number' || n < 0) { return '?'; }
    var units = ['B', 'kB', 'MB', 'GB'];
    var u = 0;
    while (n >= 1000 && u < units.length - 1) { n /= 1000; u++; }
    return (u ? n.toFixed(1) : n) + units[u];
  }

  function showLayer(l) {
    var row = layerRow(l.layer);
    var status = String(l.status || '');
    if (typeof l.total === 'number' && l.total > 0) {
      row.bar.max = l.total;
      row.bar.value = Math.min(l.current || 0, l.total);
    }
    if (status === 'done' || status === 'exists') {
      row.bar.max = 1;
      row.bar.value = 1;
    }
    row.text.textContent = human(l.current) + ' / ' + human(l.total) + ' ' + status;
  }

  /**
   * One line of POST /api/v1/images/pull: "resolved" (the layers to come), a layer's
   * waiting/downloading/extracting/done/exists with current and total bytes, "joined" (another
   * pull of it is under way), "present", and last "done" (imageId) or "error" (a problem).
   */
  function onLine(o) {
    var status = String(o.status || '').toLowerCase();
    if (o.layer) {
      showLayer(o);
      return null;
    }
    switch (status) {
      case 'resolved':
        (o.layers || []).forEach(showLayer);
        return null;
      case 'joined':
        message('Another pull of ' + o.reference + ' is under way; waiting for it.', 'muted');
        return null;
      case 'present':
        message('Already here: ' + o.reference + ' as ' + String(o.imageId || ''), '');
        return 'success';
      case 'done':
        message('Pulled ' + o.reference + ' as ' + String(o.imageId || ''), '');
        return 'success';
      case 'error':
        var e = o.error || {};
        message('Pull failed: ' + (typeof e === 'string' ? e : (e.detail || e.title || 'unknown error')), 'error');
        return 'error';
      default:
        return null;
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var image = document.getElementById('pull-image').value.trim();
    if (!image) {
      return;
    }
    progress.textContent = '';
    layers = {};
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
    var outcome = null;
    fetch(form.getAttribute('data-pull-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: headers({ 'Content-Type': 'application/json', Accept: 'application/x-ndjson' }),
      body: JSON.stringify({ image: image })
    }).then(function (r) {
      if (!r.ok) {
        return r.text().then(function (body) {
          var why = body;
          try { var p = JSON.parse(body); why = p.detail || p.title || body; } catch (e) { /* plain text */ }
          throw new Error('HTTP ' + r.status + ': ' + why);
        });
      }
      var reader = r.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            if (buffer.trim()) { outcome = onLine(JSON.parse(buffer)) || outcome; }
            return;
          }
          buffer += decoder.decode(chunk.value, { stream: true });
          var lines = buffer.split('\n');
          buffer = lines.pop();
          lines.forEach(function (l) {
            if (l.trim()) { outcome = onLine(JSON.parse(l)) || outcome; }
          });
          return pump();
        });
      }
      return pump();
    }).then(function () {
      if (!outcome) { message('The pull ended without a result.', 'error'); }
      if (outcome === 'success') { refreshTable(); }
    }).catch(function (e) {
      message('Pull failed: ' + e.message, 'error');
    }).then(function () {
      button.removeAttribute('aria-busy');
      button.disabled = false;
    });
  });

  // Upload: XMLHttpRequest rather than fetch, because only XHR reports upload progress. The file
  // goes as the body itself (not multipart): the endpoint streams it into the image store.
  var uploadForm = document.getElementById('upload-form');
  var uploadButton = document.getElementById('upload-button');
  var uploadPanel = document.getElementById('upload-panel');
  var uploadBar = document.getElementById('upload-progress');
  var uploadStatus = document.getElementById('upload-status');
  var uploadResult = document.getElementById('upload-result');

  function showSent(loaded, total) {
    uploadBar.max = total > 0 ? total : 1;
    uploadBar.value = Math.min(loaded, uploadBar.max);
    var percent = total > 0 ? Math.floor(loaded * 100 / total) : 0;
    uploadStatus.textContent = human(loaded) + ' / ' + human(total) + ' (' + percent + '%)';
  }

  function uploadOutcome(text, cls) {
    uploadResult.className = cls || '';
    uploadResult.textContent = text;
  }

  /** The imported images as "name, name (id)", one entry per image. */
  function importedNames(items) {
    return items.map(function (i) {
      var names = i.repoTags || i.names || [];
      return (names.length ? names.join(', ') + ' ' : '') + '(' + String(i.id || '').replace(/^sha256:/, '').slice(0, 12) + ')';
    });
  }

  /** The problem+json detail of a failed answer, or the status line when the body is something else. */
  function problemDetail(xhr) {
    try {
      var p = JSON.parse(xhr.responseText);
      return p.detail || p.title || ('HTTP ' + xhr.status);
    } catch (e) {
      return 'HTTP ' + xhr.status + (xhr.statusText ? ' ' + xhr.statusText : '');
    }
  }

  uploadForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var file = document.getElementById('upload-file').files[0];
    if (!file) {
      return;
    }
    uploadPanel.classList.remove('hidden');
    uploadOutcome('Uploading ' + file.name + '…', 'muted');
    showSent(0, file.size);
    uploadButton.setAttribute('aria-busy', 'true');
    uploadButton.disabled = true;

    var xhr = new XMLHttpRequest();
    xhr.open('POST', uploadForm.getAttribute('data-import-url') + '?filename=' + encodeURIComponent(file.name));
    var h = headers({ 'Content-Type': 'application/octet-stream', Accept: 'application/json' });
    Object.keys(h).forEach(function (k) { xhr.setRequestHeader(k, h[k]); });
    xhr.upload.onprogress = function (e) {
      showSent(e.loaded, e.lengthComputable ? e.total : file.size);
    };
    xhr.upload.onload = function () {
      // every byte is sent; the server now checks and stores the archive
      showSent(file.size, file.size);
      uploadOutcome('Sent ' + file.name + '; the node is checking and storing it…', 'muted');
    };
    xhr.onload = function () {
      if (xhr.status === 201) {
        var items = [];
        try { items = JSON.parse(xhr.responseText).items || []; } catch (e) { /* an empty answer */ }
        uploadOutcome('Imported ' + (importedNames(items).join('; ') || 'nothing') + ' from ' + file.name, '');
        refreshTable();
      } else {
        uploadOutcome('Import of ' + file.name + ' failed: ' + problemDetail(xhr), 'error');
      }
    };
    xhr.onerror = function () {
      uploadOutcome('Import of ' + file.name + ' failed: the connection broke off', 'error');
    };
    xhr.onloadend = function () {
      uploadButton.removeAttribute('aria-busy');
      uploadButton.disabled = false;
    };
    xhr.send(file);
  });

  // Prune: preview first, then remove on confirmation.
  var preview = document.getElementById('prune-preview');
  var panel = document.getElementById('prune-panel');
  var list = document.getElementById('prune-list');
  var pruneUrl = preview.getAttribute('data-prune-url');

  /** The images of a prune answer: preview {images, reclaimableBytes}, result {removed, reclaimedBytes}. */
  function imagesOf(o) {
    var items = o.images || o.removed || [];
    return items.map(function (i) {
      if (typeof i === 'string') { return i; }
      var names = i.repoTags || i.names || [];
      return (names.length ? names.join(', ') + ' ' : '') + '(' + String(i.id || '').replace(/^sha256:/, '').slice(0, 12) + ')' +
        (typeof i.size === 'number' ? ' ' + human(i.size) : '');
    });
  }

  function call(method) {
    return fetch(pruneUrl, { method: method, credentials: 'same-origin', headers: headers({ Accept: 'application/json' }) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (!r.ok) { throw new Error('HTTP ' + r.status + ': ' + (body.detail || body.title || '')); }
          return body;
        });
      });
  }

  preview.addEventListener('click', function () {
    list.textContent = '';
    call('GET').then(function (o) {
      var items = imagesOf(o);
      if (!items.length) {
        var li = document.createElement('li');
        li.textContent = 'nothing: every image is in use';
        list.appendChild(li);
      }
      items.forEach(function (text) {
        var li = document.createElement('li');
        li.textContent = text;
        list.appendChild(li);
      });
      document.getElementById('prune-confirm').disabled = !items.length;
      panel.classList.remove('hidden');
    }).catch(function (e) { message('Prune preview failed: ' + e.message, 'error'); });
  });
  document.getElementById('prune-cancel').addEventListener('click', function () { panel.classList.add('hidden'); });
  document.getElementById('prune-confirm').addEventListener('click', function () {
    call('POST').then(function (o) {
      panel.classList.add('hidden');
      message('Pruned: ' + (imagesOf(o).join('; ') || 'nothing'), '');
      refreshTable();
    }).catch(function (e) { message('Prune failed: ' + e.message, 'error'); });
  });
})();
