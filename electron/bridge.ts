// The object the preload exposes as `window.samstem`: one function per allow-listed channel, each
// a single ipcRenderer.invoke, and one subscription per allow-listed main → page event. Built from
// `invoke` and `subscribe` functions so it is tested without Electron, and so the page never gets
// ipcRenderer itself (no send/on to arbitrary channels, no IPC event objects).
import { IPC_CHANNELS, IPC_EVENTS, parseOsLockEvent, type IpcEventChannel, type OsLockEvent, type PrintPdfRequest, type SamstemBridge } from '../shared/ipc';

export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

/** Listens on one allow-listed event channel; the listener gets the payload only. Returns unsubscribe. */
export type Subscribe = (channel: IpcEventChannel, listener: (payload: unknown) => void) => () => void;

const noSubscribe: Subscribe = () => () => undefined;

export function createBridge(invoke: Invoke, subscribe: Subscribe = noSubscribe): SamstemBridge {
  return Object.freeze({
    getAppInfo: () => invoke(IPC_CHANNELS.appInfo) as ReturnType<SamstemBridge['getAppInfo']>,
    getStorageKey: () => invoke(IPC_CHANNELS.storageKey) as ReturnType<SamstemBridge['getStorageKey']>,
    printToPdf: (request?: PrintPdfRequest) =>
      (request === undefined ? invoke(IPC_CHANNELS.printPdf) : invoke(IPC_CHANNELS.printPdf, request)) as ReturnType<SamstemBridge['printToPdf']>,
    onOsLock: (listener: (event: OsLockEvent) => void) => {
      if (typeof listener !== 'function') throw new TypeError('onOsLock: listener must be a function');
      return subscribe(IPC_EVENTS.osLock, (payload) => {
        // Only a well-formed payload reaches the page; anything else is dropped, not guessed at.
        const event = parseOsLockEvent(payload);
        if (event) listener(event);
      });
    },
  });
}
