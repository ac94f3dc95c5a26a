//! The diesel schema of both backends, kept by hand in step with `migrations/`.
//! Every integer is `BigInt` on both sides (an integer-width mismatch fails at run time).

diesel::table! {
    teams (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    employees (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        team_id -> Nullable<BigInt>,
        role -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        leaderboard_opt_in -> Bool,
        locale -> Nullable<Text>,
        created_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        employee_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    account_links (id) {
        id -> BigInt,
        employee_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        nonce -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        scope -> Text,
        allowed_origins -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    social_profiles (id) {
        id -> BigInt,
        employee_id -> BigInt,
        network -> Text,
        handle -> Nullable<Text>,
        profile_url -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follower_snapshots (id) {
        id -> BigInt,
        employee_id -> BigInt,
        network -> Text,
        followers -> BigInt,
        observed_at -> Timestamp,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        name -> Text,
        utm_campaign -> Text,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        goal -> Nullable<Text>,
        utm_source -> Nullable<Text>,
        utm_medium -> Nullable<Text>,
        utm_overwrite -> Bool,
        created_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    content (id) {
        id -> BigInt,
        title -> Text,
        url -> Text,
        suggested_text -> Nullable<Text>,
        campaign_id -> Nullable<BigInt>,
        origin -> Text,
        author_employee_id -> Nullable<BigInt>,
        click_param -> Bool,
        preview_title -> Nullable<Text>,
        preview_description -> Nullable<Text>,
        preview_image_url -> Nullable<Text>,
        created_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        pinned -> Bool,
    }
}

diesel::table! {
    /// A content item's suggested text for one network (`content.suggested_text` is the
    /// text for the others).
    content_texts (content_id, network) {
        content_id -> BigInt,
        network -> Text,
        text -> Text,
    }
}

diesel::table! {
    topics (id) {
        id -> BigInt,
        name -> Text,
        keywords -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    content_topics (content_id, topic_id) {
        content_id -> BigInt,
        topic_id -> BigInt,
    }
}

diesel::table! {
    shares (id) {
        id -> BigInt,
        employee_id -> BigInt,
        content_id -> BigInt,
        network -> Text,
        slug -> Text,
        token -> Text,
        destination -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    clicks (id) {
        id -> BigInt,
        click_id -> Text,
        share_id -> BigInt,
        occurred_at -> Timestamp,
        day -> Date,
        visitor -> Text,
        kind -> Text,
        flag_reason -> Nullable<Text>,
        country -> Nullable<Text>,
        region -> Nullable<Text>,
        city -> Nullable<Text>,
        referrer_host -> Nullable<Text>,
        browser -> Nullable<Text>,
        os -> Nullable<Text>,
        device -> Nullable<Text>,
    }
}

diesel::table! {
    /// Local days whose rollups above `click_rollups` wait for the click writer's next
    /// write of them (rebuilt at start-up when still marked).
    click_rollups_pending (day) {
        day -> Date,
    }
}

diesel::table! {
    click_rollups (share_id, day) {
        share_id -> BigInt,
        day -> Date,
        human -> BigInt,
        unique_visitors -> BigInt,
        flagged -> BigInt,
        bot -> BigInt,
        preview -> BigInt,
    }
}

diesel::table! {
    /// Verified human clicks per facet value (`dimension`: 1 country, 2 device, 3 browser,
    /// 4 referrer host; `value` '' when unknown), share and local day.
    click_breakdowns (dimension, day, share_id, value) {
        dimension -> BigInt,
        day -> Date,
        share_id -> BigInt,
        value -> Text,
        human -> BigInt,
    }
}

diesel::table! {
    click_days (day, network) {
        day -> Date,
        network -> Text,
        human -> BigInt,
        unique_visitors -> BigInt,
    }
}

diesel::table! {
    /// Human clicks and unique visitors per share and month (`month`: its first day).
    click_share_months (month, share_id) {
        month -> Date,
        share_id -> BigInt,
        human -> BigInt,
        unique_visitors -> BigInt,
    }
}

diesel::table! {
    /// Human clicks and unique visitors per employee (`owner` 1) or content item (2), by
    /// local day (`span` 1) or month (2, `start` its first day).
    click_owner_spans (owner, span, start, owner_id) {
        owner -> BigInt,
        span -> BigInt,
        start -> Date,
        owner_id -> BigInt,
        human -> BigInt,
        unique_visitors -> BigInt,
    }
}

diesel::table! {
    /// Human clicks per facet value (dimensions of `click_breakdowns`) and network, by
    /// local day (`span` 1) or month (2).
    click_facet_spans (dimension, span, start, network, value) {
        dimension -> BigInt,
        span -> BigInt,
        start -> Date,
        network -> Text,
        value -> Text,
        human -> BigInt,
    }
}

diesel::table! {
    click_visitors (share_id, day, visitor) {
        share_id -> BigInt,
        day -> Date,
        visitor -> Text,
        human -> BigInt,
    }
}

diesel::table! {
    metrics_snapshots (id) {
        id -> BigInt,
        share_id -> BigInt,
        likes -> BigInt,
        comments -> BigInt,
        reshares -> BigInt,
        impressions -> Nullable<BigInt>,
        observed_at -> Timestamp,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    conversions (id) {
        id -> BigInt,
        kind -> Text,
        external_id -> Nullable<Text>,
        value_cents -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        customer_id -> Nullable<Text>,
        occurred_at -> Timestamp,
        day -> Date,
        click_ref -> Nullable<Text>,
        click_id -> Nullable<BigInt>,
        share_id -> Nullable<BigInt>,
        employee_id -> Nullable<BigInt>,
        campaign_id -> Nullable<BigInt>,
        attributed -> Bool,
        api_key_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        public_external_id -> Nullable<Text>,
        unattributed_reason -> Nullable<Text>,
    }
}

diesel::table! {
    conversion_touchpoints (conversion_id, position) {
        conversion_id -> BigInt,
        position -> BigInt,
        click_ref -> Text,
        click_id -> Nullable<BigInt>,
        share_id -> Nullable<BigInt>,
        employee_id -> Nullable<BigInt>,
        campaign_id -> Nullable<BigInt>,
        occurred_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    landings (id) {
        id -> BigInt,
        click_ref -> Text,
        share_id -> Nullable<BigInt>,
        landed_at -> Timestamp,
        day -> Date,
        duration_ms -> Nullable<BigInt>,
        pages -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    brands (id) {
        id -> BigInt,
        name -> Text,
        own -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    brand_keywords (id) {
        id -> BigInt,
        brand_id -> BigInt,
        keyword -> Text,
        kind -> Text,
    }
}

diesel::table! {
    mentions (id) {
        id -> BigInt,
        brand_id -> BigInt,
        channel -> Text,
        author -> Text,
        author_reach -> Nullable<BigInt>,
        body -> Text,
        kind -> Text,
        sentiment -> Text,
        sentiment_source -> Text,
        occurred_at -> Timestamp,
        day -> Date,
        url -> Nullable<Text>,
        external_id -> Nullable<Text>,
        created_at -> Timestamp,
        /// Its text contains one of its brand's intended attributes (kept on insert and
        /// when the attributes change): brand attribute recognition.
        recognised -> Bool,
        /// The author's number (`mention_authors`, kept on insert).
        author_id -> BigInt,
    }
}

diesel::table! {
    /// Mention authors by number: `/kpis` counts distinct authors by it.
    mention_authors (id) {
        id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    /// Brands whose mentions' `recognised` flags are still to be computed (the backfill
    /// after the migration that added them).
    recognition_pending (brand_id) {
        brand_id -> BigInt,
    }
}

diesel::table! {
    mention_topics (mention_id, topic_id) {
        mention_id -> BigInt,
        topic_id -> BigInt,
    }
}

diesel::table! {
    sentiment_words (id) {
        id -> BigInt,
        language -> Text,
        word -> Text,
        polarity -> BigInt,
    }
}

diesel::table! {
    support_cases (id) {
        id -> BigInt,
        channel -> Text,
        opened_at -> Timestamp,
        first_response_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        external_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    visitor_salts (day) {
        day -> Date,
        salt -> Binary,
    }
}

diesel::table! {
    instance_secrets (name) {
        name -> Text,
        value -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(employees -> teams (team_id));
diesel::joinable!(sessions -> employees (employee_id));
diesel::joinable!(account_links -> employees (employee_id));
diesel::joinable!(social_profiles -> employees (employee_id));
diesel::joinable!(follower_snapshots -> employees (employee_id));
diesel::joinable!(content -> campaigns (campaign_id));
diesel::joinable!(content -> employees (author_employee_id));
diesel::joinable!(content_topics -> content (content_id));
diesel::joinable!(content_texts -> content (content_id));
diesel::joinable!(content_topics -> topics (topic_id));
diesel::joinable!(shares -> employees (employee_id));
diesel::joinable!(shares -> content (content_id));
diesel::joinable!(content_images -> content (content_id));
diesel::joinable!(clicks -> shares (share_id));
diesel::joinable!(click_rollups -> shares (share_id));
diesel::joinable!(click_breakdowns -> shares (share_id));
diesel::joinable!(click_share_months -> shares (share_id));
diesel::joinable!(metrics_snapshots -> shares (share_id));
diesel::joinable!(conversions -> clicks (click_id));
diesel::joinable!(conversions -> shares (share_id));
diesel::joinable!(conversions -> employees (employee_id));
diesel::joinable!(conversions -> campaigns (campaign_id));
diesel::joinable!(conversions -> api_keys (api_key_id));
diesel::joinable!(conversion_touchpoints -> conversions (conversion_id));
diesel::joinable!(conversion_touchpoints -> clicks (click_id));
diesel::joinable!(conversion_touchpoints -> shares (share_id));
diesel::joinable!(conversion_touchpoints -> employees (employee_id));
diesel::joinable!(conversion_touchpoints -> campaigns (campaign_id));
diesel::joinable!(landings -> shares (share_id));
diesel::joinable!(brand_keywords -> brands (brand_id));
diesel::joinable!(mentions -> brands (brand_id));
diesel::joinable!(mention_topics -> mentions (mention_id));
diesel::joinable!(mention_topics -> topics (topic_id));

diesel::table! {
    content_images (content_id) {
        content_id -> BigInt,
        source_url -> Text,
        content_type -> Nullable<Text>,
        bytes -> Nullable<Binary>,
        failure -> Nullable<Text>,
        fetched_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    content_images,
    teams,
    employees,
    sessions,
    account_links,
    api_keys,
    social_profiles,
    follower_snapshots,
    campaigns,
    content,
    topics,
    content_topics,
    content_texts,
    shares,
    clicks,
    click_rollups,
    click_breakdowns,
    click_days,
    click_share_months,
    click_owner_spans,
    click_facet_spans,
    click_visitors,
    metrics_snapshots,
    conversions,
    conversion_touchpoints,
    landings,
    brands,
    brand_keywords,
    mentions,
    mention_topics,
    sentiment_words,
    support_cases,
    visitor_salts,
    instance_secrets,
    settings,
);

diesel::table! {
    /// Mentions per local day, channel, topic and brand (kept on insert with the topic
    /// tags): share of voice by topic.
    mention_topic_days (day, channel, topic_id, brand_id) {
        day -> Date,
        channel -> Text,
        topic_id -> BigInt,
        brand_id -> BigInt,
        mentions -> BigInt,
    }
}

diesel::table! {
    /// Each share's latest metrics snapshot (by observed_at, then id), over every source
    /// (`with_self_reported`) and without self-reported readings; kept on insert.
    metrics_latest (share_id, with_self_reported) {
        share_id -> BigInt,
        with_self_reported -> Bool,
        observed_at -> Timestamp,
        likes -> BigInt,
        comments -> BigInt,
        reshares -> BigInt,
        impressions -> Nullable<BigInt>,
    }
}

diesel::joinable!(metrics_latest -> shares (share_id));
diesel::allow_tables_to_appear_in_same_query!(metrics_latest, shares);
diesel::allow_tables_to_appear_in_same_query!(metrics_latest, metrics_snapshots);
diesel::allow_tables_to_appear_in_same_query!(mention_authors, mentions);
