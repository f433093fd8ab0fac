// The stats page: polls /stats/sample every 2 s, keeps the last 5 minutes per container and pod
// in the browser, and draws CPU and memory of the selected one with uPlot.
(function () {
  'use strict';

  var POLL_MS = 2000;
  var KEEP = 150; // samples per series: 5 minutes at 2 s
  var select = document.getElementById('stats-target');
  var url = select.getAttribute('data-sample-url');
  var tbody = document.querySelector('#stats-table tbody');
  var history = {}; // "kind:id" -> {t:[], cpu:[], mem:[], name}
  var cpuChart = null;
  var memChart = null;

  function bytes(n) {
    var units = ['B', 'kB', 'MB', 'GB', 'TB'];
    var u = 0;
    while (n >= 1000 && u < units.length - 1) { n /= 1000; u++; }
    return (u ? n.toFixed(1) : n) + units[u];
  }

  function chart(el, label, values) {
    var width = Math.max(280, el.clientWidth || 400);
    return new uPlot({
      width: width,
      height: 200,
      series: [{}, { label: label, stroke: '#1095c1', width: 2, value: values }],
      // a grey that reads on both themes (the canvas does not follow CSS colours)
      axes: [{ stroke: '#8a94a6', grid: { stroke: 'rgba(138,148,166,0.2)' } },
        { stroke: '#8a94a6', grid: { stroke: 'rgba(138,148,166,0.2)' }, size: 80,
          values: function (u, ticks) { return ticks.map(function (t) { return values(u, t); }); } }]
    }, [[], []], el);
  }

  function draw() {
    var key = select.value;
    var h = history[key];
    if (!h || h.t.length < 2) { return; } // one point makes uPlot pick a range of years
    if (!cpuChart) {
      cpuChart = chart(document.getElementById('cpu-chart'), 'CPU cores', function (u, v) { return v == null ? '' : v.toFixed(3); });
      memChart = chart(document.getElementById('memory-chart'), 'working set', function (u, v) { return v == null ? '' : bytes(v); });
    }
    cpuChart.setData([h.t, h.cpu]);
    memChart.setData([h.t, h.mem]);
  }

  function option(key, text) {
    var o = document.createElement('option');
    o.value = key;
    o.textContent = text;
    select.appendChild(o);
  }

  function poll() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (samples) {
        tbody.textContent = '';
        samples.forEach(function (s) {
          var key = s.kind + ':' + s.id;
          var h = history[key];
          if (!h) {
            h = history[key] = { t: [], cpu: [], mem: [], name: s.name };
            if (!select.querySelector('option[value="' + key + '"]')) { option(key, s.kind + ' ' + s.name); }
          }
          h.t.push(s.t); h.cpu.push(s.cpuCores); h.mem.push(s.memoryBytes);
          if (h.t.length > KEEP) { h.t.shift(); h.cpu.shift(); h.mem.shift(); }
          var tr = document.createElement('tr');
          [s.kind, s.name, s.cpuCores.toFixed(3), bytes(s.memoryBytes)].forEach(function (v) {
            var td = document.createElement('td');
            td.textContent = v;
            tr.appendChild(td);
          });
          tbody.appendChild(tr);
        });
        var empty = document.getElementById('stats-empty');
        if (empty && samples.length) { empty.classList.add('hidden'); }
        draw();
      })
      .catch(function () { /* next poll tries again */ });
  }

  window.rocketStats = history; // tests wait for samples through it
  select.addEventListener('change', draw);
  poll();
  window.setInterval(poll, POLL_MS);
})();
