// Typed, allow-listed IPC in the main process, after VS Code's validatedIpcMain: a handler exists
// only for the channels in shared/ipc.ts, and every call is checked to come from the main frame of
// a page served from our own app:// origin before the handler runs.
import { ALLOWED_IPC_CHANNELS, type IpcChannel, type IpcContract } from '../shared/ipc';
import { isAppUrl } from './security';

/** The part of Electron's IpcMainInvokeEvent we look at. */
export interface SenderEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

/** The part of Electron's ipcMain we use. */
export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/**
 * True only for a call from a live top-level frame showing app://samstem/… . A destroyed frame
 * (null), an iframe, or a page that has somehow navigated elsewhere is refused.
 */
export function validateSender(event: SenderEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isAppUrl(frame.url);
}

export class IpcSenderRejected extends Error {
  constructor(channel: string, url: string | undefined) {
    super(`IPC "${channel}" refused: sender ${url ?? '(no frame)'} is not the Samstem app`);
    this.name = 'IpcSenderRejected';
  }
}

export type IpcHandlers<E> = {
  [C in IpcChannel]: (event: E, request: unknown) => Promise<IpcContract[C]['response']> | IpcContract[C]['response'];
};

/**
 * Registers exactly one handler per allow-listed channel. The handler gets the raw (untrusted)
 * argument and must validate it itself (see parsePrintPdfRequest). Returns an unregister function.
 */
export function registerIpcHandlers<E extends SenderEvent>(ipcMain: IpcMainLike<E>, handlers: IpcHandlers<E>): () => void {
  for (const channel of ALLOWED_IPC_CHANNELS) {
    const handler = handlers[channel] as (event: E, request: unknown) => unknown;
    ipcMain.handle(channel, async (event: E, ...args: unknown[]) => {
      if (!validateSender(event)) {
        throw new IpcSenderRejected(channel, event.senderFrame?.url);
      }
      if (args.length > 1) throw new TypeError(`IPC "${channel}" takes at most one argument`);
      return handler(event, args[0]);
    });
  }
  return () => {
    for (const channel of ALLOWED_IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}
