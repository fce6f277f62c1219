/**
 * The import rules (.dependency-cruiser.cjs): dependencies point down, services are sealed behind their index.ts,
 * and there is no import circle. Each violation is listed with the rule it breaks.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');

interface Violation {
  rule: string;
  from: string;
  to: string;
  cycle?: string[];
}

async function violationsIn(
  baseDir: string,
  paths: string[],
): Promise<{ violations: Violation[]; modules: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(__dirname, 'cruise.mjs'), baseDir, ...paths],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as { violations: Violation[]; modules: number };
}

const describeViolation = (v: Violation) =>
  v.cycle ? `${v.rule}: ${[v.from, ...v.cycle].join(' -> ')}` : `${v.rule}: ${v.from} -> ${v.to}`;

describe('import rules', () => {
  it('hold for functions/, lib/ and bin/', async () => {
    const { violations, modules } = await violationsIn(ROOT, ['functions', 'lib', 'bin']);
    expect(modules).toBeGreaterThan(100);
    expect(violations.map(describeViolation)).toEqual([]);
  }, 120_000);

  it('report a cross-service import, an import circle and the layers broken in a tangled tree', async () => {
    const { violations } = await violationsIn(path.join(__dirname, 'fixtures', 'tangled'), [
      'functions',
      'lib',
    ]);
    expect(violations.map(describeViolation).sort()).toEqual(
      [
        'domain-is-pure: functions/domain/money.ts -> functions/shared/clock.ts',
        'infrastructure-reads-definitions-only: lib/infra/stack.ts -> functions/payments/index.ts',
        'no-circular: functions/domain/a.ts -> functions/domain/b.ts -> functions/domain/a.ts',
        'service-internals-from-another-service: functions/fraud/use-cases/review.ts -> functions/payments/adapters/store.ts',
        'service-internals-from-outside: functions/shared/clock.ts -> functions/fraud/use-cases/review.ts',
        'shared-and-domain-stay-below-services: functions/shared/clock.ts -> functions/fraud/use-cases/review.ts',
      ].sort(),
    );
  }, 120_000);
});
