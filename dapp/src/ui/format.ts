/**
 * Number and date formatting with formatters made once: `Number#toLocaleString` and
 * `Date#toLocaleString` build a new Intl formatter on every call, which on a page of counters
 * re-rendered every few seconds was most of its script time.
 */
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** 1234567 -> "1,234,567" (also bigints). */
export const formatInteger = (value: number | bigint): string => integer.format(value);
export const formatTime = (date: Date | number): string => timeOfDay.format(date);
export const formatDateTime = (date: Date | number): string => dateTime.format(date);
