# 리더보드의 개인정보 보호 모드, 이름 공개 동의, 삭제, 내 데이터 내려받기.

privacy-anonymous = 익명 직원
privacy-erased = 삭제된 직원
privacy-no-team = 팀 없음
privacy-rank-hidden = 순위는 표시되지 않습니다 (팀 단위 순위만)
privacy-saved = 리더보드 설정을 저장했습니다.
privacy-to-board = 리더보드 보기
privacy-me-heading = 리더보드와 내 데이터
privacy-opt-in-label = 리더보드에 내 이름 표시
privacy-opt-in-help = 선택하기 전까지 다른 사람에게는 익명 직원으로 보이며, 본인에게는 항상 이름이 보입니다. 관리자는 이 선택을 볼 수 있지만 대신 바꿀 수 없습니다.
privacy-opt-in-help-other-mode = 지금은 조직에서 이 선택을 사용하지 않습니다. 동의한 사람만 이름이 보이는 방식으로 바뀔 때 적용됩니다.
privacy-opt-in-save = 선택 저장
privacy-download-data = 내 데이터 내려받기 (JSON)
privacy-download-help = 프로필, 링크, 일별 클릭, 전환, 입력한 수치, 세션.
privacy-board-title = 리더보드
privacy-board-heading = 리더보드
privacy-board-period = { $n ->
    [one] 오늘
   *[other] 최근 { $count }일
}
privacy-to-me = 내 링크로 돌아가기
privacy-board-teams = 리더보드는 개인이 아니라 팀 단위로 표시됩니다.
privacy-board-opt-in = 이름 공개에 동의한 사람만 이름이 표시되고 나머지는 익명입니다.
privacy-admin-heading = 개인정보
privacy-admin-opted-in = 리더보드에 이름이 표시됩니다 (본인 선택).
privacy-admin-not-opted-in = 리더보드 이름 공개에 동의하지 않았습니다.
privacy-admin-opt-in-help = 이 설정은 직원 본인만 자신의 페이지에서 바꿀 수 있으며, 개인정보 보호 모드가 “동의한 직원만”일 때 적용됩니다.
privacy-download-employee-data = 이 직원의 데이터 내려받기 (JSON)
privacy-erase-help = 삭제하면 개인 정보는 영구히 지워지고 수치는 모든 합계에 남습니다.
privacy-erase = 직원 삭제…
privacy-erased-notice = 직원을 삭제했습니다. 공유와 클릭은 “삭제된 직원”으로 계속 집계됩니다.
privacy-erase-title = 직원 삭제
privacy-erase-heading = { $name } 님을 삭제할까요?
privacy-erase-removes = 삭제되는 항목: 이름, 이메일 주소, 비밀번호, 언어, 리더보드 선택, 세션, 초대 및 비밀번호 재설정 링크, 소셜 프로필. 다시 로그인할 수 없습니다.
privacy-erase-keeps = 유지되는 항목: 공유와 단축 링크, 클릭, 전환, 팔로워 수. 리더보드와 KPI 합계는 그대로이며 리더보드에는 “삭제된 직원”으로 표시됩니다.
privacy-erase-warning = 되돌릴 수 없습니다.
privacy-erase-submit = 영구 삭제
privacy-erase-cancel = 취소
privacy-erase-last-admin = 마지막 활성 관리자입니다. 먼저 다른 관리자를 지정하세요.
