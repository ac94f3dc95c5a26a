//! `/api/v1/brands` and `/api/v1/mentions`: creation, all-or-nothing batches, duplicates,
//! given and computed sentiment, topics, filters — and that every refusal stores nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

impl TestApp {
    /// `POST /api/v1/brands`, asserting 201.
    pub async fn create_brand(&self, body: Value) -> Value {
        let res = self.post("/api/v1/brands", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create brand {body}");
        res.json().await.unwrap()
    }

    /// The own brand `Acme` and the competitor `Globex`.
    pub async fn brands_acme_and_globex(&self) {
        self.create_brand(
            json!({"name": "Acme", "own": true, "keywords": ["acme", "아크미"],
                                 "intended_attributes": ["reliable", "믿을 수 있는"]}),
        )
        .await;
        self.create_brand(json!({"name": "Globex", "own": false, "keywords": ["globex"]}))
            .await;
    }

    /// `POST /api/v1/mentions` with these items.
    pub async fn post_mentions(&self, items: Vec<Value>) -> reqwest::Response {
        self.post("/api/v1/mentions", &json!({ "mentions": items }))
            .await
    }

    /// `GET /api/v1/mentions?{query}` → the body, asserting 200.
    pub async fn mentions(&self, query: &str) -> Value {
        let res = self.get(&format!("/api/v1/mentions?{query}")).await;
        assert_eq!(res.status(), StatusCode::OK, "GET /mentions?{query}");
        res.json().await.unwrap()
    }

    pub async fn mention_total(&self) -> i64 {
        self.mentions("").await["total"].as_i64().unwrap()
    }
}

/// A valid mention of `brand`, numbered `n` (its external id).
pub fn mention(brand: &str, n: usize) -> Value {
    json!({
        "brand": brand,
        "channel": "x",
        "author": format!("@author{n}"),
        "text": format!("Post number {n} about {brand}"),
        "occurred_at": format!("2026-03-{:02}T10:00:00Z", 1 + n % 28),
        "external_id": format!("x-{n}"),
    })
}

async fn created(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn refusal(res: reqwest::Response, status: StatusCode) -> (String, String) {
    assert_eq!(res.status(), status);
    let body: Value = res.json().await.unwrap();
    (
        body["error"]["code"].as_str().unwrap().to_owned(),
        body["error"]["message"].as_str().unwrap().to_owned(),
    )
}

#[actix_web::test]
async fn brands_are_created_listed_and_shown() {
    let app = TestApp::spawn().await;
    let acme = app
        .create_brand(
            json!({"name": " Acme ", "own": true, "keywords": ["acme", "ACME", "아크미"],
                             "intended_attributes": ["reliable"]}),
        )
        .await;
    assert!(acme["id"].as_i64().is_some());
    assert_eq!(
        (
            &acme["name"],
            &acme["own"],
            &acme["keywords"],
            &acme["intended_attributes"]
        ),
        (
            &json!("Acme"),
            &json!(true),
            &json!(["acme", "아크미"]),
            &json!(["reliable"])
        )
    );
    let globex = app
        .create_brand(json!({"name": "Globex", "own": false, "keywords": ["globex"]}))
        .await;
    assert_eq!(globex["intended_attributes"], json!([]));

    let brands = app.list("/api/v1/brands", "brands").await;
    assert_eq!(
        brands,
        vec![acme.clone(), globex.clone()],
        "own brand first"
    );
    let res = app.get(&format!("/api/v1/brands/{}", globex["id"])).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), globex);
    assert_eq!(
        error_code(app.get("/api/v1/brands/999").await, StatusCode::NOT_FOUND).await,
        "not_found"
    );
}

#[actix_web::test]
async fn refused_brands_store_nothing() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"name": "acme", "own": false, "keywords": ["a"]}),
            StatusCode::CONFLICT,
            "brand_exists",
        ),
        (
            json!({"name": "Initech", "own": true, "keywords": ["initech"]}),
            StatusCode::CONFLICT,
            "own_brand_exists",
        ),
        (
            json!({"name": "  ", "own": false, "keywords": ["a"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
        ),
        (
            json!({"name": "Initech", "own": false, "keywords": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_keywords",
        ),
        (
            json!({"name": "Initech", "own": false, "keywords": ["initech", " "]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_keyword",
        ),
        (
            json!({"name": "Initech", "own": false, "keywords": ["k".repeat(101)]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_keyword",
        ),
        (
            json!({"name": "Initech", "own": false, "keywords": ["initech"], "intended_attributes": ["fast"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attributes_on_competitor",
        ),
        (
            json!({"name": "Initech", "own": "no", "keywords": ["initech"]}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"name": "Initech", "own": false, "keywords": "initech"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"name": "Initech", "own": false}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let res = app.post("/api/v1/brands", &body).await;
        assert_eq!(error_code(res, status).await, code, "{body}");
    }
    let res = app.post_raw("/api/v1/brands", "{\"name\": ").await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "malformed_json"
    );
    let names: Vec<Value> = app
        .list("/api/v1/brands", "brands")
        .await
        .into_iter()
        .map(|b| b["name"].clone())
        .collect();
    assert_eq!(names, [json!("Acme"), json!("Globex")]);
}

#[actix_web::test]
async fn a_batch_of_ten_is_inserted_and_filtered() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let mut items: Vec<Value> = (0..6).map(|n| mention("Acme", n)).collect();
    items.extend((6..10).map(|n| mention("globex", n)));
    items[1]["channel"] = json!("LinkedIn");
    items[2]["channel"] = json!("naver_blog");
    items[2]["text"] = json!("아크미 서비스 정말 최고예요");
    items[3]["text"] = json!("Acme support was terrible, very disappointed");
    items[4]["kind"] = json!("comment");
    items[4]["author_reach"] = json!(15000);
    items[4]["url"] = json!("https://x.com/a/4");
    items[5]["occurred_at"] = json!("2026-04-02");
    let outcome = created(app.post_mentions(items).await).await;
    assert_eq!(outcome, json!({"inserted": 10, "duplicates": 0}));

    let all = app.mentions("").await;
    assert_eq!(all["total"], 10);
    let rows = all["mentions"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0]["external_id"], "x-5", "newest first");
    assert_eq!(rows[0]["occurred_at"], "2026-04-02T00:00:00Z");
    let m4 = rows.iter().find(|m| m["external_id"] == "x-4").unwrap();
    assert_eq!(
        (
            &m4["brand"],
            &m4["kind"],
            &m4["author_reach"],
            &m4["url"],
            &m4["channel"]
        ),
        (
            &json!("Acme"),
            &json!("comment"),
            &json!(15000),
            &json!("https://x.com/a/4"),
            &json!("x")
        )
    );
    assert!(m4["brand_id"].as_i64().is_some() && m4["id"].as_i64().is_some());
    let m1 = rows.iter().find(|m| m["external_id"] == "x-1").unwrap();
    assert_eq!(m1["channel"], "linkedin", "channels are lowercased");
    assert_eq!(m1["kind"], "post", "the default kind");

    let total = |q: &'static str| {
        let app = &app;
        async move { app.mentions(q).await["total"].as_i64().unwrap() }
    };
    assert_eq!(total("brand=acme").await, 6);
    assert_eq!(total("brand=Globex&channel=x").await, 4);
    assert_eq!(total("channel=naver_blog").await, 1);
    assert_eq!(total("sentiment=negative").await, 1);
    assert_eq!(total("sentiment=positive").await, 1);
    assert_eq!(total("from=2026-04-01").await, 1);
    assert_eq!(total("from=2026-03-01&to=2026-03-04").await, 3);
    assert_eq!(total("q=TERRIBLE").await, 1);
    assert_eq!(total("q=최고").await, 1);
    assert_eq!(total("q=100%25").await, 0, "wildcards are literal");
    let page = app.mentions("limit=3&offset=8").await;
    assert_eq!(page["total"], 10);
    assert_eq!(page["mentions"].as_array().unwrap().len(), 2);

    for (query, code) in [
        ("brand=Initech", "unknown_brand"),
        ("sentiment=good", "invalid_sentiment"),
        ("channel=a%20b", "invalid_channel"),
        ("from=yesterday", "invalid_from"),
        ("from=2026-03-02&to=2026-03-01", "invalid_period"),
    ] {
        let res = app.get(&format!("/api/v1/mentions?{query}")).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{query}"
        );
    }
    let res = app.get("/api/v1/mentions?limit=many").await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_query"
    );
}

#[actix_web::test]
async fn one_bad_mention_refuses_the_whole_batch() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let batch = |n: usize, field: &str, value: Value| {
        let mut items: Vec<Value> = (0..5).map(|i| mention("Acme", i)).collect();
        if value.is_null() {
            items[n].as_object_mut().unwrap().remove(field);
        } else {
            items[n][field] = value;
        }
        items
    };
    let unprocessable = [
        (
            batch(3, "occurred_at", json!("last tuesday")),
            "mentions[3].occurred_at",
            "invalid_occurred_at",
        ),
        (
            batch(2, "brand", json!("Initech")),
            "mentions[2].brand",
            "unknown_brand",
        ),
        (
            batch(4, "sentiment", json!("great")),
            "mentions[4].sentiment",
            "invalid_sentiment",
        ),
        (
            batch(0, "kind", json!("reply")),
            "mentions[0].kind",
            "invalid_kind",
        ),
        (
            batch(1, "channel", json!("Linked In")),
            "mentions[1].channel",
            "invalid_channel",
        ),
        (
            batch(1, "text", json!("   ")),
            "mentions[1].text",
            "invalid_text",
        ),
        (
            batch(1, "text", Value::Null),
            "mentions[1].text",
            "invalid_text",
        ),
        (
            batch(2, "author_reach", json!(-5)),
            "mentions[2].author_reach",
            "invalid_author_reach",
        ),
        (
            batch(2, "url", json!("javascript:alert(1)")),
            "mentions[2].url",
            "invalid_url",
        ),
        (
            batch(4, "occurred_at", json!("2999-01-01")),
            "mentions[4].occurred_at",
            "invalid_occurred_at",
        ),
    ];
    for (items, prefix, code) in unprocessable {
        let (got, message) = refusal(
            app.post_mentions(items).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(got, code, "{message}");
        assert!(message.starts_with(prefix), "{message}");
    }
    let bad_types = [
        (
            batch(1, "author_reach", json!("many")),
            "mentions[1].author_reach",
        ),
        (
            batch(1, "author_reach", json!(1.5)),
            "mentions[1].author_reach",
        ),
        (batch(3, "text", json!(42)), "mentions[3].text"),
        (
            batch(0, "external_id", json!({"id": 1})),
            "mentions[0].external_id",
        ),
    ];
    for (items, prefix) in bad_types {
        let (code, message) =
            refusal(app.post_mentions(items).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(code, "invalid_body");
        assert!(message.starts_with(prefix), "{message}");
    }
    let mut not_object: Vec<Value> = (0..3).map(|i| mention("Acme", i)).collect();
    not_object[1] = json!("hello");
    let (_, message) = refusal(app.post_mentions(not_object).await, StatusCode::BAD_REQUEST).await;
    assert!(message.starts_with("mentions[1]:"), "{message}");
    for body in [json!({"mentions": "x"}), json!({"items": []}), json!([])] {
        let res = app.post("/api/v1/mentions", &body).await;
        assert_eq!(
            error_code(res, StatusCode::BAD_REQUEST).await,
            "invalid_body"
        );
    }
    let res = app.post_mentions(vec![]).await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "empty_batch"
    );
    let oversized: Vec<Value> = (0..1001).map(|i| mention("Acme", i)).collect();
    let (code, message) = refusal(
        app.post_mentions(oversized).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(code, "payload_too_large");
    assert!(message.contains("at most 1000"), "{message}");
    let huge = json!({"mentions": [mention("Acme", 1)], "padding": "x".repeat(9 * 1024 * 1024)});
    let res = app.post("/api/v1/mentions", &huge).await;
    assert_eq!(
        error_code(res, StatusCode::PAYLOAD_TOO_LARGE).await,
        "payload_too_large"
    );

    assert_eq!(
        app.mention_total().await,
        0,
        "nothing stored by any refusal"
    );
    let full: Vec<Value> = (0..1000).map(|i| mention("Acme", i)).collect();
    let outcome = created(app.post_mentions(full).await).await;
    assert_eq!(
        outcome,
        json!({"inserted": 1000, "duplicates": 0}),
        "the limit itself is fine"
    );
}

#[actix_web::test]
async fn repeated_mentions_are_counted_as_duplicates() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let first: Vec<Value> = (0..3).map(|i| mention("Acme", i)).collect();
    assert_eq!(
        created(app.post_mentions(first.clone()).await).await,
        json!({"inserted": 3, "duplicates": 0})
    );
    assert_eq!(
        created(app.post_mentions(first.clone()).await).await,
        json!({"inserted": 0, "duplicates": 3}),
        "re-sent"
    );
    let mut again = vec![mention("Acme", 7), mention("Acme", 7), mention("Acme", 0)];
    let mut other_channel = mention("Acme", 0);
    other_channel["channel"] = json!("facebook");
    again.push(other_channel);
    let mut numeric = mention("Acme", 9);
    numeric["external_id"] = json!(12345);
    again.push(numeric);
    let mut no_id = mention("Acme", 1);
    no_id.as_object_mut().unwrap().remove("external_id");
    again.push(no_id.clone());
    again.push(no_id);
    assert_eq!(
        created(app.post_mentions(again).await).await,
        json!({"inserted": 5, "duplicates": 2}),
        "a repeat within the batch and one of a stored id; ids are per channel; no id, no duplicate check"
    );
    let mut as_text = mention("Acme", 9);
    as_text["external_id"] = json!("12345");
    assert_eq!(
        created(app.post_mentions(vec![as_text]).await).await,
        json!({"inserted": 0, "duplicates": 1}),
        "12345 and \"12345\" are the same id"
    );
    assert_eq!(app.mention_total().await, 8);
}

#[actix_web::test]
async fn sentiment_is_given_or_computed_and_korean_round_trips() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let items = vec![
        json!({"brand": "Acme", "channel": "x", "author": "a", "text": "I love Acme, great service!",
               "occurred_at": "2026-03-01T09:00:00Z", "external_id": "1"}),
        json!({"brand": "Acme", "channel": "x", "author": "b", "text": "I love Acme, great service!",
               "occurred_at": "2026-03-01T09:01:00Z", "external_id": "2", "sentiment": "negative"}),
        json!({"brand": "Acme", "channel": "x", "author": "c", "text": "Acme app doesn't work",
               "occurred_at": "2026-03-01T09:02:00Z", "external_id": "3"}),
        json!({"brand": "아크미", "channel": "naver_blog", "author": "김민지 👩‍💻",
               "text": "아크미 배송이 너무 늦어서 정말 실망했어요 ㅠㅠ \"따옴표\" <b>태그</b>",
               "occurred_at": "2026-03-01T18:30:00+09:00", "external_id": "4"}),
        json!({"brand": "Acme", "channel": "x", "author": "e", "text": "Acme published its annual report",
               "occurred_at": "2026-03-01T09:04:00Z", "external_id": "5", "sentiment": "positive"}),
        json!({"brand": "Acme", "channel": "x", "author": "f", "text": "아크미 안 좋아요",
               "occurred_at": "2026-03-01T09:05:00Z", "external_id": "6"}),
    ];
    // The Korean item names a brand that does not exist by that name: refused as a whole.
    let (code, message) = refusal(
        app.post_mentions(items.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "unknown_brand");
    assert!(message.starts_with("mentions[3].brand"), "{message}");
    let mut items = items;
    items[3]["brand"] = json!("ACME");
    assert_eq!(
        created(app.post_mentions(items).await).await,
        json!({"inserted": 6, "duplicates": 0})
    );
    let body = app.mentions("").await;
    let by_id = |id: &str| -> Value {
        body["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["external_id"] == id)
            .cloned()
            .unwrap()
    };
    let pair = |id: &str| {
        let m = by_id(id);
        (
            m["sentiment"].as_str().unwrap().to_owned(),
            m["sentiment_source"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(pair("1"), ("positive".into(), "computed".into()));
    assert_eq!(pair("2"), ("negative".into(), "given".into()));
    assert_eq!(pair("3"), ("negative".into(), "computed".into()));
    assert_eq!(pair("4"), ("negative".into(), "computed".into()));
    assert_eq!(pair("5"), ("positive".into(), "given".into()));
    assert_eq!(pair("6"), ("negative".into(), "computed".into()));
    let korean = by_id("4");
    assert_eq!(
        korean["text"],
        "아크미 배송이 너무 늦어서 정말 실망했어요 ㅠㅠ \"따옴표\" <b>태그</b>"
    );
    assert_eq!(korean["author"], "김민지 👩‍💻");
    assert_eq!(korean["brand"], "Acme");
    assert_eq!(korean["occurred_at"], "2026-03-01T09:30:00Z");
    let found = app
        .mentions("q=실망했어요&sentiment=negative&channel=naver_blog")
        .await;
    assert_eq!(found["total"], 1);
}

#[actix_web::test]
async fn mentions_are_tagged_with_the_topics_they_contain() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    app.create_content(
        json!({"title": "Launch", "url": "https://example.com/a", "topics": ["AI", "Cloud"]}),
    )
    .await;
    let items = vec![
        json!({"brand": "Acme", "channel": "x", "author": "a", "text": "Acme's new AI assistant in the cloud",
               "occurred_at": "2026-03-01T09:00:00Z"}),
        json!({"brand": "Acme", "channel": "x", "author": "b", "text": "He said Acme is fine",
               "occurred_at": "2026-03-01T09:01:00Z"}),
    ];
    created(app.post_mentions(items).await).await;
    let body = app.mentions("").await;
    let rows = body["mentions"].as_array().unwrap();
    assert_eq!(rows[1]["topics"], json!(["AI", "Cloud"]));
    assert_eq!(rows[0]["topics"], json!([]), "\"said\" is not AI");
}

#[actix_web::test]
async fn the_mention_routes_need_a_full_key() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/mentions", "/api/v1/brands"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            error_code(res, StatusCode::UNAUTHORIZED).await,
            "unauthorized"
        );
    }
    let res = app
        .client
        .post(app.url("/api/v1/mentions"))
        .json(&json!({"mentions": [mention("Acme", 1)]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn racing_batches_store_each_mention_once() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let items: Vec<Value> = (0..200).map(|i| mention("Acme", i)).collect();
    let (a, b, c) = tokio::join!(
        app.post_mentions(items.clone()),
        app.post_mentions(items.clone()),
        app.post_mentions(items.clone())
    );
    let mut inserted = 0;
    let mut duplicates = 0;
    for res in [a, b, c] {
        let outcome = created(res).await;
        inserted += outcome["inserted"].as_i64().unwrap();
        duplicates += outcome["duplicates"].as_i64().unwrap();
    }
    assert_eq!((inserted, duplicates), (200, 400));
    assert_eq!(app.mention_total().await, 200);
}

#[actix_web::test]
async fn racing_own_brands_leave_one() {
    let app = TestApp::spawn().await;
    let own = |name: &str| json!({"name": name, "own": true, "keywords": [name]});
    let (one, two, three) = (own("One"), own("Two"), own("Three"));
    let (a, b, c) = tokio::join!(
        app.post("/api/v1/brands", &one),
        app.post("/api/v1/brands", &two),
        app.post("/api/v1/brands", &three)
    );
    let mut statuses = vec![a.status(), b.status(), c.status()];
    statuses.sort();
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CONFLICT,
            StatusCode::CONFLICT
        ]
    );
    for res in [a, b, c] {
        if res.status() == StatusCode::CONFLICT {
            assert_eq!(
                error_code(res, StatusCode::CONFLICT).await,
                "own_brand_exists"
            );
        }
    }
    assert_eq!(app.list("/api/v1/brands", "brands").await.len(), 1);
}
