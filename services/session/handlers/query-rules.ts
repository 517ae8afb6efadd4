import { ValidationError } from '../../shared/errors.js';
import { quoted } from '../../shared/quote.js';
import { normalizeCountry } from '../countries.js';

export const MAX_WINDOW_HOURS = 8760;

export function checkWindowHours(hours: number): void {
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_WINDOW_HOURS) {
    throw new ValidationError('hours', `must be a whole number from 1 to ${MAX_WINDOW_HOURS}, got ${hours}`);
  }
}

export function checkCountry(country: string): string {
  const code = normalizeCountry(country);
  if (!code) throw new ValidationError('country', `must be an ISO 3166-1 alpha-2 country code, got ${quoted(country)}`);
  return code;
}

/** `value`, or `fallback` when it is 0 (unset); outside 1..max is an error naming the field. */
export function sizeOrDefault(field: string, value: number, fallback: number, max: number): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(field, `must be from 1 to ${max} (0 means ${fallback}), got ${value}`);
  }
  return value;
}
