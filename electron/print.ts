// `print:pdf`: renders the current page to PDF and lets the user choose where to save it.
// Electron objects are passed in, so the flow is tested without a window.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parsePrintPdfRequest, type PrintPdfResult } from '../shared/ipc';

export interface PrintDeps {
  printToPDF(options: { pageSize: 'A4' | 'Letter'; landscape: boolean; printBackground: boolean }): Promise<Buffer>;
  showSaveDialog(options: {
    title: string;
    defaultPath: string;
    filters: { name: string; extensions: string[] }[];
  }): Promise<{ canceled: boolean; filePath?: string }>;
  /** Directory the dialog opens in (the user's Documents folder). */
  defaultDir: string;
  writeFile?: (file: string, data: Buffer) => Promise<void>;
}

/**
 * A file name safe on Windows, macOS and Linux: no directory parts, no reserved characters or
 * names, at most 100 characters, always ending in .pdf.
 */
export function sanitizePdfFileName(suggested: string | undefined): string {
  const fallback = 'samstem-utskrift';
  let base = (suggested ?? '').split(/[\\/]/).pop() ?? '';
  base = base
    .replace(/\.pdf$/i, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[<>:"|?*\u0000-\u001f]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 100);
  if (base === '' || /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(base)) base = fallback;
  return `${base}.pdf`;
}

export async function printToPdf(deps: PrintDeps, rawRequest: unknown): Promise<PrintPdfResult> {
  const request = parsePrintPdfRequest(rawRequest);
  const choice = await deps.showSaveDialog({
    title: 'Lagre som PDF',
    defaultPath: path.join(deps.defaultDir, sanitizePdfFileName(request.suggestedFileName)),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  });
  if (choice.canceled || !choice.filePath) return { status: 'cancelled' };
  const filePath = /\.pdf$/i.test(choice.filePath) ? choice.filePath : `${choice.filePath}.pdf`;
  const pdf = await deps.printToPDF({
    pageSize: request.pageSize ?? 'A4',
    landscape: request.landscape ?? false,
    printBackground: true,
  });
  await (deps.writeFile ?? ((f, d) => writeFile(f, d)))(filePath, pdf);
  return { status: 'saved', filePath };
}
