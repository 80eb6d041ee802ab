// The object the preload exposes as `window.samstem`: one function per allow-listed channel, each
// a single ipcRenderer.invoke. Built from an `invoke` function so it is tested without Electron,
// and so the page never gets ipcRenderer itself (no send/on to arbitrary channels).
import { IPC_CHANNELS, type PrintPdfRequest, type SamstemBridge } from '../shared/ipc';

export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

export function createBridge(invoke: Invoke): SamstemBridge {
  return Object.freeze({
    getAppInfo: () => invoke(IPC_CHANNELS.appInfo) as ReturnType<SamstemBridge['getAppInfo']>,
    getStorageKey: () => invoke(IPC_CHANNELS.storageKey) as ReturnType<SamstemBridge['getStorageKey']>,
    printToPdf: (request?: PrintPdfRequest) =>
      (request === undefined ? invoke(IPC_CHANNELS.printPdf) : invoke(IPC_CHANNELS.printPdf, request)) as ReturnType<SamstemBridge['printToPdf']>,
  });
}
