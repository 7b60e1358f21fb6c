/**
 * The built-in video steps pass the same contract suites as a third-party plugin's
 * (`@export-ia/core/testing`): they are plugin components like any other.
 */
import { fileURLToPath } from 'node:url';
import { captionerContract, detectorContract, scorerContract, transcriberContract } from '@export-ia/core/testing';
import { describe, it } from 'vitest';

const plugins = [fileURLToPath(new URL('..', import.meta.url))];

describe('video-standard', () => {
  for (const c of scorerContract({ plugins, scorer: 'standard' })) it(`scorer standard: ${c.name}`, c.run, 60_000);
  for (const c of captionerContract({ plugins, captioner: 'standard' })) it(`captioner standard: ${c.name}`, c.run, 60_000);
  for (const c of detectorContract({ plugins, detector: 'face' })) it(`detector face: ${c.name}`, c.run, 60_000);
  for (const c of transcriberContract({ plugins, transcriber: 'pocketsphinx' })) it(`transcriber pocketsphinx: ${c.name}`, c.run, 120_000);
});
