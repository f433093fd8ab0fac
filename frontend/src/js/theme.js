// Dark mode: the stored choice, else the system's (prefers-color-scheme). Loaded in <head>
// without defer so the page is painted in the right theme from the start.
(function () {
  'use strict';
  var KEY = 'rocket-cri-theme';
  function preferred() {
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (e) { /* storage off: follow the system */ }
    if (stored === 'dark' || stored === 'light') {
      return stored;
    }
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  document.documentElement.setAttribute('data-theme', preferred());
  document.addEventListener('DOMContentLoaded', function () {
    var toggle = document.getElementById('theme-toggle');
    if (!toggle) {
      return;
    }
    toggle.addEventListener('click', function () {
      var next = document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark';
      document.documentElement.setAttribute('data-theme', next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* not kept: fine */ }
    });
  });
})();
