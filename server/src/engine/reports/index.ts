import { jsonReport } from './json';
import { markdownReport } from './markdown';
import type { ReportInput } from './model';
import { sarifReport } from './sarif';
import { textReport } from './text';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'markdown';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'markdown'];

export function renderReport(format: ReportFormat, input: ReportInput, options: { colour?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return jsonReport(input);
    case 'sarif':
      return sarifReport(input);
    case 'markdown':
      return markdownReport(input);
    case 'text':
      return textReport(input, options.colour ?? false);
  }
}

export type { ReportInput } from './model';
