/**
 * WeChat's `time` and `date` value grammar (value table, 订阅消息参数值内容限制说明):
 * a date is y年m月d日, y年m月, m月d日, or y-m-d, y-m, m-d joined by one of - / . ;
 * a time is 24-hour HH:MM or HH:MM:SS; `date` is a date with an optional time after a space,
 * `time` a time with an optional date before it; either may be a range of two such points
 * joined by an ASCII `~`.
 */

const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const MONTH = '(0?[1-9]|1[0-2])';
const DAY = '(0?[1-9]|[12]\\d|3[01])';
const YEAR = '\\d{4}';
const DATE_FORMS: readonly RegExp[] = [
  new RegExp(`^${YEAR}年${MONTH}月${DAY}日$`),
  new RegExp(`^${YEAR}年${MONTH}月$`),
  new RegExp(`^${MONTH}月${DAY}日$`),
  ...['-', '/', '.'].flatMap((sep) => {
    const s = `\\${sep}`;
    return [
      new RegExp(`^${YEAR}${s}${MONTH}${s}${DAY}$`),
      new RegExp(`^${YEAR}${s}${MONTH}$`),
      new RegExp(`^${MONTH}${s}${DAY}$`),
    ];
  }),
];

function isDate(text: string): boolean {
  return DATE_FORMS.some((form) => form.test(text));
}

function isPoint(text: string, timeRequired: boolean): boolean {
  const words = text.split(/ +/);
  if (words.length === 2) return isDate(words[0]!) && TIME.test(words[1]!);
  if (words.length !== 1) return false;
  return timeRequired ? TIME.test(text) : isDate(text);
}

function isPointOrRange(value: string, timeRequired: boolean): boolean {
  const points = value.trim().split(/ *~ */);
  return points.length <= 2 && points.every((point) => isPoint(point, timeRequired));
}

export const isTimeValue = (value: string): boolean => isPointOrRange(value, true);
export const isDateValue = (value: string): boolean => isPointOrRange(value, false);
