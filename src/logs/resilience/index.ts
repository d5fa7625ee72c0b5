export { withRetry, isRetryableCode, type RetryOptions } from './retry';
export { withConcurrencyLimit, ConcurrencyLimiter, limiterForIdentity } from './limiter';
export { withSingleFlight } from './singleFlight';
export { withCache, cacheKey } from './cache';
