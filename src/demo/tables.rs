//! The fixed material the demo and seed data are drawn from: names (English and Korean),
//! teams, campaigns, content, topics, brands and mention texts, places, user agents and
//! referrers. Plain data, no logic: `plan` and `stream` pick from it with a seeded RNG.
//!
//! Every company, brand and domain here is fictional (`*.example` is reserved for
//! examples by RFC 2606). The user agents are real ones, each listed in the classifier's
//! own tests as the kind it is used for here (this module's tests check that too).

use crate::domain::network::Network;

/// Team names: the first five make the demo; a larger seed adds the others, then numbered
/// copies.
pub const TEAMS: &[&str] = &[
    "Sales",
    "Marketing",
    "Engineering",
    "Customer Success",
    "서울 영업팀",
    "Product",
    "People & Culture",
    "Sales EMEA",
    "Data Science",
    "부산 지사",
    "Design",
    "Finance",
    "Partnerships",
    "Sales APAC",
    "Support",
];

/// How likely an employee of a team is Korean (the rest have English names).
pub fn korean_share(team: &str) -> f64 {
    if super::plan::is_korean(team) {
        0.95
    } else if team.starts_with("Sales APAC") {
        0.5
    } else {
        0.2
    }
}

pub const ENGLISH_FIRST: &[&str] = &[
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Sophia",
    "Lucas",
    "Mia",
    "Mason",
    "Isabella",
    "Logan",
    "Amelia",
    "James",
    "Harper",
    "Elijah",
    "Evelyn",
    "Benjamin",
    "Abigail",
    "Henry",
    "Charlotte",
    "Samuel",
    "Grace",
    "Daniel",
    "Chloe",
    "Jack",
    "Nora",
    "Owen",
    "Lily",
    "Leo",
    "Hannah",
    "Julian",
    "Zoe",
    "Felix",
    "Clara",
    "Jonas",
    "Lena",
    "Priya",
    "Arjun",
    "Sofia",
];

pub const ENGLISH_LAST: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Müller", "Schmidt", "Nguyen",
    "Patel", "O'Brien",
];

/// Korean family names with the romanisation used in e-mail addresses.
pub const KOREAN_FAMILY: &[(&str, &str)] = &[
    ("김", "kim"),
    ("이", "lee"),
    ("박", "park"),
    ("최", "choi"),
    ("정", "jung"),
    ("강", "kang"),
    ("조", "cho"),
    ("윤", "yoon"),
    ("장", "jang"),
    ("임", "lim"),
    ("한", "han"),
    ("오", "oh"),
    ("서", "seo"),
    ("신", "shin"),
    ("권", "kwon"),
];

/// Korean given names with their romanisation.
pub const KOREAN_GIVEN: &[(&str, &str)] = &[
    ("민준", "minjun"),
    ("서연", "seoyeon"),
    ("지훈", "jihoon"),
    ("지우", "jiwoo"),
    ("하은", "haeun"),
    ("도윤", "doyoon"),
    ("수아", "sua"),
    ("예준", "yejun"),
    ("지민", "jimin"),
    ("현우", "hyunwoo"),
    ("서준", "seojun"),
    ("유진", "yujin"),
    ("은서", "eunseo"),
    ("준호", "junho"),
    ("다은", "daeun"),
    ("태윤", "taeyoon"),
    ("소윤", "soyoon"),
    ("민서", "minseo"),
    ("성민", "seongmin"),
    ("혜진", "hyejin"),
];

/// The company's e-mail domain.
pub const EMAIL_DOMAIN: &str = "acme.example";
/// Where content lives.
pub const SITE: &str = "https://www.acme.example";

/// A campaign, its dates as days after the first day of the data (`ends` `None`: still
/// running), and its UTM settings.
pub struct CampaignRow {
    pub name: &'static str,
    pub utm_campaign: Option<&'static str>,
    pub starts: i64,
    pub ends: Option<i64>,
    pub goal: Option<&'static str>,
    pub utm_source: Option<&'static str>,
    pub utm_medium: Option<&'static str>,
    pub utm_overwrite: bool,
}

pub const CAMPAIGNS: &[CampaignRow] = &[
    CampaignRow {
        name: "Acme Cloud 3.0 Launch",
        utm_campaign: Some("cloud-3-launch"),
        starts: 4,
        ends: Some(34),
        goal: Some("2,000 sign-ups for the 3.0 beta"),
        utm_source: None,
        utm_medium: None,
        utm_overwrite: false,
    },
    CampaignRow {
        name: "Security Week",
        utm_campaign: None,
        starts: 18,
        ends: Some(25),
        goal: Some("300 demo requests"),
        utm_source: None,
        utm_medium: Some("social"),
        utm_overwrite: true,
    },
    CampaignRow {
        name: "We're hiring: Engineering",
        utm_campaign: Some("hiring-eng-2026"),
        starts: 0,
        ends: None,
        goal: Some("150 applications"),
        utm_source: None,
        utm_medium: None,
        utm_overwrite: false,
    },
    CampaignRow {
        name: "봄 고객 이벤트",
        utm_campaign: None,
        starts: 30,
        ends: Some(52),
        goal: Some("서울 고객 세미나 참가 신청 200건"),
        utm_source: None,
        utm_medium: None,
        utm_overwrite: false,
    },
    CampaignRow {
        name: "Customer Stories",
        utm_campaign: Some("customer-stories"),
        starts: 10,
        ends: None,
        goal: None,
        utm_source: None,
        utm_medium: None,
        utm_overwrite: false,
    },
];

/// A content item: title, path on [`SITE`], campaign (index into [`CAMPAIGNS`]), topics,
/// whether an employee wrote it (origin `employee`), suggested text, and whether the
/// redirect may add the click id (one item stands for a signed URL that must stay as is).
pub struct ContentRow {
    pub title: &'static str,
    pub path: &'static str,
    pub campaign: Option<usize>,
    pub topics: &'static [&'static str],
    pub by_employee: bool,
    pub text: Option<&'static str>,
    pub click_param: bool,
}

const fn item(
    title: &'static str,
    path: &'static str,
    campaign: Option<usize>,
    topics: &'static [&'static str],
    text: Option<&'static str>,
) -> ContentRow {
    ContentRow {
        title,
        path,
        campaign,
        topics,
        by_employee: false,
        text,
        click_param: true,
    }
}

const fn post(
    title: &'static str,
    path: &'static str,
    topics: &'static [&'static str],
) -> ContentRow {
    ContentRow {
        title,
        path,
        campaign: None,
        topics,
        by_employee: true,
        text: None,
        click_param: true,
    }
}

pub const CONTENT: &[ContentRow] = &[
    item(
        "Introducing Acme Cloud 3.0",
        "/blog/acme-cloud-3",
        Some(0),
        &["Product", "Cloud"],
        Some("Acme Cloud 3.0 is here: faster deploys, smarter scaling. Have a look!"),
    ),
    item(
        "Acme Cloud 3.0: what's new for data teams",
        "/blog/cloud-3-data-teams",
        Some(0),
        &["Data", "Cloud"],
        None,
    ),
    item(
        "Join the Acme Cloud 3.0 beta",
        "/beta?utm_source=newsletter",
        Some(0),
        &["Product"],
        Some("The 3.0 beta is open. Sign up in two minutes."),
    ),
    item(
        "아크미 클라우드 3.0 출시",
        "/ko/blog/acme-cloud-3",
        Some(0),
        &["Product", "클라우드"],
        Some("아크미 클라우드 3.0이 출시되었습니다. 지금 확인해 보세요!"),
    ),
    item(
        "Live demo: scaling to a million users",
        "/webinars/scaling-live",
        Some(0),
        &["Cloud"],
        None,
    ),
    item(
        "Security Week: five habits that stop breaches",
        "/blog/five-security-habits?utm_medium=blog",
        Some(1),
        &["Security"],
        Some("Five habits, zero breaches. Worth a read for every team."),
    ),
    item(
        "Zero trust, explained in ten minutes",
        "/blog/zero-trust-explained",
        Some(1),
        &["Security"],
        None,
    ),
    item(
        "보안 주간: 침해를 막는 다섯 가지 습관",
        "/ko/blog/security-habits",
        Some(1),
        &["보안"],
        None,
    ),
    item(
        "Our 2026 security report",
        "/reports/security-2026",
        Some(1),
        &["Security", "Data"],
        Some("Our yearly security report is out — free download."),
    ),
    item(
        "We're hiring backend engineers in Seoul and Berlin",
        "/careers/backend",
        Some(2),
        &["Careers"],
        Some("We're hiring! Come build Acme Cloud with us."),
    ),
    item(
        "Life at Acme: a day with the platform team",
        "/careers/life-platform-team",
        Some(2),
        &["Careers"],
        None,
    ),
    item(
        "아크미 백엔드 엔지니어 채용",
        "/ko/careers/backend",
        Some(2),
        &["채용"],
        Some("아크미에서 함께 일할 백엔드 엔지니어를 찾습니다."),
    ),
    item(
        "Internships 2026: apply now",
        "/careers/internships",
        Some(2),
        &["Careers"],
        None,
    ),
    item(
        "봄 고객 세미나 초대",
        "/ko/events/spring-seminar",
        Some(3),
        &["Customer stories", "클라우드"],
        Some("서울에서 열리는 봄 고객 세미나에 초대합니다."),
    ),
    item(
        "봄맞이 아크미 클라우드 특별 할인",
        "/ko/offers/spring",
        Some(3),
        &["Product"],
        None,
    ),
    item(
        "How Hanbit Logistics cut cloud costs by 38%",
        "/customers/hanbit-logistics",
        Some(4),
        &["Customer stories", "Cloud"],
        Some("38% lower cloud costs — Hanbit's story."),
    ),
    item(
        "Northwind Health: HIPAA-ready in six weeks",
        "/customers/northwind-health",
        Some(4),
        &["Customer stories", "Security"],
        None,
    ),
    item(
        "고객 사례: 한빛물류의 클라우드 비용 절감",
        "/ko/customers/hanbit-logistics",
        Some(4),
        &["Customer stories", "클라우드"],
        None,
    ),
    item(
        "Contoso Retail scales for Black Friday",
        "/customers/contoso-retail",
        Some(4),
        &["Customer stories", "Cloud"],
        None,
    ),
    item(
        "The state of AI in operations, 2026",
        "/reports/ai-operations-2026",
        None,
        &["AI", "Data"],
        Some("Fresh numbers on AI in operations."),
    ),
    item(
        "Five AI features our customers actually use",
        "/blog/ai-features-in-use",
        None,
        &["AI", "Product"],
        None,
    ),
    item(
        "Sustainability report: our data centres on renewables",
        "/reports/sustainability",
        None,
        &["Sustainability"],
        None,
    ),
    item(
        "Acme at Cloud Expo Asia",
        "/events/cloud-expo-asia",
        None,
        &["Cloud"],
        None,
    ),
    ContentRow {
        title: "Partner portal: pricing sheet (signed link)",
        path: "/partners/pricing?sig=a1b2c3d4",
        campaign: None,
        topics: &["Product"],
        by_employee: false,
        text: None,
        click_param: false,
    },
    item(
        "인공지능으로 바뀌는 고객 지원",
        "/ko/blog/ai-customer-support",
        None,
        &["AI"],
        None,
    ),
    post(
        "What I learned migrating 40 services to Kubernetes",
        "/people/k8s-migration-notes",
        &["Cloud"],
    ),
    post(
        "My first year as a customer success manager",
        "/people/first-year-csm",
        &["Careers"],
    ),
    post(
        "Why our sales team loves the 3.0 dashboard",
        "/people/sales-dashboard",
        &["Product"],
    ),
    post(
        "우리 팀의 클라우드 전환 이야기",
        "/people/ko-cloud-journey",
        &["클라우드"],
    ),
    post(
        "Pair programming across time zones",
        "/people/pairing-time-zones",
        &["Careers"],
    ),
];

/// Brands: the own brand first. Keywords find mentions; the own brand's intended attributes
/// are what marketing wants people to say about it.
pub struct BrandRow {
    pub name: &'static str,
    pub own: bool,
    pub keywords: &'static [&'static str],
    pub attributes: &'static [&'static str],
    /// How mentions spell it in English and in Korean.
    pub spelled: (&'static str, &'static str),
}

pub const BRANDS: &[BrandRow] = &[
    BrandRow {
        name: "Acme Cloud",
        own: true,
        keywords: &["Acme Cloud", "Acme", "아크미"],
        attributes: &[
            "reliable",
            "secure",
            "easy to use",
            "믿을 수 있는",
            "안전한",
        ],
        spelled: ("Acme Cloud", "아크미 클라우드"),
    },
    BrandRow {
        name: "Globex",
        own: false,
        keywords: &["Globex", "글로벡스"],
        attributes: &[],
        spelled: ("Globex", "글로벡스"),
    },
    BrandRow {
        name: "Initech",
        own: false,
        keywords: &["Initech", "이니텍"],
        attributes: &[],
        spelled: ("Initech", "이니텍"),
    },
];

/// Mention texts by language and sentiment (0 positive, 1 neutral, 2 negative). `{b}` is
/// the brand as spelled in that language, `{a}` an intended attribute, `{t}` a topic.
pub const MENTIONS_EN: [&[&str]; 3] = [
    &[
        "Moved our analytics stack to {b} last quarter — {a} and fast. Big fan.",
        "Shout-out to the {b} support team, fixed our issue in an hour. Great service!",
        "{b} keeps getting better. The new {t} features are excellent.",
        "Honestly {b} is the most {a} platform we have used. Love it.",
        "Great talk from {b} on {t} today, really helpful.",
    ],
    &[
        "Has anyone compared {b} pricing for {t} workloads?",
        "{b} announced a new release this week, details on their blog.",
        "Looking at {b} for our {t} project. Thoughts?",
        "Webinar notes: {b} on {t}, recording available.",
    ],
    &[
        "{b} was down again this morning. Frustrating.",
        "Disappointed with {b} billing, support is slow to answer.",
        "The {b} dashboard is confusing and the docs are outdated.",
        "Migrating off {b}: too expensive for what it does.",
    ],
];

pub const MENTIONS_KO: [&[&str]; 3] = [
    &[
        "{b} 써보니 정말 {a} 서비스네요. 추천합니다!",
        "{b} 고객 지원팀 덕분에 문제를 금방 해결했어요. 감사합니다.",
        "{b}의 새로운 {t} 기능이 훌륭합니다. 만족해요.",
        "{b} 세미나 좋았습니다. {t} 이야기가 유익했어요.",
    ],
    &[
        "{b} {t} 요금제 비교해 보신 분 계신가요?",
        "{b}에서 이번 주에 새 버전을 발표했네요.",
        "{t} 프로젝트에 {b} 도입을 검토 중입니다.",
    ],
    &[
        "{b} 오늘 아침에 또 장애가 났네요. 불편합니다.",
        "{b} 요금이 너무 비싸고 고객 지원이 느려요. 실망입니다.",
        "{b} 대시보드가 복잡하고 문서가 오래됐어요.",
    ],
];

/// Topics mentions talk about, per language.
pub const MENTION_TOPICS_EN: &[&str] = &["AI", "Cloud", "Security", "Data", "Sustainability"];
pub const MENTION_TOPICS_KO: &[&str] = &["클라우드", "보안", "AI", "데이터"];

/// Mention channels (networks and other sources) with weights, per language.
pub const MENTION_CHANNELS_EN: &[(&str, u32)] = &[
    ("x", 30),
    ("linkedin", 25),
    ("reddit", 10),
    ("news", 8),
    ("blog", 8),
    ("facebook", 7),
    ("youtube", 5),
    ("threads", 4),
    ("bluesky", 3),
];
pub const MENTION_CHANNELS_KO: &[(&str, u32)] = &[
    ("naver_blog", 30),
    ("x", 15),
    ("news", 15),
    ("instagram", 15),
    ("linkedin", 10),
    ("community", 10),
    ("youtube", 5),
];

/// News outlets and blogs that mention brands (large reach).
pub const OUTLETS: &[&str] = &[
    "Cloud Weekly",
    "The Ops Review",
    "DevTalk Digest",
    "테크 데일리",
    "클라우드 인사이트",
];

/// Support-case channels with weights.
pub const SUPPORT_CHANNELS: &[(&str, u32)] = &[
    ("x", 30),
    ("facebook_dm", 15),
    ("instagram", 10),
    ("linkedin", 15),
    ("kakaotalk", 20),
    ("app-store", 10),
];

/// A place visitors click from: ISO country, region code (as GeoIP files give it), city.
#[derive(Debug, PartialEq, Eq)]
pub struct Place {
    pub country: &'static str,
    pub region: &'static str,
    pub city: &'static str,
    /// Sales from here are usually in euros.
    pub euro: bool,
}

const fn place(country: &'static str, region: &'static str, city: &'static str) -> Place {
    Place {
        country,
        region,
        city,
        euro: false,
    }
}

const fn euro(country: &'static str, region: &'static str, city: &'static str) -> Place {
    Place {
        country,
        region,
        city,
        euro: true,
    }
}

/// Places with weights (visitors of Korean employees' links come from Korea more often).
pub const PLACES: &[(Place, u32)] = &[
    (place("US", "CA", "San Francisco"), 9),
    (place("US", "NY", "New York"), 9),
    (place("US", "TX", "Austin"), 4),
    (place("KR", "11", "Seoul"), 14),
    (place("KR", "26", "Busan"), 4),
    (place("KR", "41", "Seongnam"), 3),
    (euro("DE", "BE", "Berlin"), 7),
    (euro("DE", "BY", "Munich"), 4),
    (place("GB", "ENG", "London"), 7),
    (euro("FR", "IDF", "Paris"), 4),
    (euro("NL", "NH", "Amsterdam"), 3),
    (place("JP", "13", "Tokyo"), 5),
    (place("IN", "KA", "Bengaluru"), 5),
    (place("SG", "01", "Singapore"), 3),
    (place("CA", "ON", "Toronto"), 3),
    (place("AU", "NSW", "Sydney"), 3),
];

/// Browsers people click with: user agent and weight. Each is in the classifier's tests
/// as a human (browser, OS and device class as named there).
pub const BROWSERS: &[(&str, u32)] = &[
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", 22),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1", 18),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", 14),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", 6),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1", 4),
    ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", 2),
    ("Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1", 3),
    ("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 2),
];

/// In-app browsers of the networks, used for part of the clicks from there.
pub fn in_app_browsers(network: Network) -> &'static [&'static str] {
    match network {
        Network::Linkedin => &[
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.30.2144",
            "Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [LinkedInApp]",
        ],
        Network::Facebook => &[
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/459.0.0.35.107;FBBV/590424343;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4.1;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]",
            "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/458.0.0.54.108;]",
        ],
        Network::Instagram | Network::Threads => &[
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 300.0.0.18.110 (iPhone15,2; iOS 17_5; de_DE; de-DE; scale=3.00; 1179x2556; 518997361)",
        ],
        Network::X => &[
            "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/9.61",
        ],
        _ => &[],
    }
}

/// The link-preview fetcher that builds a network's card (or, for mail and the rest, the
/// messengers links get pasted into). Each is in the classifier's tests as a preview.
pub fn preview_agents(network: Network) -> &'static [&'static str] {
    match network {
        Network::Linkedin => &[
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        ],
        Network::Facebook | Network::Instagram | Network::Threads => {
            &["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"]
        }
        Network::X => &["Twitterbot/1.0"],
        Network::Bluesky => {
            &["Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)"]
        }
        _ => &[
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "WhatsApp/2.23.20.0",
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        ],
    }
}

/// Crawlers and scripts. Each is in the classifier's tests as a bot.
pub const BOTS: &[&str] = &[
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36",
];

/// What e-mail link scanners claim to be: a plain desktop browser.
pub const SCANNER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// `Referer` headers of clicks from a network (apps often send none: `None`).
pub fn referrers(network: Network) -> &'static [Option<&'static str>] {
    match network {
        Network::Linkedin => &[
            Some("https://www.linkedin.com/"),
            Some("https://lnkd.in/"),
            None,
        ],
        Network::X => &[Some("https://t.co/"), Some("https://x.com/"), None],
        Network::Facebook => &[
            Some("https://l.facebook.com/"),
            Some("https://m.facebook.com/"),
            None,
        ],
        Network::Instagram => &[Some("https://l.instagram.com/"), None],
        Network::Threads => &[Some("https://l.threads.net/"), None],
        Network::Bluesky => &[Some("https://bsky.app/"), None],
        Network::Xing => &[Some("https://www.xing.com/"), None],
        Network::Tiktok => &[Some("https://www.tiktok.com/"), None],
        Network::Youtube => &[Some("https://www.youtube.com/"), None],
        Network::Email => &[
            Some("https://mail.google.com/"),
            Some("https://outlook.office.com/"),
            None,
            None,
        ],
        Network::Other => &[
            Some("https://www.google.com/"),
            Some("https://search.naver.com/"),
            Some("https://news.ycombinator.com/"),
            Some("https://www.reddit.com/"),
            None,
        ],
    }
}

/// Social profiles employees have: network, how likely an employee has one, and the median
/// follower count there.
pub const PROFILES: &[(Network, f64, f64)] = &[
    (Network::Linkedin, 0.92, 650.0),
    (Network::X, 0.40, 380.0),
    (Network::Facebook, 0.30, 300.0),
    (Network::Instagram, 0.25, 520.0),
    (Network::Threads, 0.10, 200.0),
    (Network::Bluesky, 0.08, 150.0),
    (Network::Xing, 0.08, 240.0),
    (Network::Tiktok, 0.05, 1200.0),
    (Network::Youtube, 0.05, 900.0),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::classify::{AgentClassifier, AgentKind};

    #[test]
    fn every_user_agent_is_classified_as_it_is_used() {
        let c = AgentClassifier::embedded().unwrap();
        let humans = BROWSERS
            .iter()
            .map(|(ua, _)| *ua)
            .chain(Network::ALL.into_iter().flat_map(in_app_browsers).copied())
            .chain([SCANNER]);
        for ua in humans {
            assert_eq!(c.kind(Some(ua)), AgentKind::Human, "{ua}");
        }
        for ua in Network::ALL.into_iter().flat_map(preview_agents) {
            assert_eq!(c.kind(Some(ua)), AgentKind::Preview, "{ua}");
        }
        for ua in BOTS {
            assert_eq!(c.kind(Some(ua)), AgentKind::Bot, "{ua}");
        }
    }

    #[test]
    fn referrers_have_hosts() {
        for network in Network::ALL {
            for referer in referrers(network).iter().flatten() {
                assert!(
                    crate::domain::referrer::referrer_host(referer).is_some(),
                    "{referer}"
                );
            }
        }
    }

    #[test]
    fn content_points_at_campaigns_that_exist() {
        assert!(CONTENT
            .iter()
            .all(|c| c.campaign.is_none_or(|i| i < CAMPAIGNS.len())));
        assert!(CONTENT.iter().any(|c| c.by_employee));
        assert_eq!(BRANDS.iter().filter(|b| b.own).count(), 1);
    }
}
