import { describe, expect, it } from 'vitest';
import type { CaptionLine } from './lines.js';
import { toSrt, toVtt } from './sidecar.js';

const lines: CaptionLine[] = [
  {
    start: 0.5,
    end: 1.6,
    words: [
      { text: 'Hello', start: 0.5, end: 0.8 },
      { text: 'big', start: 0.9, end: 1.1 },
      { text: 'world', start: 1.2, end: 1.5 },
    ],
  },
  { start: 3661.0004, end: 3662.25, words: [{ text: 'a <b> & c', start: 3661, end: 3662 }] },
];

describe('toSrt', () => {
  it('writes numbered cues with comma milliseconds', () => {
    expect(toSrt(lines)).toBe('1\n00:00:00,500 --> 00:00:01,600\nHello big world\n\n2\n01:01:01,000 --> 01:01:02,250\na <b> & c\n');
  });

  it('skips empty lines and numbers the rest in order', () => {
    const srt = toSrt([{ start: 0, end: 1, words: [{ text: ' ', start: 0, end: 1 }] }, ...lines.slice(0, 1)]);
    expect(srt.startsWith('1\n00:00:00,500')).toBe(true);
    expect(toSrt([])).toBe('');
  });
});

describe('toVtt', () => {
  it('writes the header, dot milliseconds and escaped text', () => {
    expect(toVtt(lines)).toBe('WEBVTT\n\n00:00:00.500 --> 00:00:01.600\nHello big world\n\n01:01:01.000 --> 01:01:02.250\na &lt;b&gt; &amp; c\n');
    expect(toVtt([])).toBe('WEBVTT\n');
  });

  it('karaoke: a timestamp before each later word, inside the cue', () => {
    const vtt = toVtt(lines, { karaoke: true });
    expect(vtt).toBe(
      'WEBVTT\n\n00:00:00.500 --> 00:00:01.600\nHello <00:00:00.900>big <00:00:01.200>world\n\n01:01:01.000 --> 01:01:02.250\na &lt;b&gt; &amp; c\n',
    );
    const late = toVtt(
      [
        {
          start: 0,
          end: 1,
          words: [
            { text: 'a', start: 0, end: 0.5 },
            { text: 'b', start: 1.2, end: 1.4 },
          ],
        },
      ],
      { karaoke: true },
    );
    expect(late).toContain('\na b\n');
  });
});
