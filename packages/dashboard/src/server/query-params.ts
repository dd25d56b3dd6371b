// Reads and checks query-string parameters of API requests (a 400 for anything wrong).
import { DashboardRequestError } from '../dashboard-request-error.js';

/** Longest accepted string parameter. */
const MAX_TEXT = 1024;

/** The parameter `name`, or `undefined` when absent; a 400 when empty or too long. */
export function optionalText(url: URL, name: string, max = MAX_TEXT): string | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  if (value === '' || value.length > max) {
    throw new DashboardRequestError(400, `${name}: expected 1 to ${max} characters`);
  }
  return value;
}

/** The parameter `name`; a 400 when missing. */
export function requiredText(url: URL, name: string, max = MAX_TEXT): string {
  const value = optionalText(url, name, max);
  if (value === undefined) throw new DashboardRequestError(400, `${name}: required`);
  return value;
}

/** Every value of a repeated parameter (`key=a&key=b`), at most `maxItems`. */
export function textList(url: URL, name: string, maxItems: number): string[] {
  const values = url.searchParams.getAll(name);
  if (values.length > maxItems) {
    throw new DashboardRequestError(400, `${name}: at most ${maxItems} values`);
  }
  for (const value of values) {
    if (value === '' || value.length > MAX_TEXT) {
      throw new DashboardRequestError(400, `${name}: expected 1 to ${MAX_TEXT} characters`);
    }
  }
  return values;
}

/** An integer parameter in `[min, max]`, `fallback` when absent. */
export function intParam(url: URL, name: string, min: number, max: number, fallback: number): number {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new DashboardRequestError(
      400,
      `${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return parsed;
}
