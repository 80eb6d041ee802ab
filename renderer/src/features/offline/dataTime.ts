import { format, isSameDay, isValid, parseISO } from 'date-fns';
import { formatDateTime } from '../../i18n/format';

/** "kl. 08:15" today, "25.11.2026 kl. 08:15" on another day. */
export function dataTime(iso: string, now: Date = new Date()): string {
  const d = parseISO(iso);
  return isValid(d) && isSameDay(d, now) ? format(d, "'kl.' HH:mm") : formatDateTime(iso);
}
