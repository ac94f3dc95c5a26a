# 대시보드의 추세 카드: 클릭과 매출 (app::trends).

trends-heading = 클릭과 매출
trends-intro = 검증된 사람의 클릭과 같은 날부터 일주일 뒤까지의 매출이 얼마나 함께 움직였는지(피어슨 상관계수 r, −1~1), 그리고 직전 7일(데이터가 있는 날)의 표준편차 2배를 넘어선 날을 보여 줍니다.
trends-best = 가장 강한 관계: { $lag } 매출과 r = { $r }
trends-points = { $n ->
   *[other] (데이터가 있는 날 { $count }일)
}
trends-summary-none = 아직 클릭과 매출의 관계를 볼 데이터가 부족합니다. 두 값이 모두 있는 날이 5일 이상 필요합니다.
trends-lag = { $n ->
    [0] 같은 날
   *[other] { $count }일 뒤
}
trends-not-enough = 데이터 부족
trends-col-revenue = 매출 시점
trends-col-points = 데이터가 있는 날
trends-outliers = 눈에 띄는 날
trends-none = 눈에 띄는 날이 없습니다.
trends-spike = 급증
trends-drop = 급감
trends-outlier = 클릭 { $value }회 (이전 일평균 { $mean }회)
trends-topics = 가장 많이 언급된 주제: { $topics }
trends-no-topics = 이날 주제가 있는 언급은 없습니다.
trends-col-r = r
trends-keywords = 가장 많이 쓰인 단어: { $keywords }
