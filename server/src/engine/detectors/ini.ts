// PLACEHOLDER: being written; returns nothing yet.
import type { Detector } from '../types';

export const detectIni: Detector = () => ({ references: [], tables: [] });
