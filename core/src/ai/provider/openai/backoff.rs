//! When to try again: exponential backoff with full jitter, and the server's `Retry-After`.
//!
//! Full jitter (a uniform delay between zero and the exponential cap) spreads many workers that
//! failed together, so they do not hammer a recovering server in lockstep.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// Backoff settings plus the jitter source.
#[derive(Debug)]
pub(super) struct Backoff {
    pub(super) base: Duration,
    pub(super) max: Duration,
    state: AtomicU64,
}

impl Backoff {
    pub(super) fn new(base: Duration, max: Duration) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Backoff {
            base,
            max,
            state: AtomicU64::new(nanos ^ 0x2545_F491_4F6C_DD1D),
        }
    }

    /// Delay before retry number `retry` (0-based): the server's `Retry-After` when it sent one
    /// (capped at the maximum), else a uniform draw in `[0, min(max, base · 2^retry)]`.
    pub(super) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max);
        }
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        let cap = self.base.saturating_mul(factor).min(self.max);
        let cap_ms = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(self.next() % cap_ms.saturating_add(1))
    }

    /// splitmix64 over a shared counter: cheap, thread-safe, different per call and per process.
    fn next(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The wait a server asked for: `retry-after-ms` (Azure, OpenAI) or `Retry-After` in seconds.
/// An HTTP-date `Retry-After` is ignored (the backoff applies).
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| {
        headers
            .get(name)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
    };
    if let Some(ms) = number("retry-after-ms") {
        return Some(Duration::from_secs_f64(ms.min(86_400_000.0) / 1000.0));
    }
    number("retry-after").map(|s| Duration::from_secs_f64(s.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn full_jitter_stays_under_the_cap() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        let mut seen = std::collections::BTreeSet::new();
        for retry in 0..40 {
            let cap = (100u64 << retry.min(20)).min(1000);
            for _ in 0..50 {
                let d = backoff.delay(retry, None).as_millis() as u64;
                assert!(d <= cap, "retry {retry}: {d} > {cap}");
                seen.insert(d);
            }
        }
        assert!(
            seen.len() > 100,
            "jitter should spread delays, saw {}",
            seen.len()
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        let wait = retry_after(&headers);
        assert_eq!(wait, Some(Duration::from_secs(2)));
        assert_eq!(backoff.delay(0, wait), Duration::from_secs(2));
        headers.insert("retry-after", HeaderValue::from_static("120"));
        assert_eq!(
            backoff.delay(0, retry_after(&headers)),
            Duration::from_secs(5)
        );
        headers.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(250)));
        let mut dated = HeaderMap::new();
        dated.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&dated), None);
    }
}
