import { format, isSameDay, isValid, parseISO } from 'date-fns';

/** "kl. 08:15" today, "25.11.2026 kl. 08:15" on another day. */
export function dataTime(iso: string, now: Date = new Date()): string {
  const d = parseISO(iso);
  if (!isValid(d)) return iso;
  return isSameDay(d, now) ? format(d, "'kl.' HH:mm") : format(d, "dd.MM.yyyy 'kl.' HH:mm");
}
