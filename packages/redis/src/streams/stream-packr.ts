import { type Options, Packr } from 'msgpackr';

/**
 * The msgpack codec of stream and pub/sub messages. Plain MessagePack only, so kaiju (Python's
 * msgpack) reads what Keel writes and the other way round:
 *
 * - `useRecords: false`, `moreTypes: false`: no msgpackr record or type extensions; objects are
 *   maps, arrays are arrays, `undefined` is nil;
 * - `int64AsType: 'auto'`: 64-bit integers decode to numbers when they are safe integers, else to
 *   bigints (Python writes large ints as int64/uint64);
 * - `structuredClone: false`: reference extensions are refused; msgpackr renames a decoded
 *   `__proto__` key to `__proto_`.
 */
export const streamPackr: Packr = new Packr({
  useRecords: false,
  moreTypes: false,
  mapsAsObjects: true,
  variableMapSize: true,
  structuredClone: false,
  encodeUndefinedAsNil: true,
  // 'auto' is supported by msgpackr's decoder but missing from its typings.
  int64AsType: 'auto' as unknown as NonNullable<Options['int64AsType']>,
});
