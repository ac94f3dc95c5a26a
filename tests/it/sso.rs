//! Single sign-on against an identity provider that the test starts: OpenID Connect
//! discovery, JWKS, the authorization endpoint (which signs the person in at once) and the
//! token endpoint (which checks the PKCE verifier and the client secret, and signs an ID
//! token with a fixed RSA key).

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use chorus::config::RawSettings;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, EndUserName, IssuerUrl, JsonWebKeyId,
    LocalizedClaim, Nonce, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{client, TestApp};

const CLIENT_ID: &str = "chorus-test";
const CLIENT_SECRET: &str = "idp-client-secret";
const KEY_PEM: &str = include_str!("../fixtures/oidc-test-key.pem");

/// Who the provider says signs in next, and how it answers.
#[derive(Clone)]
struct Person {
    email: String,
    email_verified: bool,
    name: Option<String>,
    /// Sign the ID token with this nonce instead of the one asked for (a replay).
    wrong_nonce: bool,
}

#[derive(Default)]
struct Books {
    /// code → (nonce, PKCE challenge, redirect URI)
    codes: HashMap<String, (String, String, String)>,
    token_requests: usize,
}

struct Idp {
    issuer: String,
    person: Arc<Mutex<Person>>,
    books: Arc<Mutex<Books>>,
    handle: actix_web::dev::ServerHandle,
}

impl Idp {
    async fn start(person: Person) -> Idp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let person = Arc::new(Mutex::new(person));
        let books = Arc::new(Mutex::new(Books::default()));
        let key = Arc::new(
            CoreRsaPrivateSigningKey::from_pem(KEY_PEM, Some(JsonWebKeyId::new("k1".into())))
                .expect("test key"),
        );
        let (i, p, b, k) = (issuer.clone(), person.clone(), books.clone(), key.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new((i.clone(), p.clone(), b.clone(), k.clone())))
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(discovery),
                )
                .route("/jwks", web::get().to(jwks))
                .route("/authorize", web::get().to(authorize))
                .route("/token", web::post().to(token))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Idp {
            issuer,
            person,
            books,
            handle,
        }
    }

    fn settings(&self, jit_team: Option<&str>) -> RawSettings {
        RawSettings {
            oidc_issuer: Some(self.issuer.clone()),
            oidc_client_id: Some(CLIENT_ID.into()),
            oidc_client_secret: Some(CLIENT_SECRET.into()),
            oidc_jit_team: jit_team.map(str::to_string),
            ..RawSettings::default()
        }
    }
}

type IdpData = web::Data<(
    String,
    Arc<Mutex<Person>>,
    Arc<Mutex<Books>>,
    Arc<CoreRsaPrivateSigningKey>,
)>;

async fn discovery(data: IdpData) -> HttpResponse {
    let issuer = &data.0;
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "scopes_supported": ["openid", "email", "profile"],
    }))
}

async fn jwks(data: IdpData) -> HttpResponse {
    HttpResponse::Ok().json(CoreJsonWebKeySet::new(vec![data.3.as_verification_key()]))
}

/// Signs the person in at once and sends the browser back with a code.
async fn authorize(data: IdpData, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let q = query.into_inner();
    assert_eq!(q.get("client_id").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(q.get("response_type").map(String::as_str), Some("code"));
    assert_eq!(
        q.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    let scope = q.get("scope").cloned().unwrap_or_default();
    assert!(scope.split(' ').any(|s| s == "openid"), "{scope}");
    let code = format!("code-{}", rand_suffix());
    let redirect = q["redirect_uri"].clone();
    data.2.lock().unwrap().codes.insert(
        code.clone(),
        (
            q["nonce"].clone(),
            q["code_challenge"].clone(),
            redirect.clone(),
        ),
    );
    let mut back = url::Url::parse(&redirect).expect("redirect_uri");
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &q["state"]);
    HttpResponse::Found()
        .insert_header(("location", back.to_string()))
        .finish()
}

fn rand_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

async fn token(
    data: IdpData,
    req: HttpRequest,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let form = form.into_inner();
    let (issuer, person, books, key) = (&data.0, &data.1, &data.2, &data.3);
    books.lock().unwrap().token_requests += 1;
    // client_secret_basic: the client proves itself.
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != expected {
        return HttpResponse::Unauthorized().json(json!({"error": "invalid_client"}));
    }
    let Some((nonce, challenge, redirect)) = books
        .lock()
        .unwrap()
        .codes
        .remove(form.get("code").map(String::as_str).unwrap_or(""))
    else {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_grant"}));
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    if computed != challenge || form.get("redirect_uri") != Some(&redirect) {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_grant"}));
    }
    let person = person.lock().unwrap().clone();
    let now = chrono::Utc::now();
    let mut standard = StandardClaims::new(SubjectIdentifier::new(format!("sub-{}", person.email)))
        .set_email(Some(EndUserEmail::new(person.email.clone())))
        .set_email_verified(Some(person.email_verified));
    if let Some(name) = &person.name {
        standard = standard.set_name(Some(LocalizedClaim::from(EndUserName::new(name.clone()))));
    }
    let nonce = if person.wrong_nonce {
        "someone-elses-nonce".to_string()
    } else {
        nonce
    };
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(issuer.clone()).unwrap(),
        vec![Audience::new(CLIENT_ID.into())],
        now + chrono::Duration::minutes(5),
        now,
        standard,
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let id_token = CoreIdToken::new(
        claims,
        key.as_ref(),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .expect("sign");
    HttpResponse::Ok().json(json!({
        "access_token": "at-1",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
}

fn person(email: &str) -> Person {
    Person {
        email: email.into(),
        email_verified: true,
        name: None,
        wrong_nonce: false,
    }
}

/// The browser's round trip: Chorus → provider → Chorus. Returns the callback's answer.
async fn sign_in(app: &TestApp, browser: &reqwest::Client, next: &str) -> reqwest::Response {
    let res = browser
        .get(app.url(&format!("/login/sso?next={next}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "off to the provider");
    let to_provider = res.headers()["location"].to_str().unwrap().to_string();
    let res = browser.get(&to_provider).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "the provider sends the browser back"
    );
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with(&app.url("/login/sso/callback?")), "{back}");
    browser.get(&back).send().await.unwrap()
}

async fn text(res: reqwest::Response) -> String {
    res.text().await.unwrap()
}

#[actix_web::test]
async fn an_employee_signs_in_through_the_company_identity_provider() {
    let idp = Idp::start(person("Mina.Park@Example.com")).await;
    let app = TestApp::spawn_with(idp.settings(None)).await;
    app.create_employee("mina.park@example.com", "Mina Park", Some("Sales"))
        .await;

    let browser = client();
    let res = sign_in(&app, &browser, "/me").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/me",
        "back where they were going"
    );
    let page = browser.get(app.url("/me")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(text(page).await.contains("Mina Park"), "signed in as Mina");
    assert_eq!(idp.books.lock().unwrap().token_requests, 1);

    // A deactivated employee cannot sign in through the provider either.
    let id = app
        .employees()
        .await
        .into_iter()
        .find(|e| e["email"] == "mina.park@example.com")
        .expect("Mina")["id"]
        .as_i64()
        .unwrap();
    let res = client()
        .patch(app.url(&format!("/api/v1/employees/{id}")))
        .bearer_auth(&app.api_key)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = sign_in(&app, &client(), "/").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(text(res).await.contains("deactivated"));

    // The login page offers the provider.
    let login = text(client().get(app.url("/login")).send().await.unwrap()).await;
    assert!(
        login.contains("href=\"/login/sso"),
        "SSO button on the login page"
    );
    idp.handle.stop(false).await;
}

#[actix_web::test]
async fn a_stranger_is_refused_unless_just_in_time_creation_is_on() {
    let idp = Idp::start(Person {
        name: Some("Jun Seo".into()),
        ..person("jun.seo@example.com")
    })
    .await;
    let app = TestApp::spawn_with(idp.settings(None)).await;
    let res = sign_in(&app, &client(), "/").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(text(res)
        .await
        .contains("No Chorus account uses the e-mail address"));
    assert!(
        !app.employees()
            .await
            .iter()
            .any(|e| e["email"] == "jun.seo@example.com"),
        "nobody created"
    );

    let app = TestApp::spawn_with(idp.settings(Some("Field Sales"))).await;
    let browser = client();
    let res = sign_in(&app, &browser, "/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let created: Vec<Value> = app
        .employees()
        .await
        .into_iter()
        .filter(|e| e["email"] == "jun.seo@example.com")
        .collect();
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0]["name"], "Jun Seo");
    assert_eq!(created[0]["team"], "Field Sales");
    assert_eq!(created[0]["role"], "employee");
    // An employee lands on the feed.
    let home = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["location"], "/feed");
    let feed = browser.get(app.url("/feed")).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);

    // The second sign-in finds the same employee.
    let res = sign_in(&app, &client(), "/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.employees()
            .await
            .iter()
            .filter(|e| e["email"] == "jun.seo@example.com")
            .count(),
        1
    );
    idp.handle.stop(false).await;
}

#[actix_web::test]
async fn forged_replayed_or_unverified_answers_sign_nobody_in() {
    let idp = Idp::start(person("ana@example.com")).await;
    let app = TestApp::spawn_with(idp.settings(None)).await;
    app.create_employee("ana@example.com", "Ana", None).await;

    // A callback without the sign-in cookie (started in another browser, or forged).
    let browser = client();
    let res = browser.get(app.url("/login/sso")).send().await.unwrap();
    let to_provider = res.headers()["location"].to_str().unwrap().to_string();
    let back = browser.get(&to_provider).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let res = client().get(&back).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("Please start again"));

    // The right cookie but another state (a login CSRF).
    let forged = back.replace("state=", "state=x");
    let res = browser.get(&forged).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // An ID token minted for another sign-in (nonce mismatch).
    idp.person.lock().unwrap().wrong_nonce = true;
    let res = sign_in(&app, &client(), "/").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    idp.person.lock().unwrap().wrong_nonce = false;

    // An address the provider has not verified.
    idp.person.lock().unwrap().email_verified = false;
    let res = sign_in(&app, &client(), "/").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(text(res).await.contains("no confirmed e-mail address"));

    // The provider refuses (the person cancelled).
    let res = client()
        .get(app.url("/login/sso/callback?error=access_denied&state=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // None of it signed anyone in.
    let me = browser.get(app.url("/me")).send().await.unwrap();
    assert_ne!(me.status(), StatusCode::OK);
    idp.handle.stop(false).await;
}

#[actix_web::test]
async fn an_unreachable_provider_is_a_clear_page_and_without_one_there_is_no_sso() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::spawn_with(RawSettings {
        oidc_issuer: Some(issuer),
        oidc_client_id: Some(CLIENT_ID.into()),
        ..RawSettings::default()
    })
    .await;
    let res = client().get(app.url("/login/sso")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(text(res).await.contains("could not be reached"));

    let plain = TestApp::spawn().await;
    let res = client().get(plain.url("/login/sso")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let login = text(client().get(plain.url("/login")).send().await.unwrap()).await;
    assert!(
        !login.contains("/login/sso"),
        "no SSO button without a provider"
    );
}
