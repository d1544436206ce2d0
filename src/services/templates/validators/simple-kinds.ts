import { lengthAndClasses, type KindValidator } from './kind-validator.js';

// Limits from WeChat's official value table (docs/wechat.md §3.2) unless the rule text says otherwise.

export const thing: KindValidator = lengthAndClasses(
  'thing: at most 20 characters of any kind',
  20,
  ['chinese', 'letter', 'digit', 'symbol'],
);

export const shortThing: KindValidator = lengthAndClasses(
  "short_thing: at most 5 characters of any kind (community-observed limit; this kind is not in WeChat's official table)",
  5,
  ['chinese', 'letter', 'digit', 'symbol'],
);

export const letter: KindValidator = lengthAndClasses(
  'letter: at most 32 letters, letters only',
  32,
  ['letter'],
);

export const symbol: KindValidator = lengthAndClasses(
  'symbol: at most 5 symbols, symbols only (not Chinese, letters or digits)',
  5,
  ['symbol'],
);

export const characterString: KindValidator = lengthAndClasses(
  'character_string: at most 32 digits, letters or symbols; no Chinese',
  32,
  ['letter', 'digit', 'symbol'],
);

export const phoneNumber: KindValidator = lengthAndClasses(
  'phone_number: at most 17 digits or symbols, e.g. +86-0766-66888866',
  17,
  ['digit', 'symbol'],
);

export const phrase: KindValidator = lengthAndClasses(
  'phrase: at most 5 Chinese characters, Chinese only',
  5,
  ['chinese'],
);
