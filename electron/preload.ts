// Runs sandboxed, in an isolated world, before the page. It exposes `window.samstem` (typed by
// SamstemBridge in shared/ipc.ts) and nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isIpcEventChannel } from '../shared/ipc';
import { createBridge, type Subscribe } from './bridge';

const subscribe: Subscribe = (channel, listener) => {
  if (!isIpcEventChannel(channel)) throw new TypeError(`IPC event "${String(channel)}" is not allow-listed`);
  // The IPC event holds ipcRenderer: the page gets the payload only.
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
};

contextBridge.exposeInMainWorld(
  'samstem',
  createBridge((channel, ...args) => ipcRenderer.invoke(channel, ...args), subscribe),
);
