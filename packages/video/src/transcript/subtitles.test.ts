import { isExportIaError } from '@export-ia/core';
import { describe, expect, it } from 'vitest';
import { parseSubtitles } from './subtitles.js';

function invalidLine(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (isExportIaError(error) && error.code === 'EIA_VIDEO_TRANSCRIPT_INVALID') return Number(error.params.line);
    throw error;
  }
  return undefined;
}

describe('parseSubtitles', () => {
  it('reads SRT with a BOM, CRLF line ends, a missing index and tags', () => {
    const srt =
      '\uFEFF1\r\n00:00:01,000 --> 00:00:03,500\r\n<b>Hello</b> <i>world</i>\r\n\r\n00:00:04,000 --> 00:00:05,250\r\n{\\an8}Second &amp; last\r\nline two\r\n';
    const cues = parseSubtitles(srt, 'a.srt');
    expect(cues).toEqual([
      { start: 1, end: 3.5, text: 'Hello world', line: 2 },
      { start: 4, end: 5.25, text: 'Second & last\nline two', line: 5 },
    ]);
  });

  it('reads WebVTT: header, NOTE/STYLE/REGION blocks, identifiers, cue settings, classes and voices', () => {
    const vtt = [
      'WEBVTT - a talk',
      'Kind: captions',
      'Language: en',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'NOTE a comment',
      'over two lines',
      '',
      'intro',
      '00:01.000 --> 00:02.500 align:start position:10%',
      '<v Sam><c.loud>Good</c> morning</v>',
      '',
      '01:00:02.000 --> 01:00:03.000',
      'Later',
    ].join('\n');
    const cues = parseSubtitles(vtt, 'a.vtt');
    expect(cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [1, 2.5, 'Good morning'],
      [3602, 3603, 'Later'],
    ]);
  });

  it('keeps karaoke timestamps as timed runs', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nWe <00:00:01.400>cut <00:00:01.900>costs\n';
    const [cue] = parseSubtitles(vtt, 'k.vtt');
    expect(cue?.text).toBe('We cut costs');
    expect(cue?.timed).toEqual([
      { text: 'We', start: 1 },
      { text: 'cut', start: 1.4 },
      { text: 'costs', start: 1.9 },
    ]);
  });

  it('sorts overlapping cues, keeps text after a blank line inside a cue, and drops roll-up repeats', () => {
    const srt = '2\n00:00:05,000 --> 00:00:07,000\nsecond\n\n1\n00:00:01,000 --> 00:00:06,000\nfirst line\n\nstill first\n';
    expect(parseSubtitles(srt, 'o.srt').map((c) => [c.start, c.text])).toEqual([
      [1, 'first line\nstill first'],
      [5, 'second'],
    ]);
    const rolled = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nhello there\n\n00:00:03.000 --> 00:00:05.000\nhello there\ngeneral kenobi\n';
    expect(parseSubtitles(rolled, 'r.vtt').map((c) => c.text)).toEqual(['hello there', 'general kenobi']);
  });

  it('reports a bad time line with its line number', () => {
    expect(invalidLine(() => parseSubtitles('1\n00:00:01,000 --> 00:00:03,500\nok\n\n2\n00:00:0x,000 --> 00:00:04,000\nbad\n', 'b.srt'))).toBe(6);
    expect(invalidLine(() => parseSubtitles('1\n00:00:05,000 --> 00:00:03,500\nbackwards\n', 'b.srt'))).toBe(2);
    expect(invalidLine(() => parseSubtitles('1\n00:00:01,000 --> 00:00:75,000\nseconds\n', 'b.srt'))).toBe(2);
    expect(invalidLine(() => parseSubtitles('just some text\nwith no times\n', 'notes.srt'))).toBe(1);
  });

  it('accepts an empty file and a WEBVTT header alone as no cues', () => {
    expect(parseSubtitles('', 'e.srt')).toEqual([]);
    expect(parseSubtitles('WEBVTT\n\n', 'e.vtt')).toEqual([]);
  });
});
