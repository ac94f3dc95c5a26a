# 계정(이슈 13): 초대, 비밀번호 링크, 비밀번호 변경, 직원 관리.

account-forgot-link = 비밀번호를 잊으셨나요?
account-forgot-title = 비밀번호 재설정
account-forgot-heading = 비밀번호 재설정
account-forgot-intro = { $n ->
   *[other] 계정의 이메일 주소를 입력하세요. 새 비밀번호를 정할 수 있는 링크를 보내 드립니다. 링크는 { $count }시간 동안 한 번만 쓸 수 있습니다.
}
account-forgot-submit = 링크 받기
account-forgot-sent = { $n ->
   *[other] 해당 주소의 계정이 있으면 새 비밀번호를 정하는 링크를 보냈습니다. 링크는 { $count }시간 동안 한 번만 쓸 수 있습니다. 메일이 오지 않으면 스팸함을 확인하세요.
}
account-forgot-no-mail = 이 Chorus는 이메일을 보내지 않습니다. 관리자에게 비밀번호 재설정 링크를 요청하세요. 관리자는 직원 메뉴의 내 페이지에서 링크를 만들 수 있습니다.
account-to-sign-in = 로그인 화면으로
account-reset-title = 새 비밀번호 정하기
account-reset-heading = 새 비밀번호 정하기
account-reset-intro = 변경하면 모든 기기에서 로그아웃됩니다. 새 비밀번호로 다시 로그인하세요.
account-reset-submit = 새 비밀번호 저장
account-reset-done = 비밀번호가 변경되었습니다. 새 비밀번호로 로그인하세요.
account-reset-unknown-heading = 사용할 수 없는 링크입니다
account-reset-unknown-detail = 비밀번호 재설정 링크가 올바르지 않습니다. 링크를 끝까지 복사했는지 확인하거나 새 링크를 요청하세요.
account-reset-used-heading = 이미 사용된 링크입니다
account-reset-used-detail = 비밀번호 재설정 링크는 한 번만 쓸 수 있습니다. 직접 비밀번호를 바꾼 적이 없다면 지금 새 링크를 요청하세요.
account-reset-expired-heading = 만료된 링크입니다
account-reset-expired-detail = 비밀번호 재설정 링크는 정해진 시간 동안만 유효합니다. 로그인 화면이나 관리자에게 새 링크를 요청하세요.
account-reset-mail-subject = Chorus 새 비밀번호 설정
account-reset-mail-body =
    { $name }님, 안녕하세요.

    Chorus 계정의 비밀번호 재설정이 요청되었습니다. 아래 링크를 열어 새 비밀번호를 정하세요.

    { $link }

    링크는 { $hours }시간 동안 한 번만 쓸 수 있습니다. 변경하면 모든 기기에서 로그아웃됩니다.
    요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 그대로 유지됩니다.
account-signs-in-as = 계정: { $email }
account-link-until = (링크 유효 기간: { $time }까지)
account-new-password = 새 비밀번호
account-confirm-password = 새 비밀번호 확인
account-password-mismatch = 두 비밀번호가 서로 다릅니다.
account-menu-password = 비밀번호 변경
account-password-title = 비밀번호 변경
account-password-heading = 비밀번호 변경
account-password-intro = 다른 브라우저와 기기의 세션은 로그아웃되고, 지금 세션은 그대로 유지됩니다.
account-current-password = 현재 비밀번호
account-current-wrong = 현재 비밀번호가 올바르지 않습니다.
account-password-submit = 비밀번호 변경
account-password-changed = 비밀번호가 변경되었습니다. 다른 세션은 로그아웃되었습니다.
account-deactivated = 비활성화된 계정입니다. 다시 이용하려면 관리자에게 문의하세요.

invite-title = Chorus에 오신 것을 환영합니다
invite-heading = { $name }님, 환영합니다
invite-intro = 비밀번호를 정하면 계정 설정이 끝납니다. 이어서 피드로 이동해 회사 소식을 두 번의 탭으로 공유할 수 있습니다.
invite-submit = 비밀번호 설정하고 시작하기
invite-unknown-heading = 사용할 수 없는 초대 링크입니다
invite-unknown-detail = 초대 링크가 올바르지 않습니다. 링크를 끝까지 복사했는지 확인하거나 관리자에게 다시 초대를 요청하세요.
invite-used-heading = 이미 사용된 초대입니다
invite-used-detail = 초대 링크는 한 번만 쓸 수 있습니다. 계정은 이미 준비되어 있으니 이메일과 비밀번호로 로그인하세요.
invite-expired-heading = 만료된 초대입니다
invite-expired-detail = 초대 링크는 정해진 기간 동안만 유효합니다. 관리자에게 다시 초대를 요청하세요.
invite-mail-subject = Chorus에 초대되었습니다
invite-mail-body =
    { $name }님, 안녕하세요.

    Chorus에 초대되었습니다. Chorus에서는 회사 소식을 두 번의 탭으로 내 네트워크에 공유할 수 있습니다.
    아래 링크를 열어 비밀번호를 정하세요.

    { $link }

    링크는 { $days }일 동안 한 번만 쓸 수 있습니다.
invite-csv-not-utf8 = 파일이 UTF-8 텍스트가 아닙니다. “CSV UTF-8” 형식으로 저장한 뒤 다시 올려 주세요.
invite-csv-no-header = 첫 줄에는 열 이름 name과 email이 있어야 합니다(team은 선택).
invite-csv-unreadable = 이 줄을 CSV로 읽을 수 없습니다.
invite-csv-bad-name = 이름이 비어 있거나 너무 길거나 제어 문자가 있습니다.
invite-csv-bad-email = 올바른 이메일 주소가 아닙니다.
invite-csv-bad-team = 팀 이름이 너무 길거나 제어 문자가 있습니다.
invite-csv-duplicate = 앞줄에 이미 있는 이메일 주소입니다.
invite-csv-too-many = 행이 너무 많습니다. 파일 하나로 최대 2000명까지 초대할 수 있습니다.
invite-csv-empty = 초대할 사람이 없습니다.
invite-csv-value = (“{ $value }”)
invite-csv-line = { $line }행: { $message }
invite-csv-line-column = { $line }행, { $column }: { $message }

employee-title = 직원
employee-back = ← 전체 직원
employee-status = 상태
employee-status-active = 로그인 가능
employee-status-invited = 초대됨
employee-status-no-login = 초대 전
employee-status-deactivated = 비활성화됨
employee-invite-help-mail = 비밀번호를 비워 두면 직원에게 초대 메일이 가고, 직원이 직접 비밀번호를 정합니다. 링크는 직원 페이지에도 표시됩니다.
employee-invite-help-no-mail = 비밀번호를 비워 두면 전달할 초대 링크가 만들어집니다(이 Chorus는 이메일을 보내지 않습니다).
employee-initial-password-instead = 초대 대신 비밀번호 직접 설정
employee-csv-heading = CSV 파일로 초대
employee-csv-help = 한 줄에 한 명씩 name, email, team 열로 작성하세요(team은 선택, 첫 줄에 열 이름).
employee-csv-file = CSV 파일
employee-csv-submit = 모두 초대
employee-csv-refused = 아무도 초대되지 않았습니다. 아래 줄을 고친 뒤 파일을 다시 올려 주세요.
employee-csv-taken = { $email } 주소를 쓰는 직원이 이미 있습니다.
employee-csv-invited = { $n ->
   *[other] 직원 { $count }명을 초대했습니다. 초대 링크는 각 직원 페이지에 있습니다.
}
employee-team-rename = 이름 변경
employee-edit-heading = 기본 정보
employee-save = 변경 내용 저장
employee-sign-in-heading = 로그인
employee-deactivated-help = 비활성화됨: 로그인하거나 새 공유 링크를 만들 수 없습니다. 기존 링크는 계속 작동하고 집계됩니다.
employee-invite-pending = { $time }까지 유효한 초대가 있습니다. 링크를 복사해 직원에게 보내세요.
employee-invite-link = 초대 링크
employee-no-invitation = 아직 초대하지 않았거나 초대가 만료되었습니다.
employee-invite = 초대하기
employee-invite-again = 새 초대 링크 만들기
employee-reset-pending = { $time }까지 유효한 비밀번호 재설정 링크입니다. 직원에게 전달하세요.
employee-reset-link = 비밀번호 재설정 링크
employee-reset-help = 직원이 비밀번호를 잊었다면 재설정 링크를 만들어 전달하세요.
employee-reset-help-mail = 직원은 로그인 화면에서 직접 비밀번호를 재설정할 수 있습니다. 전달할 재설정 링크를 만들 수도 있습니다.
employee-make-reset-link = 비밀번호 재설정 링크 만들기
employee-sessions-heading = 세션
employee-sessions-count = { $n ->
    [0] 로그인한 곳이 없습니다.
   *[other] 브라우저 { $count }곳에서 로그인 중입니다.
}
employee-end-sessions = 모든 곳에서 로그아웃
employee-end-other-sessions = 내 다른 세션 로그아웃
employee-access-heading = 접근 권한
employee-deactivate-help = 비활성화하면 모든 세션이 끝나고 로그인과 새 공유 링크 만들기가 막힙니다. 기존 링크는 계속 연결되고 집계됩니다.
employee-deactivate = 비활성화
employee-reactivate-help = 다시 활성화하면 직원이 기존 비밀번호로 로그인할 수 있습니다.
employee-reactivate = 다시 활성화
employee-last-admin = 마지막 활성 관리자입니다. 먼저 다른 관리자를 지정하세요.
employee-invite-not-needed = 비밀번호가 없는 활성 직원만 초대할 수 있습니다.
employee-done-added = 직원을 추가했습니다. 설정한 비밀번호로 로그인할 수 있습니다.
employee-done-saved = 변경 내용을 저장했습니다.
employee-done-invited = 초대 링크를 만들었습니다. 아래 링크를 복사해 직원에게 보내세요.
employee-done-invite-sent = 초대 메일을 보냈습니다. 링크는 아래에도 있습니다.
employee-done-invite-failed = 초대 메일을 보내지 못했습니다. 아래 링크를 복사해 직접 보내세요.
employee-done-reset-link = 비밀번호 재설정 링크를 만들었습니다. 아래에서 복사해 전달하세요.
employee-done-deactivated = 비활성화했습니다. 모든 세션이 종료되었습니다.
employee-done-reactivated = 다시 활성화했습니다.
employee-done-sessions-ended = 모든 곳에서 로그아웃했습니다.
