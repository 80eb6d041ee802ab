// Norwegian (bokmål) error texts for the identity-number and dosage parsers. Each says what is
// wrong and what to do. Kept here so the UI's message catalogue can take them over in one place.

import type { IdentityKind } from './model';

const kindName: Record<IdentityKind, string> = { FNR: 'fødselsnummeret', DNR: 'D-nummeret', HNR: 'H-nummeret' };

export const identityMessages = {
  empty: () => 'Fødselsnummer mangler. Skriv inn 11 siffer.',
  digits: (found: string) => `Fødselsnummeret kan bare inneholde siffer (fant «${found}»). Skriv bare de 11 sifrene.`,
  length: (n: number) => `Fødselsnummeret må ha 11 siffer (du skrev ${n}).`,
  bothDayAndMonthShifted: (shown: string) =>
    `Datoen i nummeret (${shown}) finnes ikke: både dag og måned er over 40. Sjekk at nummeret er skrevet riktig.`,
  century: (individual: string, year: string) =>
    `Individnummeret ${individual} passer ikke med fødselsåret ${year}. Sjekk at nummeret er skrevet riktig.`,
  date: (shown: string, kind: IdentityKind) =>
    `Datoen i ${kindName[kind]} (${shown}) finnes ikke. Sjekk at nummeret er skrevet riktig.`,
  checksum: () => 'Kontrollsifrene stemmer ikke. Sjekk at nummeret er skrevet riktig.',
};

export const amountMessages = {
  empty: () => 'Skriv inn en mengde, f.eks. 1 eller 0,5.',
  decimalPoint: (text: string) =>
    `Bruk komma som desimaltegn (f.eks. 0,5), ikke punktum som i «${text}». Punktum er tvetydig: «1.000» kan leses både som 1 og 1000.`,
  ambiguousComma: (text: string) =>
    `«${text}» kan leses både som desimaltall og som tusen. Skriv tusener uten skilletegn (f.eks. 1000), eller desimaltallet uten null på slutten (f.eks. 1,5).`,
  notANumber: (text: string) => `«${text}» er ikke et tall. Skriv f.eks. 1, 0,5, ½ eller 1/2.`,
  negative: () => 'Mengden kan ikke være negativ.',
  zero: () => 'Mengden må være større enn 0.',
  tooLarge: () => 'Mengden er for stor (over 1 000 000). Sjekk tallet og enheten.',
  tooManyDecimals: (text: string) => `«${text}» har for mange desimaler. Bruk høyst 4 desimaler.`,
  divideByZero: (text: string) => `«${text}» deler på null. Skriv en brøk som 1/2.`,
  inexactFraction: (text: string) =>
    `Brøken «${text}» gir ikke et eksakt desimaltall. Skriv mengden som desimaltall (f.eks. 0,33).`,
};

export const shortCodeMessages = {
  empty: () => 'Kortdosen er tom. Skriv f.eks. 1+0+0+1.',
  notTimeOfDay: (code: string) =>
    `Kortdosen «${code}» sier ikke hvilke tider på døgnet dosen gis. Bruk doseringen i tekst eller strukturert dosering.`,
  separator: (code: string, suggestion: string) => `Bruk + mellom leddene i kortdosen: skriv «${suggestion}», ikke «${code}».`,
  partCount: (code: string, n: number) =>
    `Kortdosen «${code}» har ${n} ledd. Bruk 3 ledd (morgen+midt på dagen+kveld) eller 4 ledd (morgen+formiddag+ettermiddag+kveld).`,
  part: (index: number, reason: string) => `Ledd ${index} i kortdosen: ${reason}`,
  allZero: (code: string) => `Kortdosen «${code}» gir ingen dose. Minst ett ledd må være større enn 0.`,
};
