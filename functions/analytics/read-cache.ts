/**
 * How long the summary and timeseries answers are served from the cache: the console refreshes every 5 s, so a
 * merchant's open dashboards cost about one database read per TTL, and a new payment shows at most this late.
 */
export const ANALYTICS_CACHE_SECONDS = 5;
