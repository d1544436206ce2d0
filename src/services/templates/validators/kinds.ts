import { amount } from './amount.js';
import { carNumber } from './car-number.js';
import { date, time } from './date-time.js';
import { enumKind } from './enum-string.js';
import type { KindValidator } from './kind-validator.js';
import { name } from './name.js';
import { number } from './number.js';
import {
  characterString,
  letter,
  phoneNumber,
  phrase,
  shortThing,
  symbol,
  thing,
} from './simple-kinds.js';
import { unverifiedKind } from './unverified-kind.js';

/** Keyword kinds with a known rule, keyed by kind (the key minus its trailing digits). */
const KIND_VALIDATORS: ReadonlyMap<string, KindValidator> = new Map([
  ['thing', thing],
  ['number', number],
  ['letter', letter],
  ['symbol', symbol],
  ['character_string', characterString],
  ['time', time],
  ['date', date],
  ['amount', amount],
  ['phone_number', phoneNumber],
  ['car_number', carNumber],
  ['name', name],
  ['phrase', phrase],
  ['enum_string', enumKind('enum_string')],
  ['enum', enumKind('enum')],
  ['short_thing', shortThing],
]);

export const KNOWN_KEYWORD_KINDS: readonly string[] = [...KIND_VALIDATORS.keys()];

export const ENUM_KINDS: readonly string[] = ['enum_string', 'enum'];

export function isEnumKind(kind: string): boolean {
  return ENUM_KINDS.includes(kind);
}

export function validatorFor(kind: string): KindValidator {
  return KIND_VALIDATORS.get(kind) ?? unverifiedKind(kind);
}
