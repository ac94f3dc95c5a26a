# 어디서나 같은 방식으로 동작하는 양식(이슈 12), 페이지 미들웨어 밖에서 제공되는 페이지
# (단축 링크, QR 코드, 정적 파일), CSV 가져오기의 행 오류.

forms-id-too-long = { $field }이(가) 너무 깁니다. 최대 { $max }자까지 입력할 수 있습니다.
forms-field-invalid = { $field } 값이 올바르지 않습니다.

# CSV 가져오기 페이지의 행 오류(CLI는 같은 오류를 영어로 출력합니다).
forms-import-required = 필수 항목입니다.
forms-import-whole-number = 정수여야 합니다(입력값: { $value }).
forms-import-negative = 음수일 수 없습니다(입력값: { $value }).
forms-import-positive = 양의 정수여야 합니다(입력값: { $value }).
forms-import-at-most = { $max } 이하여야 합니다.
forms-import-not-a-time = { $value }은(는) 시각이 아닙니다. RFC 3339(2026-03-01T12:00:00Z) 또는 날짜(2026-03-01) 형식으로 입력하세요.
forms-import-future = 미래 시각입니다. 이미 지난 시각을 입력하세요.
forms-import-unclosed-quote = 이 행에서 열린 큰따옴표가 닫히지 않아 파일의 나머지 전체가 하나의 값이 되었습니다.
forms-import-width = 첫 줄의 열은 { $want }개인데 값이 { $got }개입니다. 쉼표가 들어간 값은 큰따옴표로 감싸야 합니다.
forms-import-not-utf8 = UTF-8 텍스트가 아닙니다. 파일을 CSV UTF-8 형식으로 저장하세요.
forms-import-give-either = { $a } 또는 { $b } 값을 입력하세요.
forms-import-stage-blank = 단계가 비어 있습니다. Closed Won 거래는 매출, 그 밖의 단계는 리드로 처리됩니다.
forms-import-network = 알 수 없는 네트워크 { $value }입니다. linkedin, x, facebook, instagram, threads, bluesky, xing, tiktok, youtube, email, other 중 하나를 사용하세요.
forms-import-email = { $value }은(는) 올바른 이메일 주소가 아닙니다.
forms-import-currency = { $value }은(는) EUR, USD 같은 ISO 4217 통화 코드가 아닙니다.
forms-import-amount = { $value }은(는) 금액이 아닙니다. 1250.00처럼 소수점 앞에 숫자를 쓰세요.
forms-import-kind = 유형은 lead, signup, sale 또는 a-z, 0-9, _, -로 된 이름이어야 합니다(입력값: { $value }).
forms-import-no-brand = { $name } 브랜드가 없습니다. 브랜드 페이지에서 먼저 추가하세요.
forms-import-no-share-id = 공유 { $id }이(가) 없습니다.
forms-import-no-share-alt = { $column } { $value }에 해당하는 공유가 없습니다.
forms-import-no-employee-id = 직원 { $id }이(가) 없습니다.
forms-import-no-employee-alt = { $column } { $value }에 해당하는 직원이 없습니다.

# 가져오기 페이지의 요약 문장(영어 페이지는 가져오기 엔진의 문장을 그대로 보여 줍니다).
forms-import-summary-refused = { $rows }행 중 { $bad }행에 오류가 있습니다(오류 총 { $errors }개). 아무것도 가져오지 않았습니다.
forms-import-summary-refused-dry = { $rows }행 중 { $bad }행에 오류가 있습니다(오류 총 { $errors }개). 가져오면 거부됩니다. 아무것도 저장하지 않았습니다(검사만 함).
forms-import-summary-empty = 파일에 행이 없어 가져올 내용이 없습니다.
forms-import-summary-valid = { $rows }행이 모두 올바릅니다. 가져오면 { $added }건이 추가됩니다. 아무것도 저장하지 않았습니다(검사만 함).
forms-import-summary-imported = { $rows }행에서 { $added }건을 추가했습니다.
forms-import-channel = linkedin, x, news처럼 a-z, 0-9, _, -로 된 1~32자를 사용하세요(입력값: { $value }).
forms-import-brand-missing = 브랜드를 입력하세요.
forms-import-empty = 비워 둘 수 없습니다.
forms-import-at-most-chars = 최대 { $max }자까지 입력할 수 있습니다(제어 문자 제외).
forms-import-mention-future = { $value }은(는) 미래 시각입니다. 언급은 발생한 뒤에 보고합니다.
forms-import-mention-kind = post 또는 comment여야 합니다(입력값: { $value }).
forms-import-sentiment = positive, neutral, negative 중 하나여야 합니다(입력값: { $value }).
forms-import-unreadable = 이 행을 읽을 수 없습니다.
forms-import-column-ignored = { $column } 열은 가져오지 않습니다.
forms-import-share-mismatch = { $value }은(는) 공유 { $found }이며, { $column }에 적힌 공유 { $id }가 아닙니다.
forms-import-employee-mismatch = { $value }은(는) 직원 { $found }이며, { $column }에 적힌 직원 { $id }가 아닙니다.
forms-import-changed = { $problem } (가져오는 동안 바뀌었습니다.)
forms-import-merged-case = { $problem } (external_id { $external_id }로 저장된 문의와 합친 결과)

# 가져오기 파일의 각 열에 들어가는 값(페이지용).

forms-import-help-mentions-brand = 브랜드 페이지에 있는 브랜드 이름(대소문자 무관)
forms-import-help-mentions-channel = 언급이 나온 곳: linkedin, x, news, naver_blog, …(a-z, 0-9, _, -)
forms-import-help-mentions-author = 작성자(최대 200자)
forms-import-help-mentions-text = 게시물 또는 댓글 본문(최대 10,000자)
forms-import-help-mentions-occurred-at = RFC 3339(2026-03-01T09:30:00+09:00), 현지 시각 YYYY-MM-DD HH:MM[:SS] 또는 YYYY-MM-DD
forms-import-help-mentions-kind = post(기본값) 또는 comment
forms-import-help-mentions-sentiment = positive, neutral, negative 중 하나. 비워 두면 Chorus가 본문으로 감성을 판정합니다
forms-import-help-mentions-author-reach = 작성자의 팔로워 수(정수)
forms-import-help-mentions-url = 언급으로 가는 http(s) 링크
forms-import-help-mentions-external-id = 플랫폼의 ID. 같은 채널에서 반복되면 중복으로 건너뜁니다
forms-import-help-metrics-share-id = API에서와 같은 공유 ID
forms-import-help-metrics-slug = share_id 대신 쓸 수 있는 단축 링크의 슬러그
forms-import-help-metrics-likes = 0 이상의 정수
forms-import-help-metrics-comments = 0 이상의 정수
forms-import-help-metrics-reshares = 0 이상의 정수
forms-import-help-metrics-impressions = 정수. 비워 두면 모르는 값으로 둡니다
forms-import-help-metrics-observed-at = 수치를 확인한 시각. 비워 두면 가져오는 시각
forms-import-help-followers-employee-id = API에서와 같은 직원 ID
forms-import-help-followers-employee-email = employee_id 대신 쓸 수 있는 직원의 이메일 주소
forms-import-help-followers-network = linkedin, x, facebook, instagram, threads, bluesky, xing, tiktok, youtube, email, other 중 하나
forms-import-help-followers-followers = 0 이상의 정수
forms-import-help-followers-observed-at = 팔로워 수를 확인한 시각. 비워 두면 가져오는 시각
forms-import-help-support-cases-channel = 문의가 들어온 곳: twitter, facebook_dm, app-store, …(a-z, 0-9, _, -)
forms-import-help-support-cases-opened-at = RFC 3339(2026-03-01T09:30:00+09:00), 현지 시각 YYYY-MM-DD HH:MM[:SS] 또는 YYYY-MM-DD
forms-import-help-support-cases-first-response-at = 아직 답하지 않았으면 비워 둡니다. opened_at보다 앞설 수 없습니다
forms-import-help-support-cases-resolved-at = 아직 해결되지 않았으면 비워 둡니다. opened_at보다 앞설 수 없습니다
forms-import-help-support-cases-external-id = 지원 도구의 문의 ID. 이미 있는 ID면 그 문의를 갱신합니다
forms-import-help-conversions-kind = lead, signup, sale 또는 직접 정한 유형(a-z, 0-9, _, -). POST /api/v1/conversions와 같습니다
forms-import-help-conversions-occurred-at = RFC 3339, 현지 시각 YYYY-MM-DD HH:MM[:SS] 또는 YYYY-MM-DD(이 경우 그날의 클릭이 인정됩니다)
forms-import-help-conversions-value = 통화 단위의 금액: 1250, 1250.00 또는 1,250.00. 비워 두면 금액 없음
forms-import-help-conversions-currency = EUR 같은 ISO 4217 코드. 비워 두면 설정된 기본 통화(CHORUS_DEFAULT_CURRENCY)
forms-import-help-conversions-external-id = 주문 또는 거래 ID. 같은 유형과 ID의 전환이 이미 저장되어 있거나 파일 앞쪽에 있으면 중복으로 건너뜁니다
forms-import-help-conversions-click-id = 랜딩 URL의 chorus_click ID. 기여 기간 안의 검증된 사람 클릭이 전환을 인정받습니다. 비워 두면 없음
forms-import-help-conversions-customer-id = 고객 ID. 클릭 ID가 없는 행은 그 고객의 첫 전환이 기여로 인정되었다면 같은 기여를 받습니다
forms-import-help-salesforce-opportunity-id = 영업 기회 ID: external_id가 되어 다시 가져올 때 저장된 항목은 건너뜁니다
forms-import-help-salesforce-stage = Closed Won은 매출, 그 밖의 단계(진행 중 또는 Closed Lost)는 리드입니다
forms-import-help-salesforce-close-date = 매출이 발생한 날: 그날 또는 그 전 기여 기간의 클릭이 인정됩니다
forms-import-help-salesforce-created-date = 리드가 발생한 날. 비어 있거나 없으면 Close Date
forms-import-help-salesforce-amount = 영업 기회의 통화 기준 금액: 12500 또는 12,500.00
forms-import-help-salesforce-opportunity-currency = ISO 4217 코드(다중 통화 조직). 비어 있거나 없으면 설정된 기본 통화
forms-import-help-salesforce-chorus-click-id = chorus_click ID로 채우는 사용자 지정 텍스트 필드(숨은 양식 필드나 추적 스크립트). 기여 기간 안의 검증된 사람 클릭이 전환을 인정받습니다
forms-import-help-salesforce-account-id = 고객: 공유를 통해 처음 성사된 계정의 이후 영업 기회도 그 공유의 기여로 인정됩니다
forms-import-help-salesforce-chorus-kind = 유형(lead, signup, sale 또는 직접 정한 유형)을 적는 선택 사용자 지정 필드. 단계보다 우선합니다
forms-import-help-hubspot-record-id = 거래 ID: external_id가 되어 다시 가져올 때 저장된 항목은 건너뜁니다
forms-import-help-hubspot-deal-stage = Closed Won은 매출, 그 밖의 단계(진행 중 또는 Closed Lost)는 리드입니다
forms-import-help-hubspot-close-date = 매출이 발생한 날: 그날 또는 그 전 기여 기간의 클릭이 인정됩니다
forms-import-help-hubspot-create-date = 리드가 발생한 날. 비어 있거나 없으면 Close Date
forms-import-help-hubspot-amount = 거래의 통화 기준 금액: 12500 또는 12,500.00
forms-import-help-hubspot-currency = ISO 4217 코드(다중 통화 포털). 비어 있거나 없으면 설정된 기본 통화
forms-import-help-hubspot-chorus-click-id = chorus_click ID로 채우는 사용자 지정 텍스트 필드(숨은 양식 필드나 추적 스크립트). 기여 기간 안의 검증된 사람 클릭이 전환을 인정받습니다
forms-import-help-hubspot-associated-company-ids-primary = 고객: 공유를 통해 처음 성사된 회사의 이후 거래도 그 공유의 기여로 인정됩니다
forms-import-help-hubspot-chorus-kind = 유형(lead, signup, sale 또는 직접 정한 유형)을 적는 선택 사용자 지정 필드. 단계보다 우선합니다
