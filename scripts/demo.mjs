// `npm run demo`: audits the bundled fixture workspace. The fixture breaks its own rules on purpose,
// so the CLI's exit 1 (error findings) is the expected outcome here, not a failed demo; a usage or
// rules-file error (exit 2) still fails.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['server/bin/db-audit.js', 'scan', 'test/fixtures/zoe-like'], { stdio: 'inherit' });
if (r.status === 1) console.log('\n(db-audit exited 1: the fixture has error findings, as it is meant to. In CI that exit code fails the build.)');
process.exit(r.status !== null && r.status <= 1 ? 0 : (r.status ?? 1));
