//! prng: a bit-for-bit port of dispatchsim's `src/engine/prng.ts` (xoshiro128** seeded through
//! splitmix32 from (seed, stream name)) and of the simulator's cost sampler
//! (`sampleCost` in `src/runtime/costs.ts`).
//!
//! `execute` uses it so that a plan's random arrivals (Poisson, bursty) happen at exactly the
//! instants the simulator uses for the same seed: predicted and measured runs then see the
//! same input, and only the scheduler differs. Cost samples use their own streams; their order
//! of use differs from the simulator's (it follows real execution), their distribution does not.

/// One splitmix32 step: (next state, output).
fn splitmix32(state: u32) -> (u32, u32) {
    let state = state.wrapping_add(0x9e37_79b9);
    let mut z = state;
    z = (z ^ (z >> 16)).wrapping_mul(0x85eb_ca6b);
    z = (z ^ (z >> 13)).wrapping_mul(0xc2b2_ae35);
    z ^= z >> 16;
    (state, z)
}

/// FNV-1a over the string's UTF-16 code units (as `hashString` in prng.ts).
pub fn hash_string(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for unit in s.encode_utf16() {
        h ^= unit as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

pub struct Prng {
    s: [u32; 4],
}

impl Prng {
    /// Same state as `new Prng(seed, stream)` in TypeScript for integer seeds in 0..2^53.
    pub fn new(seed: u64, stream: &str) -> Prng {
        let lo = seed as u32; // ToInt32(floor(seed)) keeps the low 32 bits
        let hi = (seed >> 32) as u32;
        let mut st = lo ^ hi ^ hash_string(stream);
        let mut s = [0u32; 4];
        for slot in s.iter_mut() {
            let (next, v) = splitmix32(st);
            st = next;
            *slot = v;
        }
        if s.iter().all(|&x| x == 0) {
            s[0] = 1;
        }
        Prng { s }
    }

    pub fn next_u32(&mut self) -> u32 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 9;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(11);
        result
    }

    /// Uniform in [0, 1) with 53 bits.
    pub fn next_float(&mut self) -> f64 {
        let hi = (self.next_u32() >> 5) as f64;
        let lo = (self.next_u32() >> 6) as f64;
        (hi * 67_108_864.0 + lo) / 9_007_199_254_740_992.0
    }

    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.next_float()).ln()
    }

    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.next_float();
        let v = self.next_float();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// JavaScript's `Math.round` for the non-negative values used here (half rounds up).
pub fn js_round(x: f64) -> f64 {
    (x + 0.5).floor()
}

/// A plan cost distribution in integer nanoseconds (`PlanCost` in src/plan/types.ts).
#[derive(Clone, Debug)]
pub enum Cost {
    Const(f64),
    Uniform { min: f64, max: f64 },
    Exponential { mean: f64 },
    Lognormal { median: f64, sigma: f64 },
    Quantiles { p: Vec<f64>, ns: Vec<f64> },
}

impl Cost {
    /// Draws one value in ns; constants draw no random numbers (as `sampleCost`).
    pub fn sample(&self, rng: &mut Prng) -> f64 {
        match self {
            Cost::Const(ns) => *ns,
            Cost::Uniform { min, max } => js_round(min + rng.next_float() * (max - min)),
            Cost::Exponential { mean } => js_round(rng.exponential(*mean)),
            Cost::Lognormal { median, sigma } => js_round(median * (sigma * rng.normal()).exp()),
            Cost::Quantiles { p, ns } => {
                let u = rng.next_float();
                let mut i = 1;
                while i < p.len() - 1 && p[i] < u {
                    i += 1;
                }
                let (p0, p1) = (p[i - 1], p[i]);
                let f = if p1 > p0 { (u - p0) / (p1 - p0) } else { 0.0 };
                js_round(ns[i - 1] + f.clamp(0.0, 1.0) * (ns[i] - ns[i - 1]))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values printed by the TypeScript implementation (src/engine/prng.ts).
    #[test]
    fn matches_typescript() {
        assert_eq!(hash_string("arrival"), 1_165_549_234);
        let mut p = Prng::new(1, "arrival");
        let got: Vec<u32> = (0..3).map(|_| p.next_u32()).collect();
        assert_eq!(got, vec![3_247_707_135, 2_991_778_365, 1_549_498_699]);
        let mut q = Prng::new(42, "cost");
        assert_eq!(q.next_float(), 0.442_113_094_882_250_15);
        assert!((q.exponential(1000.0) - 4_132.880_251_364_917).abs() < 1e-9);
        assert!((q.normal() - 1.661_035_355_418_781_1).abs() < 1e-12);
    }
}
