#!/usr/bin/env python3
"""Writes a mentions CSV for bench/import.sh: ROWS rows (default 1,000,000) for the brand
`Acme`, a mix of English and Korean text, quoted commas, quotes and line breaks, about a
third without sentiment (scored by Chorus), every row with a unique external id except
one in 200, which repeats an earlier row (counted as a duplicate).

    bench/mentions_csv.py ROWS FILE

Standard library only; deterministic (seeded), so runs compare.
"""
import csv
import random
import sys

TEXTS = [
    "Acme's new release is great, and the support team answered within minutes",
    "Acme의 새 기능, 정말 좋아요! 배송도 빨랐습니다.",
    'Not sure about the "smart" pricing at Acme.\nThe old plan was better.',
    "아크미 서비스가 느려서 실망했어요.\n그래도 고객센터는 친절했습니다.",
    "Comparing Acme and Globex for our team: Acme wins on AI features",
    "Acme 클라우드로 이전했는데, 비용이 20% 줄었어요",
    "meh",
    "Terrible experience with Acme today, the app crashed twice",
]
CHANNELS = ["x", "linkedin", "news", "naver_blog", "facebook", "blog"]
SENTIMENTS = ["", "positive", "neutral", "negative"]


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = sys.argv[2] if len(sys.argv) > 2 else "mentions.csv"
    rng = random.Random(20261123)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["brand", "channel", "author", "text", "occurred_at", "kind",
                      "sentiment", "author_reach", "url", "external_id"])
        for i in range(rows):
            n = i - 100 if i % 200 == 199 else i
            channel = CHANNELS[n % len(CHANNELS)]
            day = 1 + n % 28
            out.writerow([
                "Acme",
                channel,
                f"@user{n % 50_000}" if n % 3 else f"사용자{n % 50_000}",
                f"{TEXTS[n % len(TEXTS)]} #{n}",
                f"2026-{1 + n % 9:02d}-{day:02d}T{n % 24:02d}:{n % 60:02d}:00+09:00",
                "comment" if n % 5 == 0 else "post",
                SENTIMENTS[rng.randrange(len(SENTIMENTS))] if n % 3 else "",
                str(n % 10_000) if n % 2 else "",
                f"https://{channel}.example/p/{n}" if n % 4 else "",
                f"m-{n}",
            ])


if __name__ == "__main__":
    main()
