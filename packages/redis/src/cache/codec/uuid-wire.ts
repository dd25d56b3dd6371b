/**
 * A UUID string on its way to the wire. The packr writes it as msgpack bin 8 of its 16 bytes,
 * straight into its output buffer, so no `Buffer` is allocated per value.
 */
export class UuidWire {
  /** @param uuid a canonical UUID string (checked with `isUuidString`). */
  constructor(readonly uuid: string) {}
}
