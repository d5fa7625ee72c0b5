#!/usr/bin/env node
// Drop optionalDependencies the lockfile has no entry for (platform binaries this registry does not serve).
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
let dropped = [];
for (const [p, e] of Object.entries(lock.packages)) {
  if (!e.optionalDependencies) continue;
  for (const dep of Object.keys(e.optionalDependencies)) {
    const base = p ? p + '/node_modules/' + dep : 'node_modules/' + dep;
    if (!lock.packages[base] && !lock.packages['node_modules/' + dep]) {
      delete e.optionalDependencies[dep];
      dropped.push(dep);
    }
  }
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log('dropped', dropped.length, dropped.join(' '));
