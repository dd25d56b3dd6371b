// bearerTokenMatches: checks an `Authorization: Bearer <token>` header in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * True when `authorization` (an `Authorization` header) is `Bearer <token>`. The secrets are
 * compared as SHA-256 digests in constant time, so neither their content nor their length leaks.
 */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  const given = match?.[1]?.trim();
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}
