/** Number of hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

const CRC16_TABLE = ((): Uint16Array => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** CRC16/XMODEM of `bytes`, the checksum Redis Cluster hashes keys with. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  return crc;
}

/**
 * The cluster hash slot of `key`: CRC16 of the key, or of its hash tag (the part between the
 * first `{` and the next `}`, when not empty), modulo 16384 — as `CLUSTER KEYSLOT` computes it.
 */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key) : key;
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % CLUSTER_SLOTS;
  }
  return crc16(bytes) % CLUSTER_SLOTS;
}

/** An inclusive range of slots. */
export interface SlotRange {
  readonly from: number;
  readonly to: number;
}

/** True when `slot` is in one of `ranges`. */
export function slotInRanges(slot: number, ranges: readonly SlotRange[]): boolean {
  return ranges.some((range) => slot >= range.from && slot <= range.to);
}

/** True when two lists of ranges share a slot. */
export function rangesOverlap(a: readonly SlotRange[], b: readonly SlotRange[]): boolean {
  return a.some((x) => b.some((y) => x.from <= y.to && y.from <= x.to));
}

/**
 * A short hash tag (without braces) whose slot is in `ranges`: `{tag}` routes a key to the
 * node serving those slots. Undefined when `ranges` is empty.
 */
export function hashTagForRanges(ranges: readonly SlotRange[]): string | undefined {
  if (ranges.length === 0) return undefined;
  // Every slot is reached within a few hundred thousand candidates; a node owns thousands.
  for (let candidate = 0; candidate < 1_000_000; candidate++) {
    const tag = candidate.toString(36);
    if (slotInRanges(crc16(Buffer.from(tag)) % CLUSTER_SLOTS, ranges)) return tag;
  }
  return undefined;
}
