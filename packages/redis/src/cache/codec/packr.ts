import { addExtension, C1, Packr } from 'msgpackr';
import { MapWire, mapFromWire } from './map-wire.js';
import { writeUuidBytes } from './uuid-bytes.js';
import { UuidWire } from './uuid-wire.js';

/** msgpack extension type of a tagged `Map` (`m`); msgpackr itself uses `s` for `Set`. */
export const MAP_EXTENSION_TYPE = 0x6d;

/** msgpackr's `allocateForWrite`: reserves `size` bytes of the output, returns where they are. */
type AllocateForWrite = (size: number) => { target: Uint8Array; position: number };

/** Writes a {@link UuidWire} as bin 8 (`c4 10` + 16 bytes) directly into the output. */
function packUuid(wire: UuidWire, allocateForWrite: AllocateForWrite): void {
  const { target, position } = allocateForWrite(18);
  target[position] = 0xc4;
  target[position + 1] = 16;
  writeUuidBytes(wire.uuid, target, position + 2);
}

// msgpackr requires a `type` on an extension with `pack`, and registers it for reading as well.
// The UUID writer never writes that type (it writes plain bin 8), so it borrows the Map's type:
// the Map extension, registered next, takes over reading it, and no other code is claimed.
addExtension({
  Class: UuidWire,
  type: MAP_EXTENSION_TYPE,
  // msgpackr passes `allocateForWrite` to `pack`; its typings only declare the value.
  pack: packUuid as unknown as (value: unknown) => Buffer,
});
addExtension({
  Class: MapWire,
  type: MAP_EXTENSION_TYPE,
  write: (wire: MapWire): readonly unknown[] => wire.entries,
  read: mapFromWire,
});

/**
 * The one msgpackr instance of the cache codec.
 *
 * - `useRecords: false`: no record extension, so strings, numbers, arrays and objects are plain
 *   msgpack any reader (e.g. Python's msgpack in kaiju) decodes;
 * - `variableMapSize`: objects use the smallest map header (fixmap), as other encoders do;
 * - `moreTypes`: `Set` and typed arrays keep their type (msgpackr tags);
 * - `structuredClone: false`: crafted reference/pointer extensions are refused;
 * - `int64AsType: 'bigint'`: 64-bit integers decode to `bigint` (JS numbers are never written as
 *   int64, bigints always are), so a `bigint` round-trips.
 *
 * Dates use the standard timestamp extension (-1); `Map`s the `m` tag registered above (the
 * registration is process-wide: every msgpackr reader in the process decodes the tag to a `Map`).
 * Decoded maps are plain objects; msgpackr renames a `__proto__` key to `__proto_`.
 */
export const cachePackr: Packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  moreTypes: true,
  structuredClone: false,
  int64AsType: 'bigint',
});

/** msgpackr's marker for the never-used byte 0xc1, which is not a MessagePack value. */
export const NEVER_USED_MARKER: unknown = C1;
