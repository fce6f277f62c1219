import { API_ROUTES } from '../../../../functions/api/routes';
import { policyHeader, rateFor, rateLimitClassOf } from '../../../../functions/shared/http/rate-limit';
import {
  LOCAL_RATE_LIMITS,
  rateLimitSettingsFromEnvironment,
} from '../../../../functions/shared/http/rate-limit-settings';
import { loadConfig, ENVIRONMENT_NAMES } from '../../../../lib/infra/config';

const classOf = (name: string) => rateLimitClassOf(API_ROUTES.find((r) => r.route.name === name)!.route);

it('charges reads to reads, payments to writes, and refunds and review decisions to their own budgets', () => {
  expect(classOf('GetPayment')).toBe('reads');
  expect(classOf('AnalyticsSummary')).toBe('reads');
  expect(classOf('CreatePayment')).toBe('writes');
  expect(classOf('CreateRefund')).toBe('refunds');
  expect(classOf('DecideReview')).toBe('reviews');
  expect(classOf('ReportFraud')).toBe('reviews');
});

it("takes a merchant's override for the classes it names and the default for the others", () => {
  const settings = rateLimitSettingsFromEnvironment(
    JSON.stringify({
      ...LOCAL_RATE_LIMITS,
      merchants: { big: { writes: { limit: 900, periodSeconds: 1 } } },
    }),
  );
  expect(rateFor(settings, 'big', 'writes')).toEqual({ limit: 900, periodSeconds: 1 });
  expect(rateFor(settings, 'big', 'reads')).toEqual(LOCAL_RATE_LIMITS.defaults.reads);
  expect(rateFor(settings, 'small', 'writes')).toEqual(LOCAL_RATE_LIMITS.defaults.writes);
  // An id that names an Object.prototype property is a merchant like any other.
  expect(rateFor(settings, 'constructor', 'writes')).toEqual(LOCAL_RATE_LIMITS.defaults.writes);
  expect(policyHeader('writes', { limit: 900, periodSeconds: 1 })).toBe('"writes";q=900;w=1');
});

it('refuses RATE_LIMITS that do not fit the schema, naming the field', () => {
  expect(() => rateLimitSettingsFromEnvironment(JSON.stringify({ defaults: {} }))).toThrow(/defaults\.reads/);
  expect(() =>
    rateLimitSettingsFromEnvironment(
      JSON.stringify({
        ...LOCAL_RATE_LIMITS,
        merchants: { 'not a merchant': { reads: { limit: 1, periodSeconds: 1 } } },
      }),
    ),
  ).toThrow(/Invalid key in record[\s\S]*merchants/);
});

it('every environment gives each class a limit, prod the most', () => {
  for (const name of ENVIRONMENT_NAMES) {
    const { rateLimits } = loadConfig(name);
    for (const rate of Object.values(rateLimits.defaults)) expect(rate.limit).toBeGreaterThan(0);
  }
  expect(loadConfig('prod').rateLimits.defaults.writes.limit).toBeGreaterThan(
    loadConfig('dev').rateLimits.defaults.writes.limit,
  );
});
