// The content address of a file's analysis: the tool version (detectors change between
// versions), the path (detectors read it: file type, compose vs plain YAML) and the text.
// Its own module so scan workers can compute it without loading the rules.

import { createHash } from 'node:crypto';
import { TOOL_VERSION } from './ruleDocs';

export function analysisKey(relPath: string, text: string): string {
  return createHash('sha1').update(TOOL_VERSION).update('\0').update(relPath).update('\0').update(text).digest('hex');
}
