// Norwegian texts of the offline ward view, session lock and emergency access (issue 7). Kept next
// to the feature while the other issues edit i18n/nb.ts; the lead may fold them into nb.ts.

export const nbWard = {
  heading: 'Avdelingen',
  unitLabel: 'Avdeling',
  download: 'Last ned for frakoblet bruk',
  downloading: (done: number, total: number) => `Henter legemiddellister: ${done} av ${total} beboere`,
  downloaded: (when: string, n: number) => `Lastet ned ${when} (${n} beboere)`,
  notDownloaded: 'Avdelingen er ikke lastet ned på denne maskinen ennå.',
  someFailed: (n: number) => `${n} beboere kunne ikke hentes; for dem vises eventuelle eldre data.`,
  downloadOffline: 'Fikk ikke kontakt med megleren (frakoblet). Avdelingen ble ikke lastet ned på nytt.',
  downloadAllFailed: (first: string) => `Ingen beboere kunne hentes: ${first}`,
  residents: 'Beboere',
  overview: 'Avdelingsoversikt',
  backToList: 'Tilbake til beboerlisten',
  print: 'Skriv ut',
  multidose: 'Multidose',
  cave: 'CAVE',
  noCave: 'Ingen registrert CAVE',
  rounds: {
    morning: 'Morgen',
    midday: 'Midt på dagen',
    evening: 'Kveld',
    night: 'Natt',
    asNeeded: 'Ved behov',
    unscheduled: 'Uten fast tidspunkt',
  } as Record<string, string>,
  noMedicines: 'Ingen aktive legemidler',
  sourcePll: 'Fra pasientens legemiddelliste (PLL)',
  sourcePrescriptions: 'Ingen PLL: viser gyldige resepter',
  fetched: (when: string) => `Data hentet ${when}`,
  stale: (hours: number, when: string) => `Eldre enn ${hours} timer: hentet ${when}. Kontroller mot oppdatert liste før bruk.`,
  readOnly: 'Kun visning. Endringer gjøres av lege.',
  medicinesHeader: 'Legemidler',
  settings: 'Innstillinger',
  staleAfterHours: 'Marker data som gamle etter (timer)',
  lockAfterMinutes: 'Lås skjermen etter inaktivitet (minutter)',
  save: 'Lagre',
  saved: 'Lagret',
  damaged: 'Lagrede data for avdelingen kunne ikke leses (endret, skadet eller fra en annen nøkkel). Last ned på nytt.',
};

export const nbOffline = {
  banner: (when: string) => `Frakoblet — data fra ${when}`,
  cachedAvailable: (when: string) => `Lagrede data for pasienten finnes, hentet ${when}. De kan være utdaterte.`,
  showCached: 'Vis lagrede data (kun visning)',
  hideCached: 'Skjul lagrede data',
  bannerNoData: 'Frakoblet — ingen nedlastede data på denne maskinen',
  bannerDetail: 'Viser lagrede data. Nye oppslag og sending er ikke mulig før forbindelsen er tilbake.',
  vaultLoading: 'Åpner den krypterte lokale lagringen …',
  insecureTitle: 'Pasientdata kan ikke lagres på denne maskinen',
  insecureBody:
    'Operativsystemet har ingen sikker nøkkellagring (for eksempel GNOME-nøkkelring eller KWallet) som Samstem kan bruke. Uten den ville krypteringsnøkkelen ligge ukryptert på disken, og Samstem lagrer da ikke pasientdata.',
  insecureWhat: 'Be IT-ansvarlig aktivere nøkkelringen for brukerkontoen din, og start Samstem på nytt.',
  vaultFailedTitle: 'Den krypterte lokale lagringen kunne ikke åpnes',
};

export const nbLock = {
  title: 'Skjermen er låst',
  body: (minutes: number) => `Samstem låste skjermen etter ${minutes} minutter uten aktivitet. Pasientdata er skjult til du logger inn igjen.`,
  unlockAs: (name: string) => `Logg inn igjen som ${name}`,
  lockNow: 'Lås skjermen',
};

export const nbEmergency = {
  title: 'Akuttilgang',
  intro: 'Pasienten er ikke knyttet til deg eller enhetene dine. Du kan bare åpne journalen med akuttilgang når det er nødvendig for å gi helsehjelp nå.',
  reasonLabel: 'Begrunnelse',
  reasonHint: 'Skriv hvorfor du trenger opplysningene nå. Begrunnelsen logges og kan ses av pasienten.',
  reasonTooShort: 'Skriv en begrunnelse på minst 10 tegn.',
  submit: 'Åpne med akuttilgang',
  cancel: 'Avbryt',
  active: (reason: string) => `Åpnet med akuttilgang: «${reason}»`,
};
