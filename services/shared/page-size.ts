import { ValidationError } from './errors.js';

/** `value`, or `fallback` when it is 0 (unset); outside 1..max is an error naming the field. */
export function sizeOrDefault(field: string, value: number, fallback: number, max: number): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(field, `must be from 1 to ${max} (0 means ${fallback}), got ${value}`);
  }
  return value;
}
