// The real KITH messages from NHN's SFM.tools live outside the repo in ../shared/reference
// (never copied in). Tests that need them skip with a clear message when that folder is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SFM_TOOLS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', 'shared/reference/sfm-tools');
export const HAVE_REFERENCE = existsSync(path.join(SFM_TOOLS, 'patient-odden', 'PatientData.xml'));
export const SKIP_NOTE = HAVE_REFERENCE ? '' : ` [SKIPPED: reference messages not found at ${SFM_TOOLS}]`;

/** Bytes of a reference file, e.g. `ref('patient-odden/PatientData.xml')`. */
export function ref(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(SFM_TOOLS, relative)));
}

export function refText(relative: string): string {
  return readFileSync(path.join(SFM_TOOLS, relative), 'utf8');
}

/** The .xml files of a reference folder (relative paths), sorted. */
export function refXmlFiles(folder: string): string[] {
  if (!HAVE_REFERENCE) return [];
  return readdirSync(path.join(SFM_TOOLS, folder))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => `${folder}/${f}`);
}

/** Every .xml file anywhere under sfm-tools/ (relative paths), the XSD excluded by its extension. */
export function allRefXml(dir = ''): string[] {
  if (!HAVE_REFERENCE) return [];
  const out: string[] = [];
  for (const entry of readdirSync(path.join(SFM_TOOLS, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...allRefXml(rel));
    else if (entry.name.endsWith('.xml')) out.push(rel);
  }
  return out.sort();
}

/** Reference message-samples file whose name starts with `prefix` (e.g. `ERM251-`). */
export function sample(prefix: string): string {
  const hit = refXmlFiles('message-samples').find((f) => path.basename(f).startsWith(prefix));
  if (!hit) throw new Error(`no message sample starting with ${prefix}`);
  return hit;
}
