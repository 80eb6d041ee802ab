// Runs sandboxed, in an isolated world, before the page. It exposes `window.samstem` (typed by
// SamstemBridge in shared/ipc.ts) and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'samstem',
  createBridge((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
);
