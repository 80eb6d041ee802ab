import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { FestProduct } from '../../../../shared/fest/types';
import type { Dosage, LocalListEntry, MedicationRead, MedicineRef, Use } from '../../../../shared/model';
import { reconcile, type ReconcileRow } from '../../../../shared/reconcile';
import { useAppDispatch } from '../../app/hooks';
import { nb } from '../../i18n/nb';
import { DoseEditor } from '../reconcile/DoseEditor';
import { newLineAdded } from '../reconcile/workspaceSlice';
import { useCatalogue } from './catalogue';

const t = nb.prescribe;
const CANDIDATE_ID = 'ny-forskrivning';

export function medicineRefOf(p: FestProduct, pkg?: { varenr: string }): MedicineRef {
  return {
    name: p.nameFormStrength,
    atc: p.atc,
    festId: pkg ? pkg.varenr : p.id,
    kind: pkg ? 'package' : p.kind === 'generic' ? 'substance' : 'brand',
    form: p.form,
    ...(p.strength ? { strength: p.strength } : {}),
    prescriptionGroup: p.prescriptionGroup,
    substances: p.substances.map((s) => s.toLowerCase()),
  };
}

/** Search-as-you-type in FEST, choose a package, dose, see the findings, then add as a new line. */
export function PrescribePanel({ patientId, read, local }: { patientId: string; read: MedicationRead; local: LocalListEntry[]; rows: ReconcileRow[] }) {
  const dispatch = useAppDispatch();
  const catalogue = useCatalogue();
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [product, setProduct] = useState<FestProduct | null>(null);
  const [varenr, setVarenr] = useState('');
  const [use, setUse] = useState<Use>('1');
  const [dosage, setDosage] = useState<Dosage | null>(null);
  const [announce, setAnnounce] = useState('');

  const hits = useMemo(() => (catalogue.status === 'ready' && query.trim().length >= 2 ? catalogue.index.search(query, 8) : []), [catalogue, query]);
  const packages = useMemo(() => (catalogue.status === 'ready' && product ? catalogue.fest.packages.filter((p) => p.productId === product.id) : []), [catalogue, product]);
  const pkg = packages.find((p) => p.varenr === varenr);
  const medicine = product ? medicineRefOf(product, pkg) : null;

  const preview = useMemo(() => {
    if (!medicine || catalogue.status !== 'ready') return null;
    const candidate: LocalListEntry = {
      id: CANDIDATE_ID,
      patientId,
      medicine,
      dosage: dosage ?? { text: '' },
      use,
      updatedAt: new Date().toISOString(),
    };
    const r = reconcile({ patient: read.patient, local: [...local, candidate], read }, catalogue.safety, new Date());
    const rowId = r.rows.find((x) => x.items.local.some((l) => l.id === CANDIDATE_ID))?.id;
    return rowId ? r.findings.filter((f) => f.rows.includes(rowId)) : [];
  }, [medicine, catalogue, dosage, use, local, read, patientId]);

  const choose = (p: FestProduct) => {
    setProduct(p);
    setVarenr('');
    setDosage(null);
    setQuery('');
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter' && hits[active]) {
      e.preventDefault();
      choose(hits[active].product);
    } else if (e.key === 'Escape') {
      setQuery('');
    }
  };

  const add = (d: Dosage) => {
    if (!medicine) return;
    const rowId = `new:${globalThis.crypto.randomUUID()}`;
    dispatch(
      newLineAdded({
        patientId,
        line: { kind: 'new', rowId, medicine, dosage: d, use, ...(pkg ? { quantity: { value: pkg.size, unit: pkg.unit }, packages: 1 } : {}) },
      }),
    );
    setAnnounce(t.added(medicine.name));
    setProduct(null);
    setDosage(null);
  };

  return (
    <section className="prescribe" aria-labelledby={`${id}-h`} data-testid="prescribe">
      <h3 id={`${id}-h`}>{t.heading}</h3>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      {catalogue.status !== 'ready' ? (
        <p className="muted">{t.catalogueNotReady}</p>
      ) : !product ? (
        <div className="combo">
          <label htmlFor="prescribe-search">{t.search}</label>
          <input
            id="prescribe-search"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls={`${id}-list`}
            aria-autocomplete="list"
            aria-activedescendant={hits[active] ? `${id}-opt-${active}` : undefined}
            aria-describedby={`${id}-hint`}
            autoComplete="off"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={onSearchKey}
          />
          <p id={`${id}-hint`} className="hint">
            {t.searchHint}
          </p>
          <p className="visually-hidden" aria-live="polite">
            {query.trim().length >= 2 ? t.results(hits.length) : ''}
          </p>
          <ul id={`${id}-list`} role="listbox" aria-label={t.search} className="combo-list" hidden={hits.length === 0}>
            {hits.map((h, i) => (
              <li
                key={h.product.id}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(h.product);
                }}
              >
                <span className="med-name">{h.product.nameFormStrength}</span> <span className="muted">{h.product.atc} · {h.product.substances.join(', ')}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <div className="prescribe-chosen" data-testid="prescribe-chosen">
          <p>
            {t.chosen}: <strong>{product.nameFormStrength}</strong> <span className="muted">({product.atc}, {t.group(product.prescriptionGroup)})</span>{' '}
            <button type="button" className="link-button" onClick={() => setProduct(null)}>
              {t.change}
            </button>
          </p>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-pkg`}>{t.package}</label>
              <select id={`${id}-pkg`} value={varenr} onChange={(e) => setVarenr(e.target.value)}>
                <option value="">{t.noPackage}</option>
                {packages.map((p) => (
                  <option key={p.varenr} value={p.varenr}>
                    {t.packageLabel(String(p.size).replace('.', ','), p.unit, p.varenr)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-use`}>{t.use}</label>
              <select id={`${id}-use`} value={use} onChange={(e) => setUse(e.target.value as Use)}>
                {(['1', '2', '3'] as const).map((u) => (
                  <option key={u} value={u}>
                    {nb.reconcile.use[u]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <section className="findings-preview" aria-label={t.findingsPreview} data-testid="prescribe-findings">
            <h4>{t.findingsPreview}</h4>
            {preview && preview.length > 0 ? (
              <ul className="findings">
                {preview.map((f) => (
                  <li key={f.id} className={`finding finding-${f.severity}`} data-testid="finding" data-severity={f.severity}>
                    <span className="finding-severity">{nb.workspace.severity[f.severity]}</span> {f.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t.noFindings}</p>
            )}
          </section>
          <DoseEditor initial={dosage ?? undefined} saveLabel={t.add} onSave={add} onCancel={() => setProduct(null)} />
        </div>
      )}
    </section>
  );
}
