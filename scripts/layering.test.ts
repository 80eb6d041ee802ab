// Proves the layering rule in eslint.config.js bites: each forbidden import is reported,
// and the allowed ones are not.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import layering (DESIGN.md)', () => {
  it('refuses electron in renderer/', async () => {
    const errors = await layeringErrors('renderer/src/app/Bad.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n");
    expect(errors.join('\n')).toMatch(/renderer\/ must not import electron/);
  });

  it('refuses Node built-ins and the broker in renderer/', async () => {
    expect(await layeringErrors('renderer/src/x.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "import { startBroker } from '../../broker/server';\nexport const x = startBroker;\n")).toHaveLength(1);
  });

  it('keeps shared/ pure', async () => {
    expect(await layeringErrors('shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
    expect(await layeringErrors('shared/x.ts', "import React from 'react';\nexport const x = React;\n")).toHaveLength(1);
    expect(await layeringErrors('shared/x.ts', "import { x as y } from '../renderer/src/x';\nexport const x = y;\n")).toHaveLength(1);
  });

  it('refuses renderer/ in electron/ and the UI in broker/', async () => {
    expect(await layeringErrors('electron/x.ts', "import { App } from '../renderer/src/app/App';\nexport const x = App;\n")).toHaveLength(1);
    expect(await layeringErrors('broker/x.ts', "import { App } from '../renderer/src/app/App';\nexport const x = App;\n")).toHaveLength(1);
  });

  it('allows what the design allows', async () => {
    expect(await layeringErrors('renderer/src/x.ts', "import { parseIdentityNumber } from '../../shared/identity';\nexport const x = parseIdentityNumber;\n")).toEqual([]);
    expect(await layeringErrors('broker/x.ts', "import fs from 'node:fs';\nimport { y } from '../shared/model';\nexport const x = [fs, y];\n")).toEqual([]);
  });
});
