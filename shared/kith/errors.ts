/**
 * The one error the KITH readers throw for input they cannot read: not XML, truncated, wrong root or
 * namespace, a required element missing or a value out of range. Callers can catch it and show
 * `message`, which names the file and the element ("ERM96-….xml: missing required element
 * M96/Listeelement/ReseptId").
 */
export class KithFormatError extends Error {
  /** The file (or other source label) being read. */
  source?: string;
  /** Path of the element at fault, e.g. `MsgHead/MsgInfo/MsgId`. */
  element?: string;

  constructor(message: string, options: { source?: string; element?: string; cause?: unknown } = {}) {
    const where = options.source ? `${options.source}: ` : '';
    super(`${where}${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KithFormatError';
    if (options.source !== undefined) this.source = options.source;
    if (options.element !== undefined) this.element = options.element;
  }
}
