import type { KeyspaceEventInfo } from '@keel/redis';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Control characters (tabs and line breaks included): they would break the line format. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Bytes as one printable token: the UTF-8 text when the bytes are valid UTF-8 without control
 * characters (tabs and line breaks included), else `base64:` and the base64 of the bytes.
 */
export function printable(bytes: Uint8Array): string {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return `base64:${Buffer.from(bytes).toString('base64')}`;
  }
  return CONTROL.test(text) ? `base64:${Buffer.from(bytes).toString('base64')}` : text;
}

/** The `-P` line: `KEY VALUE`, `(nil)` when there is no string value. */
export function pipelineLine(info: KeyspaceEventInfo): string {
  return `${printable(info.keyBytes)} ${info.value === null ? '(nil)' : printable(info.value)}\n`;
}

function describeValue(info: KeyspaceEventInfo): string {
  switch (info.valueKind) {
    case 'string':
      return info.value === null ? '(nil)' : `= ${printable(info.value)}`;
    case 'missing':
      return '(no value: the key is gone)';
    case 'non-string':
      return '(not a string)';
    case 'error':
      return `(value unavailable: ${info.fetchError?.message ?? 'error'})`;
    case 'not-fetched':
      return '';
  }
}

/** The readable line: `HH:MM:SS.mmm EVENT KEY = VALUE` (local time). */
export function readableLine(info: KeyspaceEventInfo): string {
  const time = new Date(info.receivedAt);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const clock = `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
  return (
    `${clock} ${info.event.padEnd(8)} ${printable(info.keyBytes)} ${describeValue(info)}`.trimEnd() + '\n'
  );
}
