// Brings the console's browser assets into the jar: installs the npm packages when the lock file
// changed since the last install (so an ordinary build never touches the network), then copies
// the vendor files we serve and our own src/ into the output directory (target/classes/static).
// CommonJS and nothing newer than node 18: CI machines have Debian's nodejs.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const here = __dirname;
const out = path.resolve(process.argv[2] || path.join(here, '..', 'target', 'classes', 'static'));
const modules = path.join(here, 'node_modules');
const stamp = path.join(modules, '.rocket-cri-lock.sha256');

// The files the pages load, per package: [source inside the package, target under vendor/].
const vendor = {
  'htmx.org': [['dist/htmx.min.js', 'htmx/htmx.min.js'], ['LICENSE', 'htmx/LICENSE']],
  'htmx-ext-sse': [['dist/sse.min.js', 'htmx/sse.min.js'], ['LICENSE', 'htmx/LICENSE.sse']],
  '@xterm/xterm': [['lib/xterm.js', 'xterm/xterm.js'], ['css/xterm.css', 'xterm/xterm.css'], ['LICENSE', 'xterm/LICENSE']],
  '@xterm/addon-fit': [['lib/addon-fit.js', 'xterm/addon-fit.js']],
  'uplot': [['dist/uPlot.iife.min.js', 'uplot/uPlot.iife.min.js'], ['dist/uPlot.min.css', 'uplot/uPlot.min.css'],
    ['LICENSE', 'uplot/LICENSE']],
  '@picocss/pico': [['css/pico.min.css', 'pico/pico.min.css'], ['LICENSE.md', 'pico/LICENSE.md']],
  'swagger-ui-dist': [['swagger-ui-bundle.js', 'swagger-ui/swagger-ui-bundle.js'],
    ['swagger-ui-standalone-preset.js', 'swagger-ui/swagger-ui-standalone-preset.js'],
    ['swagger-ui.css', 'swagger-ui/swagger-ui.css'], ['LICENSE', 'swagger-ui/LICENSE'], ['NOTICE', 'swagger-ui/NOTICE']],
};

function lockHash() {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(here, 'package-lock.json'))).digest('hex');
}

function installIfStale() {
  const wanted = lockHash();
  const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
  if (have === wanted) {
    return;
  }
  console.log('frontend: package-lock.json changed or node_modules missing: npm ci');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: here, stdio: 'inherit' });
  fs.writeFileSync(stamp, wanted + '\n');
}

function copyFile(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function copyTree(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyTree(source, target);
    } else {
      copyFile(source, target);
    }
  }
}

installIfStale();
for (const [pkg, files] of Object.entries(vendor)) {
  for (const [source, target] of files) {
    const from = path.join(modules, pkg, source);
    if (!fs.existsSync(from)) {
      throw new Error('frontend: ' + pkg + ' has no ' + source + ' (did its layout change with a new version?)');
    }
    copyFile(from, path.join(out, 'vendor', target));
  }
}
copyTree(path.join(here, 'src'), out);
console.log('frontend: assets copied to ' + out);
