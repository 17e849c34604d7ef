// The TypeScript compiler file ts-morph bundles has no declarations of its own beside it:
// it is the `ts` namespace @ts-morph/common exports (engine/typescript.ts says why we require it).
declare module '@ts-morph/common/dist/typescript.js' {
  import { ts } from '@ts-morph/common';
  export = ts;
}
