import { ValidationError } from '../../shared/errors.js';
import { quoted } from '../../shared/quote.js';
import { normalizeCountry } from '../../shared/countries.js';

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
