import { describe, expect, it } from 'vitest';
import { dataTime } from './dataTime';

describe('dataTime', () => {
  const now = new Date(2026, 10, 26, 12, 0);
  it('says only the time for data from today, the date as well for an older day', () => {
    expect(dataTime('2026-11-26T08:15:00', now)).toBe('kl. 08:15');
    expect(dataTime('2026-11-25T08:15:00', now)).toBe('25.11.2026 kl. 08:15');
  });
  it('shows an unreadable time as it was stored rather than hiding it', () => {
    expect(dataTime('ikke en tid', now)).toBe('ikke en tid');
  });
});
