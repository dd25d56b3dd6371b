/** Offsets of the 16 bytes' hex pairs in a canonical UUID string. */
const PAIR_OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34] as const;
/** ASCII codes of the lowercase hex digits, by value. */
const HEX_DIGIT = new TextEncoder().encode('0123456789abcdef');
/** Reused output of {@link bytesToUuid}: 36 latin1 characters, dashes in place. */
const SCRATCH = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
/** The canonical `8-4-4-4-12` hex form, any case. */
const UUID_FORM = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** True for a UUID in the canonical `8-4-4-4-12` hex form (any case). */
export function isUuidString(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID_FORM.test(value);
}

/** The value of a hex digit's character code (`0-9`, `a-f`, `A-F`; nothing else is passed). */
function nibble(code: number): number {
  return (code & 0xf) + (code >> 6) * 9;
}

/** Writes the 16 bytes of a UUID string checked by {@link isUuidString} at `target[offset]`. */
export function writeUuidBytes(uuid: string, target: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = PAIR_OFFSETS[i] ?? 0;
    target[offset + i] = (nibble(uuid.charCodeAt(at)) << 4) | nibble(uuid.charCodeAt(at + 1));
  }
}

/** The 16 bytes of a canonical UUID string (any case), or `undefined` when `uuid` is not one. */
export function uuidToBytes(uuid: string): Buffer | undefined {
  if (!isUuidString(uuid)) return undefined;
  const bytes = Buffer.allocUnsafe(16);
  writeUuidBytes(uuid, bytes, 0);
  return bytes;
}

/** The canonical lowercase UUID string of 16 bytes. */
export function bytesToUuid(bytes: Uint8Array): string {
  for (let i = 0; i < 16; i++) {
    const byte = bytes[i] ?? 0;
    const at = PAIR_OFFSETS[i] ?? 0;
    SCRATCH[at] = HEX_DIGIT[byte >> 4] ?? 48;
    SCRATCH[at + 1] = HEX_DIGIT[byte & 15] ?? 48;
  }
  return SCRATCH.toString('latin1', 0, 36);
}
