# 회사 ID 제공자(OpenID Connect)를 통한 통합 로그인.

page-sso = 통합 로그인
sso-title = 통합 로그인
sso-heading = 통합 로그인을 완료하지 못했습니다
sso-back = 로그인 화면으로 돌아가기
sso-button = 회사 계정으로 로그인
sso-or = 또는
sso-provider-down = 회사 로그인 서비스에 연결할 수 없습니다. 잠시 후 다시 시도하거나 비밀번호로 로그인해 주세요.
sso-refused = 회사 로그인 서비스에서 본인 확인을 받지 못했습니다. 다시 시도해 주세요.
sso-expired = 로그인 시간이 초과되었거나 다른 곳에서 시작된 로그인입니다. 처음부터 다시 시도해 주세요.
sso-no-email = 회사 계정에 확인된 이메일 주소가 없어 Chorus에서 사용자를 확인할 수 없습니다. 관리자에게 문의해 주세요.
sso-unknown = 회사 계정의 이메일 주소를 사용하는 Chorus 계정이 없습니다. 관리자에게 초대를 요청해 주세요.
sso-deactivated = Chorus 계정이 비활성화되었습니다. 관리자에게 문의해 주세요.
