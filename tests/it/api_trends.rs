//! `GET /api/v1/trends` on the demo company: the correlations equal Pearson's r computed
//! here from `/kpis`'s own series, spikes are listed with topics, bad input is refused.

use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{binary, error_code, TestApp};

const PERIOD: &str = "from=2026-01-01&to=2026-03-02";

/// Pearson's r, written out independently of the server's.
fn r(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let cov: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = pairs.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let vy: f64 = pairs.iter().map(|(_, y)| (y - my).powi(2)).sum();
    cov / (vx.sqrt() * vy.sqrt())
}

async fn json(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

#[actix_web::test]
async fn trends_correlate_the_kpis_own_series_with_revenue_and_list_spikes() {
    let mut app = TestApp::spawn().await;
    let out = Command::new(binary())
        .args(["demo", "--today", "2026-03-01"])
        .current_dir(app.dir.path())
        .env("CHORUS_DATABASE_URL", &app.database_url)
        .stdin(Stdio::null())
        .output()
        .expect("chorus demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.restart().await;

    let kpis = json(&app, &format!("/api/v1/kpis?{PERIOD}&interval=day")).await;
    let values = |name: &str| -> Vec<Option<f64>> {
        kpis["series"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["value"].as_f64())
            .collect()
    };
    let (clicks, revenue) = (values("clicks"), values("revenue_cents"));

    let trend = json(
        &app,
        &format!("/api/v1/trends?{PERIOD}&interval=day&kpi=clicks&lags=3&window=7"),
    )
    .await;
    assert_eq!(trend["kpi"], "clicks");
    assert_eq!(trend["against"], "revenue_cents");
    assert_eq!(trend["series"].as_array().unwrap().len(), clicks.len());
    let correlations = trend["correlations"].as_array().unwrap();
    assert_eq!(correlations.len(), 4, "lags 0..=3");
    for c in correlations {
        let lag = c["lag"].as_u64().unwrap() as usize;
        let pairs: Vec<(f64, f64)> = clicks
            .iter()
            .enumerate()
            .filter_map(|(t, x)| Some(((*x)?, (*revenue.get(t + lag)?)?)))
            .collect();
        assert_eq!(
            c["points"].as_u64().unwrap() as usize,
            pairs.len(),
            "lag {lag}"
        );
        let expected = r(&pairs);
        let got = c["r"].as_f64().expect("enough points in 60 days");
        assert!(
            (got - expected).abs() < 1e-9,
            "lag {lag}: {got} vs {expected}"
        );
    }
    // The demo has a scanner burst and campaign launches: some day stands out, and each
    // outlier names its bucket and the trailing figures it was judged by.
    let outliers = trend["outliers"].as_array().unwrap();
    assert!(!outliers.is_empty(), "{trend}");
    for o in outliers {
        assert!(o["direction"] == "spike" || o["direction"] == "drop", "{o}");
        let dev = (o["value"].as_f64().unwrap() - o["trailing_mean"].as_f64().unwrap()).abs();
        let sd = o["trailing_sd"].as_f64().unwrap();
        assert!(sd == 0.0 || dev > 2.0 * sd, "{o}");
        assert!(o["topics"].as_array().unwrap().len() <= 3);
    }

    // Too short a period for the minimum number of points: "not enough data" is null.
    let short = json(
        &app,
        "/api/v1/trends?from=2026-02-27&to=2026-03-02&interval=day&kpi=clicks&lags=0",
    )
    .await;
    assert_eq!(short["correlations"][0]["r"], Value::Null);
    assert!(short["correlations"][0]["points"].as_u64().unwrap() < 5);

    // The dashboard's trend card shows the same strongest correlation for that period.
    app.create_user("boss@example.com", "admin", "correct horse battery");
    let browser = app.login("boss@example.com", "correct horse battery").await;
    let html = crate::common::page(
        &browser,
        app.url("/admin?range=custom&from=2026-01-01&to=2026-03-01"),
    )
    .await;
    let seven = json(
        &app,
        &format!("/api/v1/trends?{PERIOD}&interval=day&kpi=clicks&lags=7&window=7"),
    )
    .await;
    let best = seven["correlations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Some((c["lag"].as_u64()?, c["r"].as_f64()?)))
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        .expect("a correlation over 60 days");
    let summary = html
        .split("id=\"trend-summary\"")
        .nth(1)
        .expect("trend card")
        .split("</p>")
        .next()
        .unwrap()
        .to_string();
    assert!(
        summary.contains(&format!("r = {:.2}", best.1)),
        "{summary} vs {best:?}"
    );
    // The days that stood out, latest first, as the API lists them.
    let latest = seven["outliers"]
        .as_array()
        .unwrap()
        .last()
        .expect("an outlier");
    let day =
        chrono::NaiveDate::parse_from_str(latest["period_start"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    let card = html.split("id=\"trend\"").nth(1).unwrap();
    assert!(
        card.contains(&day.format("%Y-%m-%d").to_string())
            || card.contains(&day.format("%b %-d, %Y").to_string()),
        "{latest} in {card}"
    );

    for (query, code) in [
        ("kpi=bogus", "unknown_kpi"),
        ("lags=31", "invalid_lags"),
        ("window=1", "invalid_window"),
        ("interval=hour", "invalid_interval"),
    ] {
        let res = app.get(&format!("/api/v1/trends?{PERIOD}&{query}")).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{query}"
        );
    }
    let res = crate::common::client()
        .get(app.url("/api/v1/trends"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
