//! histogram: the simulator's streaming log-bucket histogram (`src/engine/histogram.ts`) with
//! the same bucket layout and the same quantile rule, so that a measured p50/p99 and a
//! simulated one are read off identical buckets. Values below 256 ns are exact; above, each
//! power-of-two range has 128 linear sub-buckets (≈0.4 % resolution).

pub const SUB_BUCKETS: usize = 128;
pub const HISTOGRAM_BUCKETS: usize = 46 * SUB_BUCKETS + 128;

pub fn bucket_index(v: u64) -> usize {
    if v < 256 {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros() as usize;
    let shift = msb - 7;
    let sub = (v >> shift) as usize; // in 128..256
    (shift * SUB_BUCKETS + sub).min(HISTOGRAM_BUCKETS - 1)
}

pub fn bucket_low(i: usize) -> u64 {
    if i < 256 {
        return i as u64;
    }
    let shift = i / SUB_BUCKETS - 1;
    let sub = (i % SUB_BUCKETS + SUB_BUCKETS) as u64;
    sub << shift
}

pub fn bucket_width(i: usize) -> u64 {
    if i < 256 {
        1
    } else {
        1 << (i / SUB_BUCKETS - 1)
    }
}

pub struct Histogram {
    counts: Vec<u64>,
    pub count: u64,
    pub sum: f64,
    pub min: u64,
    pub max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; HISTOGRAM_BUCKETS],
            count: 0,
            sum: 0.0,
            min: u64::MAX,
            max: 0,
        }
    }
}

impl Histogram {
    pub fn record(&mut self, v: u64) {
        self.counts[bucket_index(v)] += 1;
        self.count += 1;
        self.sum += v as f64;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    pub fn merge(&mut self, o: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.count += o.count;
        self.sum += o.sum;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / self.count as f64
        }
    }

    /// Midpoint of the bucket holding the ⌈q·count⌉-th value, clamped to [min, max].
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let rank = (q * self.count as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let mid = bucket_low(i) as f64 + (bucket_width(i) as f64 - 1.0) / 2.0;
                return mid.clamp(self.min as f64, self.max as f64);
            }
        }
        self.max as f64
    }

    /// Non-empty buckets as (lowNs, count).
    pub fn buckets(&self) -> Vec<(u64, u64)> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| (bucket_low(i), c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_trip() {
        for v in [0u64, 1, 255, 256, 257, 511, 512, 1000, 123_456, 1 << 40] {
            let i = bucket_index(v);
            assert!(
                bucket_low(i) <= v && v < bucket_low(i) + bucket_width(i),
                "{v}"
            );
        }
        // bucketIndex() of src/engine/histogram.ts for the same values.
        let got: Vec<usize> = [0u64, 1, 255, 256, 257, 511, 512, 1000, 123_456, 1 << 40]
            .iter()
            .map(|&v| bucket_index(v))
            .collect();
        assert_eq!(got, vec![0, 1, 255, 256, 256, 383, 384, 506, 1393, 4352]);
    }
}
