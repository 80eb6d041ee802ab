import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, localIsoDate } from './format';
import { nb } from './nb';

describe('Norwegian date formatting', () => {
  it('writes the fetch time as clinicians read it, in local time', () => {
    const local = new Date(2026, 10, 26, 10, 42, 5);
    expect(nb.patient.fetchedRf(formatDateTime(local.toISOString()))).toBe('Hentet fra Reseptformidleren 26.11.2026 kl. 10:42');
  });
  it('formats plain dates and the local calendar day', () => {
    expect(formatDate('2027-01-05')).toBe('05.01.2027');
    expect(localIsoDate(new Date(2026, 0, 2, 23, 30))).toBe('2026-01-02');
  });
  it('shows an unreadable timestamp as it came rather than inventing one', () => {
    expect(formatDateTime('ikke en dato')).toBe('ikke en dato');
  });
});
