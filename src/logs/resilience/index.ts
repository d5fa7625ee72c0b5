export { withRetry, isRetryableCode, abortableSleep, type RetryOptions } from './retry';
export { withConcurrencyLimit, ConcurrencyLimiter, limiterForIdentity, type LimiterOptions } from './limiter';
export { withSingleFlight, flightKey } from './singleFlight';
export { withCache, cacheKey, type CacheOptions } from './cache';
