import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { printToPdf, sanitizePdfFileName, type PrintDeps } from './print';

function deps(choice: { canceled: boolean; filePath?: string }) {
  const written: [string, Buffer][] = [];
  const d = {
    printToPDF: vi.fn(async () => Buffer.from('%PDF-1.7')),
    showSaveDialog: vi.fn(async () => choice),
    defaultDir: path.resolve('/home/lege/Dokumenter'),
    writeFile: vi.fn(async (f: string, data: Buffer) => {
      written.push([f, data]);
    }),
  } satisfies PrintDeps;
  return { d, written };
}

describe('sanitizePdfFileName', () => {
  it('keeps a normal Norwegian name', () => {
    expect(sanitizePdfFileName('Legemiddelliste Kari Nordmann 2026-11-26')).toBe('Legemiddelliste Kari Nordmann 2026-11-26.pdf');
    expect(sanitizePdfFileName('liste.PDF')).toBe('liste.pdf');
  });

  it('drops directories, reserved characters and reserved Windows names', () => {
    expect(sanitizePdfFileName('../../etc/passwd')).toBe('passwd.pdf');
    expect(sanitizePdfFileName('C:\\Windows\\evil')).toBe('evil.pdf');
    expect(sanitizePdfFileName('a<b>c:d"e|f?g*h')).toBe('a_b_c_d_e_f_g_h.pdf');
    expect(sanitizePdfFileName('CON')).toBe('samstem-utskrift.pdf');
    expect(sanitizePdfFileName('...')).toBe('samstem-utskrift.pdf');
    expect(sanitizePdfFileName(undefined)).toBe('samstem-utskrift.pdf');
  });

  it('always yields a plain file name ending in .pdf (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const name = sanitizePdfFileName(s);
        expect(name).toMatch(/\.pdf$/);
        // eslint-disable-next-line no-control-regex
        expect(name).not.toMatch(/[\\/<>:"|?*\u0000-\u001f]/);
        expect(name.length).toBeLessThanOrEqual(104);
        expect(name.startsWith('.')).toBe(false);
      }),
    );
  });
});

describe('printToPdf', () => {
  it('asks where to save, renders A4 and writes the PDF there', async () => {
    const target = path.resolve('/home/lege/Dokumenter/liste.pdf');
    const { d, written } = deps({ canceled: false, filePath: target });
    await expect(printToPdf(d, { suggestedFileName: 'liste' })).resolves.toEqual({ status: 'saved', filePath: target });
    expect(d.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: path.join(d.defaultDir, 'liste.pdf') }));
    expect(d.printToPDF).toHaveBeenCalledWith({ pageSize: 'A4', landscape: false, printBackground: true });
    expect(written).toEqual([[target, Buffer.from('%PDF-1.7')]]);
  });

  it('adds .pdf when the user typed a name without it', async () => {
    const { d } = deps({ canceled: false, filePath: path.resolve('/tmp/rapport') });
    await expect(printToPdf(d, undefined)).resolves.toEqual({ status: 'saved', filePath: path.resolve('/tmp/rapport.pdf') });
  });

  it('writes nothing when the user cancels', async () => {
    const { d, written } = deps({ canceled: true });
    await expect(printToPdf(d, {})).resolves.toEqual({ status: 'cancelled' });
    expect(d.printToPDF).not.toHaveBeenCalled();
    expect(written).toEqual([]);
  });

  it('refuses a malformed request before any dialog', async () => {
    const { d } = deps({ canceled: true });
    await expect(printToPdf(d, { pageSize: 'A0' })).rejects.toThrow(/pageSize/);
    await expect(printToPdf(d, { path: '/etc/passwd' })).rejects.toThrow(/unknown field/);
    expect(d.showSaveDialog).not.toHaveBeenCalled();
  });
});
