// Dates as Norwegian clinicians read them, through date-fns with the nb locale.
import { format, isValid, parseISO } from 'date-fns';
import { nb as nbLocale } from 'date-fns/locale/nb';

/** "26.11.2026 kl. 10:42" in the machine's local time (Norwegian time on a Norwegian desktop). */
export function formatDateTime(iso: string): string {
  const d = parseISO(iso);
  return isValid(d) ? format(d, "dd.MM.yyyy 'kl.' HH:mm", { locale: nbLocale }) : iso;
}

/** "26.11.2026". */
export function formatDate(iso: string): string {
  const d = parseISO(iso);
  return isValid(d) ? format(d, 'dd.MM.yyyy', { locale: nbLocale }) : iso;
}

/** Today as `YYYY-MM-DD` in local time. */
export function localIsoDate(now: Date): string {
  return format(now, 'yyyy-MM-dd');
}
