import { API_ROUTES } from '../../../functions/api/routes';
import { apiGatewayEvent, matchPath, matchRoute } from '../../../lib/local/api-gateway';

describe('matchPath', () => {
  it('matches literal segments and takes {param} segments as path parameters', () => {
    expect(matchPath('/payments', '/payments')).toEqual({});
    expect(matchPath('/payments/{id}/refunds', '/payments/p1/refunds')).toEqual({ id: 'p1' });
    expect(matchPath('/payments/{id}', '/payments/p1/')).toEqual({ id: 'p1' });
  });

  it('needs as many segments as the pattern, each literal equal', () => {
    expect(matchPath('/payments/{id}', '/payments')).toBeUndefined();
    expect(matchPath('/payments/{id}', '/payments/p1/refunds')).toBeUndefined();
    expect(matchPath('/payments/{id}/refunds', '/payments/p1/notifications')).toBeUndefined();
  });
});

describe('matchRoute', () => {
  it('finds the listed route, its handler entry and path parameters for a method and path', () => {
    const match = matchRoute(API_ROUTES, 'POST', '/reviews/p1/decision');
    expect(match).toMatchObject({
      entry: 'functions/fraud/handlers/decide-review.ts',
      route: { name: 'DecideReview' },
      pathParameters: { paymentId: 'p1' },
    });
  });

  it('tells GET /payments from POST /payments and from GET /payments/{id}', () => {
    expect(matchRoute(API_ROUTES, 'GET', '/payments')?.route.name).toBe('ListPayments');
    expect(matchRoute(API_ROUTES, 'POST', '/payments')?.route.name).toBe('CreatePayment');
    expect(matchRoute(API_ROUTES, 'GET', '/payments/p1')?.route.name).toBe('GetPayment');
  });

  it('finds nothing for another method or an unknown path', () => {
    expect(matchRoute(API_ROUTES, 'DELETE', '/payments')).toBeUndefined();
    expect(matchRoute(API_ROUTES, 'GET', '/nowhere')).toBeUndefined();
  });
});

it('builds the event with the route key of the matched route', () => {
  const match = matchRoute(API_ROUTES, 'GET', '/payments/p1/notifications')!;
  const event = apiGatewayEvent(
    { method: 'GET', url: '/payments/p1/notifications?limit=2', headers: {} },
    match,
  );
  expect(event).toMatchObject({
    routeKey: 'GET /payments/{id}/notifications',
    rawPath: '/payments/p1/notifications',
    pathParameters: { id: 'p1' },
    queryStringParameters: { limit: '2' },
    requestContext: { routeKey: 'GET /payments/{id}/notifications' },
  });
});
