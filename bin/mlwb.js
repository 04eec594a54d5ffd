#!/usr/bin/env node
'use strict';
// Checked before anything loads: better-sqlite3 13 crashes on older Node instead of failing.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`mlwb: needs Node.js 22 or newer; this is ${process.version} (${process.execPath}). Install a current Node.js and run mlwb with it.`);
  process.exit(1);
}
const { main } = require('../dist/cli.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
