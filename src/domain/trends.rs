//! Trend analysis (DESIGN.md §5, "trend analysis"): how a KPI series moves with revenue
//! (Pearson correlation at lags 0..k), and its spikes and drops (beyond a number of standard
//! deviations of a trailing window). Pure functions over series of buckets; a bucket
//! without data is `None` and is skipped, never read as 0.

use serde::Serialize;

/// Pairs needed before a correlation is reported: below it, "not enough data".
pub const MIN_POINTS: usize = 5;

/// Pearson's r of paired samples; `None` with fewer than two pairs or when either side is
/// constant (the correlation is undefined, not 0).
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let (xs, ys) = (&xs[..n], &ys[..n]);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        let (dx, dy) = (x - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// The correlation of the KPI with revenue `lag` buckets later.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LagCorrelation {
    pub lag: usize,
    /// Buckets where both the KPI and the later revenue have data.
    pub points: usize,
    /// `None`: fewer than `min_points` points, or a constant series.
    pub r: Option<f64>,
}

/// r of `kpi[t]` with `revenue[t + lag]` for every lag in `0..=max_lag`.
pub fn lagged_correlations(
    kpi: &[Option<f64>],
    revenue: &[Option<f64>],
    max_lag: usize,
    min_points: usize,
) -> Vec<LagCorrelation> {
    (0..=max_lag)
        .map(|lag| {
            let (xs, ys): (Vec<f64>, Vec<f64>) = kpi
                .iter()
                .enumerate()
                .filter_map(|(t, x)| Some(((*x)?, (*revenue.get(t + lag)?)?)))
                .unzip();
            let points = xs.len();
            LagCorrelation {
                lag,
                points,
                r: if points >= min_points.max(2) {
                    pearson(&xs, &ys)
                } else {
                    None
                },
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Spike,
    Drop,
}

/// A bucket whose value lies beyond `sigmas` standard deviations of the trailing window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlier {
    /// The bucket's position in the series.
    pub index: usize,
    pub value: f64,
    pub direction: Direction,
    /// Mean and (population) standard deviation of the trailing window.
    pub trailing_mean: f64,
    pub trailing_sd: f64,
    /// (value − mean) / sd; `None` when the window was flat (sd 0), where any change
    /// stands out.
    pub z: Option<f64>,
}

/// Spikes and drops: each bucket against the `window` buckets with data before it (no
/// judgement until that many exist).
pub fn outliers(series: &[Option<f64>], window: usize, sigmas: f64) -> Vec<Outlier> {
    let mut found = Vec::new();
    if window < 2 {
        return found;
    }
    let mut trailing: std::collections::VecDeque<f64> = std::collections::VecDeque::new();
    for (index, value) in series.iter().enumerate() {
        let Some(value) = *value else { continue };
        if trailing.len() == window {
            let mean = trailing.iter().sum::<f64>() / window as f64;
            let sd =
                (trailing.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / window as f64).sqrt();
            let deviation = value - mean;
            let beyond = if sd > 0.0 {
                deviation.abs() > sigmas * sd
            } else {
                deviation != 0.0
            };
            if beyond {
                found.push(Outlier {
                    index,
                    value,
                    direction: if deviation > 0.0 {
                        Direction::Spike
                    } else {
                        Direction::Drop
                    },
                    trailing_mean: mean,
                    trailing_sd: sd,
                    z: (sd > 0.0).then(|| deviation / sd),
                });
            }
            trailing.pop_front();
        }
        trailing.push_back(value);
    }
    found
}

/// Words too common to say what a bucket's mentions were about: short lists for English
/// and Korean (particles attached to Korean words are left as they are; a keyword list,
/// not a parser).
const STOP_WORDS: &[&str] = &[
    // English
    "a",
    "about",
    "after",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "me",
    "more",
    "my",
    "no",
    "not",
    "now",
    "of",
    "on",
    "one",
    "or",
    "our",
    "out",
    "she",
    "so",
    "some",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "they",
    "this",
    "to",
    "too",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "which",
    "who",
    "will",
    "with",
    "would",
    "you",
    "your",
    "http",
    "https",
    "www",
    "com",
    "amp",
    "rt",
    // Korean
    "그",
    "이",
    "저",
    "것",
    "수",
    "등",
    "및",
    "더",
    "또",
    "잘",
    "좀",
    "정말",
    "너무",
    "진짜",
    "그리고",
    "그러나",
    "하지만",
    "그래서",
    "그런데",
    "또는",
    "오늘",
    "이번",
    "우리",
    "저희",
    "있는",
    "있다",
    "없는",
    "없다",
    "하는",
    "했다",
    "합니다",
    "입니다",
    "있습니다",
    "같아요",
    "에서",
    "으로",
    "에게",
    "까지",
    "부터",
    "처럼",
];

/// The most frequent keywords of a set of texts, most first (ties by the word), at most
/// `limit`: words of at least two letters, folded to lower case, that are neither stop
/// words, numbers nor in `exclude` (the brand names and keywords, which every mention
/// contains). A word counts once per text: the number is of texts that use it.
pub fn top_keywords<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    exclude: &[String],
    limit: usize,
) -> Vec<(String, i64)> {
    let exclude: std::collections::HashSet<String> =
        exclude.iter().map(|w| w.to_lowercase()).collect();
    let mut counts: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for text in texts {
        let mut seen = std::collections::HashSet::new();
        // Links and handles are not words of the text.
        let words = text
            .split_whitespace()
            .filter(|t| !(t.contains("://") || t.starts_with("www.") || t.starts_with('@')))
            .flat_map(|t| t.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')))
            .map(|w| {
                let w = w.trim_matches(|c: char| c == '\'' || c == '’');
                w.strip_suffix("'s")
                    .or_else(|| w.strip_suffix("’s"))
                    .unwrap_or(w)
            });
        for word in words {
            let word = word.to_lowercase();
            if word.chars().count() < 2
                || word.chars().all(|c| c.is_numeric())
                || STOP_WORDS.contains(&word.as_str())
                || exclude.contains(&word)
            {
                continue;
            }
            if seen.insert(word.clone()) {
                *counts.entry(word).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(String, i64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(limit);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn pearson_matches_the_textbook() {
        assert!(close(pearson(&[1., 2., 3.], &[2., 4., 6.]).unwrap(), 1.0));
        assert!(close(pearson(&[1., 2., 3.], &[3., 2., 1.]).unwrap(), -1.0));
        // Worked example: r = 0.7745966692 (x = 1..5, y = 2,4,5,4,5).
        let r = pearson(&[1., 2., 3., 4., 5.], &[2., 4., 5., 4., 5.]).unwrap();
        assert!((r - 0.774_596_669_2).abs() < 1e-9, "{r}");
        assert_eq!(pearson(&[1.], &[1.]), None, "one point");
        assert_eq!(pearson(&[1., 1., 1.], &[1., 2., 3.]), None, "constant side");
        assert_eq!(pearson(&[], &[]), None);
    }

    #[test]
    fn revenue_that_follows_clicks_two_buckets_later_peaks_at_lag_two() {
        let clicks = [1., 5., 2., 8., 3., 9., 4., 7., 2., 6.];
        let mut revenue = vec![Some(0.0); 2];
        revenue.extend(clicks.iter().map(|c| Some(c * 10.0)));
        let kpi: Vec<Option<f64>> = clicks.iter().copied().map(Some).collect();
        let lags = lagged_correlations(&kpi, &revenue, 3, MIN_POINTS);
        assert_eq!(lags.len(), 4);
        assert_eq!(lags[2].lag, 2);
        assert!(close(lags[2].r.unwrap(), 1.0), "{lags:?}");
        assert_eq!(lags[2].points, 10);
        for other in [0, 1, 3] {
            assert!(lags[other].r.unwrap() < 0.9, "{lags:?}");
        }
        // Points run out as the lag grows: 12 revenue buckets, 10 KPI buckets.
        assert_eq!(lags[3].points, 9);
    }

    #[test]
    fn buckets_without_data_are_skipped_and_few_points_are_not_enough() {
        let kpi = [Some(1.), None, Some(3.), Some(4.), None, Some(6.)];
        let revenue = [Some(2.), Some(9.), Some(6.), None, Some(1.), Some(12.)];
        let lags = lagged_correlations(&kpi, &revenue, 0, 3);
        assert_eq!(lags[0].points, 3, "pairs (1,2) (3,6) (6,12)");
        assert!(close(lags[0].r.unwrap(), 1.0));
        let lags = lagged_correlations(&kpi, &revenue, 0, MIN_POINTS);
        assert_eq!(lags[0].r, None, "3 points < {MIN_POINTS}: not enough data");
    }

    #[test]
    fn spikes_and_drops_beyond_two_sigma_of_the_trailing_window() {
        // The spike widens the windows that hold it (no false drop right after it); the
        // drop at the end is judged against a calm window again.
        let series: Vec<Option<f64>> =
            [10., 12., 11., 9., 10., 11., 30., 10., 12., 11., 10., 9., 1.]
                .into_iter()
                .map(Some)
                .collect();
        let found = outliers(&series, 5, 2.0);
        let at: Vec<(usize, Direction)> = found.iter().map(|o| (o.index, o.direction)).collect();
        assert_eq!(
            at,
            vec![(6, Direction::Spike), (12, Direction::Drop)],
            "{found:?}"
        );
        let spike = &found[0];
        // Window 12, 11, 9, 10, 11: mean 10.6, sd 1.0198.
        assert!(close(spike.trailing_mean, 10.6));
        assert!((spike.trailing_sd - 1.019_803_902_7).abs() < 1e-9);
        assert!(spike.z.unwrap() > 19.0);
    }

    #[test]
    fn a_flat_window_flags_any_change_and_gaps_are_not_zero() {
        let series = [Some(5.), Some(5.), None, Some(5.), Some(6.), Some(5.)];
        let found = outliers(&series, 3, 2.0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].index, 4);
        assert_eq!(found[0].z, None);
        assert!(outliers(&series, 10, 2.0).is_empty(), "window never fills");
        assert!(outliers(&series, 1, 2.0).is_empty(), "no sd from one value");
    }

    #[test]
    fn keywords_are_the_words_most_texts_use_without_stop_words_or_brands() {
        let texts = [
            "Acme's outage again: the API is down, down, down!",
            "Outage at Acme? Their API returns 500 errors",
            "The new Acme pricing is great",
            "아크미 서비스 장애 정말 너무 길어요",
            "아크미 장애 공지 언제 나오나요",
            "https://t.co/x @acme_help — I love it",
        ];
        let exclude = vec!["Acme".to_string(), "아크미".to_string()];
        let top = top_keywords(texts.iter().copied(), &exclude, 4);
        assert_eq!(
            top,
            vec![
                ("api".to_string(), 2),
                ("outage".to_string(), 2),
                ("장애".to_string(), 2),
                ("again".to_string(), 1),
            ]
        );
        // "down" three times in one text counts once; numbers, stop words, URL parts and
        // one-letter words never count; the brand in any case is left out.
        let all = top_keywords(texts.iter().copied(), &exclude, 100);
        let words: Vec<&str> = all.iter().map(|(w, _)| w.as_str()).collect();
        assert!(all.contains(&("down".to_string(), 1)));
        for gone in [
            "the",
            "is",
            "500",
            "https",
            "co",
            "x",
            "i",
            "acme_help",
            "정말",
            "너무",
            "acme",
            "acme's",
            "아크미",
        ] {
            assert!(!words.contains(&gone), "{gone} in {words:?}");
        }
        assert!(top_keywords(Vec::<&str>::new(), &[], 3).is_empty());
        assert!(top_keywords(["keyword"], &[], 0).is_empty());
    }
}
