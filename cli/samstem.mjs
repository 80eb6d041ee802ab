#!/usr/bin/env node
// `npx samstem <command>`: the command line. Commands are TypeScript modules run through tsx.
import { tsImport } from 'tsx/esm/api';

const commands = {
  reconcile: ['./reconcile.ts', 'runReconcileCommand'],
  'gen-fest': ['./fest.ts', 'runFestCommand'],
  'import-fest': ['./fest.ts', 'runFestCommand'],
  seed: ['./seed.ts', 'runSeedCommand'],
};

const [cmd, ...rest] = process.argv.slice(2);
if (!cmd || cmd === '--help' || cmd === '-h' || !(cmd in commands)) {
  const known = Object.keys(commands).join(', ');
  if (cmd && cmd !== '--help' && cmd !== '-h') console.error(`samstem: unknown command "${cmd}".`);
  console.error(`Usage: samstem <command> [options]\nCommands: ${known}\nSee README.md for each command's options.`);
  process.exit(cmd && cmd !== '--help' && cmd !== '-h' ? 2 : 0);
}
const [file, fn] = commands[cmd];
try {
  const mod = await tsImport(file, import.meta.url);
  const code = await mod[fn](cmd, rest);
  process.exitCode = typeof code === 'number' ? code : 0;
} catch (err) {
  console.error(`samstem ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
