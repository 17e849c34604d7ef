// The content address of a file's analysis: the build that made it (ANALYSIS_VERSION: detectors
// change between builds, not only between versions), the path (detectors read it: file type,
// compose vs plain YAML) and the text. Its own module so scan workers can compute it without
// loading the rules.

import { createHash } from 'node:crypto';
import { ANALYSIS_VERSION } from './analysisVersion.generated';

export function analysisKey(relPath: string, text: string): string {
  return createHash('sha1').update(ANALYSIS_VERSION).update('\0').update(relPath).update('\0').update(text).digest('hex');
}
