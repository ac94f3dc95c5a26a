# 화면 틀, 메뉴, 언어 전환, 오류 페이지.

page-login = 로그인
page-setup = Chorus 시작하기
page-overview = 대시보드
page-employees = 직원 및 팀
page-links = 공유 링크
page-me = 내 링크
page-feed = 피드
page-conversions = 전환
page-mentions = 언급
page-brands = 브랜드
page-sentiment = 감성 키워드
page-support = 고객 문의
page-import = CSV 가져오기

nav-label = 주 메뉴
nav-overview = 대시보드
nav-links = 링크
nav-feed = 피드
nav-employees = 직원
nav-conversions = 전환
nav-mentions = 언급
nav-brands = 브랜드
nav-sentiment = 감성 분석
nav-support = 고객 문의
nav-import = 가져오기
nav-menu = 메뉴
nav-more = 더 보기
nav-leaderboards = 순위표
nav-content = 콘텐츠
nav-campaigns = 캠페인
nav-keys = API 키
nav-settings = 설정
nav-me = 내 링크
nav-signout = 로그아웃
nav-signed-in-as = { $name } 님
nav-language = 언어
nav-language-apply = 변경
language-en = English
language-ko = 한국어
locale-saved = 언어가 한국어로 변경되었습니다.

error-home-link = 첫 화면으로 이동
error-form-expired = 입력 시간이 만료되었습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요.
error-not-found-heading = 페이지를 찾을 수 없습니다
error-not-found-detail = 요청하신 페이지나 링크가 없거나 삭제되었습니다.
error-link-not-found-heading = 링크를 찾을 수 없습니다
error-link-not-found-detail = 존재하지 않는 단축 링크입니다. 링크가 빠짐없이 복사되었는지 확인하거나, 링크를 공유한 분께 문의해 주세요.
error-link-gone-heading = 더 이상 사용할 수 없는 링크입니다
error-link-gone-detail = 이 단축 링크는 만료되었거나 소유자가 비활성화했습니다.
error-forbidden-heading = 접근 권한이 없습니다
error-forbidden-detail = 현재 계정으로는 이 페이지를 볼 수 없습니다.
error-bad-request-heading = 요청을 처리할 수 없습니다
error-bad-request-detail = 요청을 처리하지 못했습니다. 이전 화면으로 돌아가 다시 시도해 주세요.
error-too-many-heading = 시도 횟수를 초과했습니다
error-too-many-detail = 잠시 후 다시 시도해 주세요.
error-unavailable-heading = 일시적으로 사용할 수 없습니다
error-unavailable-detail = 데이터베이스가 응답하지 않습니다. 잠시 후 다시 시도해 주세요.
error-login-required-heading = 로그인이 필요합니다
error-login-required-detail = 이 페이지를 보려면 로그인해 주세요.
error-internal-heading = 문제가 발생했습니다
error-internal-detail = 오류가 기록되었습니다. 다시 시도해 주세요.

# 여러 페이지에서 함께 쓰는 입력 검사.
form-optional = (선택)
form-date-invalid = 날짜를 YYYY-MM-DD 형식으로 입력해 주세요. (입력값: “{ $value }”)
form-date-order = 종료일은 시작일보다 빠를 수 없습니다.

network-email = 이메일
network-other = 기타
