import { createRequire } from 'node:module';

// The country-list package keeps the ISO 3166-1 alpha-2 list current (249 codes).
const { getCodes } = createRequire(import.meta.url)('country-list') as { getCodes: () => string[] };

/** Every assigned ISO 3166-1 alpha-2 code, upper case. */
export const countryCodes: readonly string[] = getCodes()
  .map((code) => code.toUpperCase())
  .sort();
const known = new Set(countryCodes);

/** The upper-case code if `value` is an assigned ISO 3166-1 alpha-2 code (in any case), else undefined. */
export function normalizeCountry(value: string): string | undefined {
  const code = value.trim().toUpperCase();
  return known.has(code) ? code : undefined;
}
