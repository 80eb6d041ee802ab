// Pharmacological facts the safety checks need beyond FEST's records: which ATC codes act locally
// (eye, ear, skin, joint gels), which ATC groups count as one therapeutic class for duplicate
// therapy, and which same-class combinations clinicians use on purpose.

/**
 * Local-acting ATC groups: ophthalmologicals and otologicals (S01, S02, S03), dermatologicals (D)
 * and topical joint/muscle products (M02A). Systemic exposure is usually negligible. The D groups
 * "for systemic use" (D01B antifungals, D05B antipsoriatics, D10B anti-acne, and D11AH, injected
 * dupilumab and tablets such as abrocitinib) are systemic and excluded.
 */
const LOCAL_ATC = /^(S0[123]|D|M02A)/;
const SYSTEMIC_D = /^(D01B|D05B|D10B|D11AH)/;
/** Form words (Kodeverk 7448 texts and short forms) of local forms, for medicines without an ATC code. */
const LOCAL_FORM = /øyedr|øyesalve|øyegel|øredr|krem|salve|liniment|kutanspray|kutan oppl|kutanemulsjon/i;

/** True when the medicine acts locally (eye/ear/skin) and FEST's systemic interactions do not apply in full. */
export function isLocalActing(m: { atc?: string | undefined; form?: string | undefined }): boolean {
  const atc = m.atc?.trim().toUpperCase();
  if (atc) return LOCAL_ATC.test(atc) && !SYSTEMIC_D.test(atc);
  return !!m.form && LOCAL_FORM.test(m.form);
}

/** Where a local-acting medicine works, in words for the finding ("i øyet"). */
export function localSiteOf(m: { atc?: string | undefined; form?: string | undefined }): string {
  const atc = m.atc?.trim().toUpperCase() ?? '';
  if (atc.startsWith('S01') || /øye/i.test(m.form ?? '')) return 'i øyet';
  if (atc.startsWith('S02') || /øre/i.test(m.form ?? '')) return 'i øret';
  if (atc.startsWith('S03')) return 'i øye eller øre';
  if (atc.startsWith('M02A')) return 'på huden over ledd og muskler';
  return 'på huden';
}

/**
 * Therapeutic classes wider than one ATC level-4 group, where two members are duplicate therapy
 * all the same: every NSAID (M01A except M01AX, which holds glucosamine and other non-NSAIDs), the
 * renin–angiotensin blockers (ACE inhibitor + ARB + aliskiren: dual blockade is advised against),
 * and the oral anticoagulants (warfarin and the direct oral anticoagulants: a forgotten warfarin
 * after a switch to a DOAC is a classic serious error).
 */
export const BROAD_CLASSES: readonly { key: string; name: string; test: (atc: string) => boolean }[] = [
  { key: 'M01A', name: 'NSAID, ATC M01A', test: (a) => a.startsWith('M01A') && !a.startsWith('M01AX') },
  // Every C10BA/C10BX product contains a statin (with ezetimibe, fenofibrate, amlodipine, ASA …).
  { key: 'C10-statin', name: 'statiner, også i kombinasjonspreparater, ATC C10AA/C10BA/C10BX', test: (a) => /^C10(AA|BA|BX)/.test(a) },
  { key: 'N02A', name: 'opioider, ATC N02A', test: (a) => a.startsWith('N02A') },
  { key: 'C09', name: 'RAS-hemmere: ACE-hemmere, angiotensin II-antagonister og renininhibitor, ATC C09', test: (a) => /^C09[ABCDX]/.test(a) },
  { key: 'B01A-oral', name: 'orale antikoagulantia, ATC B01AA/B01AE07/B01AF', test: (a) => a.startsWith('B01AA') || a === 'B01AE07' || a.startsWith('B01AF') },
];

/** Norwegian names of common ATC level-4 groups, for the finding text. */
const LEVEL4_NAME: Record<string, string> = {
  A02BA: 'H2-blokkere',
  A02BC: 'protonpumpehemmere',
  A10AB: 'hurtigvirkende insuliner',
  A10AE: 'langtidsvirkende insuliner',
  A10BB: 'sulfonylureaer',
  A10BH: 'DPP-4-hemmere',
  A10BK: 'SGLT2-hemmere',
  A10BJ: 'GLP-1-analoger',
  B01AC: 'platehemmere',
  C03CA: 'loopdiuretika (sulfonamider)',
  C03DA: 'aldosteronantagonister',
  C07AB: 'selektive betablokkere',
  C07AA: 'uselektive betablokkere',
  C08CA: 'kalsiumantagonister (dihydropyridiner)',
  C10AA: 'statiner',
  H02AB: 'glukokortikoider',
  H03AA: 'thyreoideahormoner',
  J01CA: 'bredspektrede penicilliner',
  N02AA: 'opioider (opiumalkaloider)',
  N03AX: 'andre antiepileptika',
  N05AH: 'antipsykotika (diazepiner, oksazepiner, tiazepiner)',
  N05BA: 'benzodiazepiner',
  N05CF: 'z-hypnotika',
  N06AA: 'trisykliske antidepressiva',
  N06AB: 'SSRI',
  N06AX: 'andre antidepressiva',
  R03AC: 'selektive beta-2-agonister',
  R06AE: 'antihistaminer (piperazinderivater)',
};

/**
 * The class named in a finding: the level-4 group's Norwegian name when every member is in that
 * one group ("statiner, ATC C10AA"), else the class's own name.
 */
export function classLabel(atcs: string[]): string | undefined {
  const codes = atcs.map((a) => a.trim().toUpperCase());
  const l4 = codes[0]?.slice(0, 5);
  if (l4 && LEVEL4_NAME[l4] && codes.every((a) => a.slice(0, 5) === l4)) return `${LEVEL4_NAME[l4]}, ATC ${l4}`;
  return codes[0] ? therapeuticClassOf(codes[0])?.name : undefined;
}

/** The duplicate-therapy class of a full ATC code: a broad class, else its level-4 group. */
export function therapeuticClassOf(atc: string): { key: string; name: string } | undefined {
  const a = atc.trim().toUpperCase();
  if (a.length < 5) return undefined;
  const broad = BROAD_CLASSES.find((c) => c.test(a));
  if (broad) return { key: broad.key, name: broad.name };
  const l4 = a.slice(0, 5);
  return { key: l4, name: LEVEL4_NAME[l4] ? `${LEVEL4_NAME[l4]}, ATC ${l4}` : `ATC-gruppe ${l4}` };
}

const SABA = new Set(['R03AC02', 'R03AC03', 'R03AC04']);
const LABA = new Set(['R03AC12', 'R03AC13', 'R03AC18', 'R03AC19']);
const P2Y12 = new Set(['B01AC04', 'B01AC22', 'B01AC24']);

/**
 * Same-class combinations clinicians use on purpose: the duplicate finding is kept (the combination
 * may still be a mistake) but at low severity, with the reason in words. `null` when none applies.
 * Short-acting + long-acting insulin needs no rule: they are different level-4 groups (A10AB, A10AE).
 */
export function intendedCombination(members: { atc?: string | undefined; form?: string | undefined }[]): string | null {
  const atcs = members.map((m) => m.atc?.trim().toUpperCase() ?? '');
  const count = (set: Set<string>) => atcs.filter((a) => set.has(a)).length;
  if (atcs.length === 2 && count(SABA) === 1 && count(LABA) === 1) {
    return 'korttidsvirkende og langtidsvirkende beta-2-agonist brukes ofte sammen med vilje (anfallsmedisin + vedlikehold)';
  }
  if (atcs.length === 2 && atcs.includes('B01AC06') && count(P2Y12) === 1) {
    return 'dobbel platehemming (acetylsalisylsyre + P2Y12-hemmer) brukes med vilje en tid etter hjerteinfarkt eller stent; kontroller at varigheten er planlagt';
  }
  if (atcs.length === 2 && atcs.includes('H03AA01') && atcs.includes('H03AA02')) {
    return 'levotyroksin + liotyronin brukes av og til med vilje som kombinasjonsbehandling';
  }
  if (atcs.every((a) => a.startsWith('N02A')) && atcs.length === 2) {
    const depot = members.filter((m) => /depot/i.test(m.form ?? '')).length;
    if (depot === 1) return 'langtidsvirkende opioid (depot) + hurtigvirkende opioid mot gjennombruddssmerter brukes ofte med vilje';
  }
  return null;
}
