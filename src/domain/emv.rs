//! The admin's earned-media rates (DESIGN.md §5): what an impression (per thousand, CPM)
//! and a click (CPC) would have cost as paid media on each network, in the default
//! currency's minor units. The formula itself is `kpi::earned_media_value_cents`.
//!
//! Rates come from `CHORUS_EMV_RATES` (`linkedin=12.00/2.50, x=6.50/0.80`: CPM/CPC in
//! major units, either side may be empty) and can be replaced through the API; a network
//! without a rate earns nothing, and no rate at all means "no data", not zero.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::network::Network;

/// The largest rate accepted (10⁹ minor units: ten million dollars per click is no rate).
pub const MAX_RATE_CENTS: i64 = 1_000_000_000;

/// One network's paid-media prices, in minor units of the default currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmvRate {
    /// Price of a thousand impressions.
    #[serde(default)]
    pub cpm_cents: i64,
    /// Price of one click.
    #[serde(default)]
    pub cpc_cents: i64,
}

/// Rates per network, keyed by the network's API name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmvRates(BTreeMap<String, EmvRate>);

/// Why a set of rates was refused; the message names the network and says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct InvalidRates(pub String);

impl EmvRates {
    /// Checks rates given as a map (the API's body): known networks, amounts between 0
    /// and [`MAX_RATE_CENTS`].
    pub fn new(rates: BTreeMap<String, EmvRate>) -> Result<EmvRates, InvalidRates> {
        let mut out = BTreeMap::new();
        for (network, rate) in rates {
            let network = Network::parse(&network).map_err(|e| InvalidRates(e.to_string()))?;
            for (what, cents) in [("cpm_cents", rate.cpm_cents), ("cpc_cents", rate.cpc_cents)] {
                if !(0..=MAX_RATE_CENTS).contains(&cents) {
                    return Err(InvalidRates(format!(
                        "{what} of {} must be between 0 and {MAX_RATE_CENTS}, not {cents}",
                        network.as_str()
                    )));
                }
            }
            out.insert(network.as_str().to_string(), rate);
        }
        Ok(EmvRates(out))
    }

    /// Reads `NETWORK=CPM/CPC, …` with amounts in major units of a currency whose minor
    /// unit has `exponent` decimals (`linkedin=12.00/2.50` → 1 200 and 250 cents).
    pub fn parse(text: &str, exponent: u16) -> Result<EmvRates, InvalidRates> {
        let mut rates = BTreeMap::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (network, prices) = pair.split_once('=').ok_or_else(|| {
                InvalidRates(format!(
                    "{pair:?} is not NETWORK=CPM/CPC, e.g. linkedin=12.00/2.50"
                ))
            })?;
            let (cpm, cpc) = prices.split_once('/').unwrap_or((prices, ""));
            let amount = |text: &str, what: &str| -> Result<i64, InvalidRates> {
                let text = text.trim();
                if text.is_empty() {
                    return Ok(0);
                }
                parse_amount(text, exponent).ok_or_else(|| {
                    InvalidRates(format!(
                        "the {what} of {} must be an amount such as 12.50, not {text:?}",
                        network.trim()
                    ))
                })
            };
            let rate = EmvRate {
                cpm_cents: amount(cpm, "CPM")?,
                cpc_cents: amount(cpc, "CPC")?,
            };
            let name = network.trim().to_lowercase();
            if rates.insert(name.clone(), rate).is_some() {
                return Err(InvalidRates(format!("{name} is listed twice")));
            }
        }
        EmvRates::new(rates)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The rate of a network (zero when the admin set none).
    pub fn get(&self, network: &str) -> EmvRate {
        self.0.get(network).copied().unwrap_or_default()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &EmvRate)> {
        self.0.iter().map(|(n, r)| (n.as_str(), r))
    }
}

/// A non-negative decimal amount in major units as whole minor units: `12.5` with two
/// decimals is 1 250; more decimals than the currency has, or a value above
/// [`MAX_RATE_CENTS`], is refused.
pub fn parse_amount(text: &str, exponent: u16) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > usize::from(exponent)
        || whole.len() > 12
    {
        return None;
    }
    let scale = 10_i64.checked_pow(u32::from(exponent))?;
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let padded = format!("{fraction:0<width$}", width = usize::from(exponent));
    let fraction: i64 = if padded.is_empty() {
        0
    } else {
        padded.parse().ok()?
    };
    let cents = whole.checked_mul(scale)?.checked_add(fraction)?;
    (cents <= MAX_RATE_CENTS).then_some(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_major_units_become_minor_units() {
        assert_eq!(parse_amount("12", 2), Some(1200));
        assert_eq!(parse_amount("12.5", 2), Some(1250));
        assert_eq!(parse_amount("0.05", 2), Some(5));
        assert_eq!(parse_amount(".5", 2), Some(50));
        assert_eq!(parse_amount("150", 0), Some(150));
        assert_eq!(
            parse_amount("1.234", 2),
            None,
            "more decimals than the currency has"
        );
        assert_eq!(parse_amount("1.5", 0), None);
        assert_eq!(parse_amount("-1", 2), None);
        assert_eq!(parse_amount("1e3", 2), None);
        assert_eq!(parse_amount("", 2), None);
        assert_eq!(parse_amount(".", 2), None);
        assert_eq!(parse_amount("99999999999999", 2), None, "above the cap");
    }

    #[test]
    fn config_text_lists_cpm_and_cpc_per_network() {
        let rates = EmvRates::parse(" LinkedIn=12.00/2.50, x=6.5, facebook=/0.80 ", 2).unwrap();
        assert_eq!(
            rates.get("linkedin"),
            EmvRate {
                cpm_cents: 1200,
                cpc_cents: 250
            }
        );
        assert_eq!(
            rates.get("x"),
            EmvRate {
                cpm_cents: 650,
                cpc_cents: 0
            }
        );
        assert_eq!(
            rates.get("facebook"),
            EmvRate {
                cpm_cents: 0,
                cpc_cents: 80
            }
        );
        assert_eq!(rates.get("xing"), EmvRate::default(), "no rate: zero");
        assert!(EmvRates::parse("", 2).unwrap().is_empty());
    }

    #[test]
    fn bad_config_text_names_the_problem() {
        let err = |text: &str| EmvRates::parse(text, 2).unwrap_err().0;
        assert!(err("linkedin").contains("NETWORK=CPM/CPC"));
        assert!(err("myspace=1/1").contains("unknown network"));
        assert!(err("linkedin=abc/1").contains("CPM of linkedin"));
        assert!(err("linkedin=1/-2").contains("CPC of linkedin"));
        assert!(err("x=1/1, X=2/2").contains("listed twice"));
    }

    #[test]
    fn rates_given_as_a_map_are_checked() {
        let ok = EmvRates::new(BTreeMap::from([(
            "linkedin".to_string(),
            EmvRate {
                cpm_cents: 1,
                cpc_cents: MAX_RATE_CENTS,
            },
        )]));
        assert!(ok.is_ok());
        let negative = EmvRates::new(BTreeMap::from([(
            "x".to_string(),
            EmvRate {
                cpm_cents: -1,
                cpc_cents: 0,
            },
        )]));
        assert!(negative.unwrap_err().0.contains("cpm_cents of x"));
        let unknown = EmvRates::new(BTreeMap::from([("fax".to_string(), EmvRate::default())]));
        assert!(unknown.unwrap_err().0.contains("unknown network"));
    }
}
