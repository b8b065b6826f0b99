//! `Usd`: an exact amount of US dollars, for cost arithmetic that matches AWS's published
//! examples to the cent.
//!
//! Owns exact arithmetic (a fraction of two integers) and rounding to cents, half up, only
//! when shown: a float would turn AWS's $1.01525 into $1.01. Must not know prices or Fargate.

use std::fmt;

/// An exact amount: `num / den` dollars, `den` > 0.
#[derive(Clone, Copy, Debug)]
pub struct Usd {
    num: i128,
    den: i128,
}

impl PartialEq for Usd {
    fn eq(&self, other: &Usd) -> bool {
        self.num * other.den == other.num * self.den
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs().max(1)
    } else {
        gcd(b, a % b)
    }
}

impl Usd {
    pub const ZERO: Usd = Usd { num: 0, den: 1 };

    /// `"0.0404800000"` exactly; None for anything that is not a plain decimal.
    pub fn decimal(text: &str) -> Option<Usd> {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 18
        {
            return None;
        }
        let digits = format!("{whole}{frac}");
        let num: i128 = digits.parse().ok()?;
        Some(Usd::ratio(num, 10i128.pow(frac.len() as u32)))
    }

    fn ratio(num: i128, den: i128) -> Usd {
        let g = gcd(num, den);
        Usd {
            num: num / g,
            den: den / g,
        }
    }

    /// `cents` / 100 dollars.
    pub fn from_cents(cents: i128) -> Usd {
        Usd::ratio(cents, 100)
    }

    /// This amount times `n / d` (a count, a share, seconds in an hour).
    pub fn times(self, n: i128, d: i128) -> Usd {
        let (n1, d1) = (n / gcd(n, self.den), self.den / gcd(n, self.den));
        let (num, d2) = (self.num / gcd(self.num, d), d / gcd(self.num, d));
        Usd::ratio(num * n1, d1 * d2)
    }

    pub fn plus(self, other: Usd) -> Usd {
        let g = gcd(self.den, other.den);
        let den = self.den / g * other.den;
        Usd::ratio(self.num * (other.den / g) + other.num * (self.den / g), den)
    }

    pub fn minus(self, other: Usd) -> Usd {
        self.plus(Usd {
            num: -other.num,
            den: other.den,
        })
    }

    /// Whole cents, rounded half away from zero (as AWS's examples round).
    pub fn cents(self) -> i128 {
        let scaled = self.num * 100;
        let q = scaled / self.den;
        let r = scaled % self.den;
        if 2 * r.abs() >= self.den {
            q + scaled.signum()
        } else {
            q
        }
    }

    /// The exact decimal (`0.04048`), or None when it has no finite one.
    pub fn decimal_string(self) -> Option<String> {
        let (mut twos, mut fives, mut d) = (0u32, 0u32, self.den);
        while d % 2 == 0 {
            d /= 2;
            twos += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        if d != 1 || self.num < 0 {
            return None;
        }
        let k = twos.max(fives);
        let scaled = self.num * (10i128.pow(k) / self.den);
        let digits = format!("{:0>width$}", scaled, width = k as usize + 1);
        let (whole, frac) = digits.split_at(digits.len() - k as usize);
        Some(if frac.is_empty() {
            whole.to_string()
        } else {
            format!("{whole}.{frac}")
        })
    }

    /// Dollars as a float, for JSON consumers that want a number beside the cents.
    pub fn approx(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

/// `$1,234.56`, `-$3.00`.
impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.cents();
        let sign = if c < 0 { "-" } else { "" };
        let c = c.abs();
        let dollars = (c / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}${grouped}.{:02}", c % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_arithmetic_rounds_only_to_show() {
        let a = Usd::decimal("1.01525").unwrap();
        assert_eq!(a.cents(), 102, "half up, exactly (a float says 1.0152499…)");
        assert_eq!(
            Usd::decimal("0.0404800000").unwrap(),
            Usd::decimal("0.04048").unwrap()
        );
        let hour = Usd::decimal("0.04048").unwrap();
        assert_eq!(hour.times(730, 1).to_string(), "$29.55");
        assert_eq!(hour.times(730 * 1000, 1).to_string(), "$29,550.40");
        assert_eq!(Usd::ZERO.minus(hour.times(100, 1)).to_string(), "-$4.05");
        assert_eq!(Usd::decimal("1e3"), None);
        for d in ["0.04048", "0.0001197", "12", "0.5"] {
            assert_eq!(
                Usd::decimal(d).unwrap().decimal_string().as_deref(),
                Some(d)
            );
        }
        assert_eq!(Usd::decimal("-1"), None);
    }
}
