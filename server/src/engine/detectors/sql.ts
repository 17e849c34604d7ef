// PLACEHOLDER: being written; returns nothing yet.
import type { Detector } from '../types';

export const detectSql: Detector = () => ({ references: [], tables: [] });
