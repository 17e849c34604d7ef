// PLACEHOLDER: being written; returns nothing yet.
import type { Detector } from '../types';

export const detectJavaScript: Detector = () => ({ references: [], tables: [] });
