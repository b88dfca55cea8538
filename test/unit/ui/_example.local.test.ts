import { it } from 'vitest';
import { renderComparePlot, writePlot } from '../../../src/ui/plot/comparePlot.js';
import { plausibleComparisons, targetOf } from './plotFixture.js';
it('example', async () => {
  const svg = renderComparePlot({ mixName: 'my_mix_v7 (final).wav', referenceNames: ['Daft Punk - Get Lucky.flac', 'Billie Eilish - bad guy.wav', 'Dua Lipa - Levitating.mp3'], comparisons: plausibleComparisons(), target: targetOf(3) });
  await writePlot('/tmp/ama-plot-example.svg', svg);
  await writePlot('/tmp/ama-plot-example.png', svg);
});
