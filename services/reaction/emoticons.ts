import { Emoticon } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';

/** Every emoticon a viewer can send, in enum order, with the lower-case name stored in Cassandra. */
export const emoticons: ReadonlyArray<{ value: Emoticon; name: string }> = Object.values(Emoticon)
  .filter((value): value is Emoticon => typeof value === 'number' && value > Emoticon.EMOTICON_UNSPECIFIED)
  .map((value) => ({ value, name: Emoticon[value].replace('EMOTICON_', '').toLowerCase() }));

export const emoticonNames = emoticons.map((e) => e.name);

export function emoticonName(value: Emoticon): string | undefined {
  return emoticons.find((e) => e.value === value)?.name;
}
