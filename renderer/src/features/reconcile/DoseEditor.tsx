import { useEffect, useId, useRef, useState } from 'react';
import { TIMES_OF_DAY } from '../../../../shared/dosage';
import type { Dosage, TimeOfDay } from '../../../../shared/model';
import { nb } from '../../i18n/nb';
import { buildDosage, doseFormFrom, type DoseFormInput } from './doseForm';

/** Inline dose editor (no modal): a Kortdose or an amount per time of day. Escape cancels. */
export function DoseEditor({ initial, onSave, onCancel, saveLabel }: { initial: Dosage | undefined; onSave: (d: Dosage) => void; onCancel?: () => void; saveLabel?: string }) {
  const t = nb.dose;
  const id = useId();
  const [form, setForm] = useState<DoseFormInput>(() => doseFormFrom(initial));
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), [form.mode]);
  const result = buildDosage(form);
  const errors = !result.ok && tried ? result.errors : {};
  const err = (f: keyof typeof errors) =>
    errors[f] ? (
      <span className="field-error" id={`${id}-${f}-err`}>
        {errors[f]}
      </span>
    ) : null;
  const invalid = (f: keyof typeof errors) => (errors[f] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${f}-err` } : {});

  return (
    <form
      className="dose-editor"
      data-testid="dose-editor"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (result.ok) onSave(result.dosage);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && onCancel) {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <fieldset>
        <legend>{t.legend}</legend>
        <div className="segmented" role="radiogroup" aria-label={t.legend}>
          {(['short', 'times'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name={`${id}-mode`} checked={form.mode === m} onChange={() => setForm({ ...form, mode: m })} />
              {m === 'short' ? t.modeShort : t.modeTimes}
            </label>
          ))}
        </div>
        {form.mode === 'short' ? (
          <div className="field">
            <label htmlFor={`${id}-short`}>{t.shortCode}</label>
            <input ref={first} id={`${id}-short`} className="mono" value={form.shortCode} autoComplete="off" onChange={(e) => setForm({ ...form, shortCode: e.target.value })} {...invalid('shortCode')} />
            {err('shortCode')}
          </div>
        ) : (
          <div className="dose-times">
            {TIMES_OF_DAY.map((tod: TimeOfDay, i) => (
              <div className="field" key={tod}>
                <label htmlFor={`${id}-${tod}`}>{t.times[tod]}</label>
                <input
                  ref={i === 0 ? first : undefined}
                  id={`${id}-${tod}`}
                  inputMode="decimal"
                  value={form.amounts[tod]}
                  onChange={(e) => setForm({ ...form, amounts: { ...form.amounts, [tod]: e.target.value } })}
                  {...invalid(tod)}
                />
                {err(tod)}
              </div>
            ))}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-unit`}>{t.unit}</label>
          <input id={`${id}-unit`} value={form.unit} onChange={(e) => setForm({ ...form, unit: e.target.value })} {...invalid('unit')} />
          {err('unit')}
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-text`}>{t.text}</label>
          <input id={`${id}-text`} value={form.text} placeholder={result.ok ? result.dosage.text : ''} onChange={(e) => setForm({ ...form, text: e.target.value })} />
        </div>
        {err('form')}
        <p className="dose-preview" aria-live="polite" data-testid="dose-preview">
          {result.ok ? t.preview(result.dosage.text) : ''}
        </p>
        <div className="button-row">
          <button type="submit" className="btn btn-primary btn-small">
            {saveLabel ?? t.save}
          </button>
          {onCancel && (
            <button type="button" className="btn btn-secondary btn-small" onClick={onCancel}>
              {nb.workspace.cancel}
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}
