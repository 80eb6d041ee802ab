// The application menu: only what a desktop user expects (quit, copy/paste, zoom, fullscreen).
// No "open", no navigation; developer tools only in development builds.
import type { MenuItemConstructorOptions } from 'electron';

export function buildMenuTemplate(opts: { platform: string; isDev: boolean; appName: string }): MenuItemConstructorOptions[] {
  const isMac = opts.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom', label: 'Faktisk størrelse' },
    { role: 'zoomIn', label: 'Zoom inn' },
    { role: 'zoomOut', label: 'Zoom ut' },
    { type: 'separator' },
    { role: 'togglefullscreen', label: 'Fullskjerm' },
  ];
  if (opts.isDev) {
    view.push({ type: 'separator' }, { role: 'reload', label: 'Last inn på nytt' }, { role: 'toggleDevTools', label: 'Utviklerverktøy' });
  }
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: opts.appName,
      submenu: [{ role: 'about', label: `Om ${opts.appName}` }, { type: 'separator' }, { role: 'hide', label: `Skjul ${opts.appName}` }, { role: 'quit', label: `Avslutt ${opts.appName}` }],
    });
  } else {
    template.push({ label: 'Fil', submenu: [{ role: 'quit', label: 'Avslutt' }] });
  }
  template.push(
    {
      label: 'Rediger',
      submenu: [
        { role: 'undo', label: 'Angre' },
        { role: 'redo', label: 'Gjør om' },
        { type: 'separator' },
        { role: 'cut', label: 'Klipp ut' },
        { role: 'copy', label: 'Kopier' },
        { role: 'paste', label: 'Lim inn' },
        { role: 'selectAll', label: 'Merk alt' },
      ],
    },
    { label: 'Vis', submenu: view },
    { role: 'windowMenu', label: 'Vindu' },
  );
  return template;
}
