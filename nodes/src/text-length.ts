// How platforms count characters. The spec counts Unicode code points; LINE counts UTF-16 code
// units for message text and grapheme clusters for labels; WhatsApp Flow button names count a
// CJK character as 3.

export type CountMode = 'codepoints' | 'utf16' | 'graphemes' | 'cjk3';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const CJK = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF\u{20000}-\u{3FFFF}]/u;

export function textLength(value: string, mode: CountMode = 'codepoints'): number {
  switch (mode) {
    case 'utf16':
      return value.length;
    case 'codepoints': {
      let n = 0;
      for (const _ of value) n++;
      return n;
    }
    case 'graphemes': {
      let n = 0;
      for (const _ of segmenter.segment(value)) n++;
      return n;
    }
    case 'cjk3': {
      let n = 0;
      for (const ch of value) n += CJK.test(ch) ? 3 : 1;
      return n;
    }
  }
}

const EMOJI = /\p{Extended_Pictographic}/u;
export function containsEmoji(value: string): boolean {
  return EMOJI.test(value);
}
