import { tagMaps } from './map-wire.js';
import { bytesToUuid, isUuidString } from './uuid-bytes.js';
import { UuidWire } from './uuid-wire.js';

/**
 * How a value maps to what is packed, without validating it: positional structs, UUIDs as
 * bytes, and `Map` tagging. `fromWire` is best effort — what it cannot rebuild it returns as is,
 * and the type check that follows reports it.
 */
export interface WireShape {
  /** True when `fromWire` is the identity (containers may then skip their elements). */
  readonly plain: boolean;
  /** Converts a (checked) value to the value to pack; never mutates `value`. */
  toWire(value: unknown): unknown;
  /** Rebuilds a value from what was unpacked; may reuse (mutate) the unpacked containers. */
  fromWire(wire: unknown): unknown;
}

/** Values packed as they are (apart from `Map` tagging). */
export const plainShape: WireShape = {
  plain: true,
  toWire: tagMaps,
  fromWire: (wire: unknown): unknown => wire,
};

/** A UUID string packed as 16 bytes (bin 8), read back as its canonical lowercase string. */
export const uuidShape: WireShape = {
  plain: false,
  toWire: (value: unknown): unknown => (isUuidString(value) ? new UuidWire(value) : value),
  fromWire: (wire: unknown): unknown =>
    wire instanceof Uint8Array && wire.length === 16 ? bytesToUuid(wire) : wire,
};
