# /me의 "내 성과": 직원 순위표에서 본인의 기록.

mystats-heading = { $n ->
    [one] 내 성과 (오늘)
   *[other] 내 성과 (최근 { $count }일)
}
mystats-rank = { $of }명 중 { $rank }위
mystats-unranked = 아직 순위 없음
mystats-help = 순위는 같은 순위표에 기록이 있는 모든 직원을 기준으로 합니다. 클릭은 검증된 사람의 클릭, 전환은 마지막 클릭 기준으로 귀속된 전환, 매출은 기본 통화, 팔로워는 가장 최근에 보고된 수입니다.
