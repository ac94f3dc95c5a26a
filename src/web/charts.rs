//! Charts as inline SVG, rendered on the server (DESIGN.md §1.4): pure functions from
//! numbers to an SVG string, no script, no font and no inline style (colours and strokes
//! come from classes in `static/css/app.css`, so the Content-Security-Policy holds).
//!
//! Every chart is `<svg role="img">` labelled by its `<title>` and `<desc>`; the page puts
//! the same numbers in a table beside it (`templates/_charts.html`), for screen readers,
//! copying and printing. Text that reaches a chart (titles, labels, formatted numbers) is
//! escaped here; templates embed the result with `|safe`.

use std::fmt::Write;

/// Width of the line chart's coordinate system (it spans a whole row); the SVG scales
/// to its box.
const WIDTH: f64 = 720.0;
/// Width of the bar chart and the funnel, which share a row on wide screens: narrower,
/// so that their text stays readable on a phone.
const NARROW: f64 = 520.0;

/// Room for a bar's label (right-aligned before the bar) and its value (after it), in
/// user units, and the most characters of a label drawn: what fits at the phone's larger
/// font size too (the table beside the chart has the whole label).
const BAR_LABEL_W: f64 = 150.0;
const BAR_VALUE_W: f64 = 150.0;
const BAR_LABEL_CHARS: usize = 12;

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// What every chart says about itself: an id prefix unique on the page (for the
/// `aria-labelledby` references), a title, a description of what it shows, and the text
/// drawn when there is nothing to show.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub empty: &'a str,
}

/// One line of a line chart.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// `current` or `previous`: the CSS class that styles it (`.chart .line.current`).
    pub class: &'a str,
    pub values: &'a [f64],
}

/// A line chart of one or more series over the same positions (e.g. this period's days
/// and the previous period's days), with a y axis from zero and `x_labels` (one per
/// position; the first, middle and last are drawn). `format` writes the y ticks.
pub fn line_chart(
    labels: &Labels,
    lines: &[Line],
    x_labels: &[String],
    format: &dyn Fn(f64) -> String,
) -> String {
    const HEIGHT: f64 = 240.0;
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 14.0;
    const BOTTOM: f64 = 30.0;
    let mut svg = open(labels, WIDTH, HEIGHT, "line-chart");
    let points = lines.iter().map(|l| l.values.len()).max().unwrap_or(0);
    if points == 0 {
        empty(&mut svg, labels, WIDTH, HEIGHT);
        return close(svg);
    }
    let max = lines
        .iter()
        .flat_map(|l| l.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let (top_value, step) = nice_scale(max, 4);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - (v.max(0.0) / top_value) * plot_h;
    let x = |i: usize| {
        if points == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (points - 1) as f64
        }
    };
    // Grid and y ticks.
    let mut tick = 0.0;
    while tick <= top_value + step / 2.0 {
        let ty = y(tick);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" y1="{ty:.1}" x2="{x2}" y2="{ty:.1}"/><text class="tick" x="{tx}" y="{ly:.1}" text-anchor="end">{label}</text>"#,
            x2 = WIDTH - RIGHT,
            tx = LEFT - 8.0,
            ly = ty + 4.0,
            label = escape(&format(tick)),
        );
        tick += step;
    }
    // X labels: first, middle and last position.
    let mut shown: Vec<usize> = vec![0, (points - 1) / 2, points - 1];
    shown.dedup();
    for i in shown {
        let Some(text) = x_labels.get(i) else {
            continue;
        };
        let anchor = if points == 1 || (i != 0 && i != points - 1) {
            "middle"
        } else if i == 0 {
            "start"
        } else {
            "end"
        };
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            x(i),
            HEIGHT - 8.0,
            escape(text)
        );
    }
    // Lines, the first one drawn last (on top).
    for line in lines.iter().rev() {
        let class = escape(line.class);
        let coords: Vec<(f64, f64)> = line
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| (x(i), y(*v)))
            .collect();
        if coords.len() > 1 {
            let mut d = String::new();
            for (i, (px, py)) in coords.iter().enumerate() {
                let _ = write!(d, "{}{px:.1},{py:.1}", if i == 0 { "M" } else { " L" });
            }
            let _ = write!(svg, r#"<path class="line {class}" d="{d}"/>"#);
        }
        // A lone point has no line to show it: a dot does; the last point gets one too.
        if let Some((px, py)) = coords.last() {
            let _ = write!(
                svg,
                r#"<circle class="dot {class}" cx="{px:.1}" cy="{py:.1}" r="3.5"/>"#
            );
        }
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{b:.1}" x2="{r}" y2="{b:.1}"/>"#,
        b = TOP + plot_h,
        r = WIDTH - RIGHT
    );
    close(svg)
}

/// One bar of a bar chart: its label, its value and the value as people read it.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub value_text: String,
}

/// Horizontal bars from zero, one per row, longest for the largest value, each with its
/// label on the left and its value at its end.
pub fn bar_chart(labels: &Labels, bars: &[Bar]) -> String {
    const ROW: f64 = 30.0;
    const LABEL_W: f64 = BAR_LABEL_W;
    const VALUE_W: f64 = BAR_VALUE_W;
    let height = (bars.len().max(1) as f64) * ROW + 12.0;
    let mut svg = open(labels, NARROW, height, "bar-chart");
    if bars.is_empty() {
        empty(&mut svg, labels, NARROW, height);
        return close(svg);
    }
    let max = bars
        .iter()
        .map(|b| b.value)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let room = NARROW - LABEL_W - VALUE_W;
    for (i, bar) in bars.iter().enumerate() {
        let top = 6.0 + i as f64 * ROW;
        let w = if max > 0.0 && bar.value.is_finite() {
            (bar.value.max(0.0) / max * room).max(if bar.value > 0.0 { 2.0 } else { 0.0 })
        } else {
            0.0
        };
        let _ = write!(
            svg,
            r#"<text class="label" x="{lx}" y="{ty:.1}" text-anchor="end">{label}</text><rect class="bar" x="{LABEL_W}" y="{by:.1}" width="{w:.1}" height="{bh}" rx="3"/><text class="value" x="{vx:.1}" y="{ty:.1}">{value}</text>"#,
            lx = LABEL_W - 10.0,
            ty = top + ROW / 2.0 + 4.0,
            label = escape(&shorten(&bar.label, BAR_LABEL_CHARS)),
            by = top + 5.0,
            bh = ROW - 10.0,
            vx = LABEL_W + w + 8.0,
            value = escape(&bar.value_text),
        );
    }
    close(svg)
}

/// One part of a stacked bar: the CSS class that colours it (`.chart .seg.<class>`) and
/// its value.
#[derive(Debug, Clone)]
pub struct Segment {
    pub class: &'static str,
    pub value: f64,
}

/// One stacked bar: its label, its parts in order, and its total as people read it.
#[derive(Debug, Clone)]
pub struct StackedBar {
    pub label: String,
    pub segments: Vec<Segment>,
    pub value_text: String,
}

/// Horizontal stacked bars from zero, one per row, the longest for the largest total
/// (so both the split within a row and the volume between rows show), each with its
/// label on the left and its total at its end. The page says which class is what in a
/// legend.
pub fn stacked_bar_chart(labels: &Labels, bars: &[StackedBar]) -> String {
    const ROW: f64 = 30.0;
    const LABEL_W: f64 = BAR_LABEL_W;
    const VALUE_W: f64 = BAR_VALUE_W;
    let height = (bars.len().max(1) as f64) * ROW + 12.0;
    let mut svg = open(labels, NARROW, height, "bar-chart stacked");
    let total = |b: &StackedBar| -> f64 {
        b.segments
            .iter()
            .map(|s| s.value)
            .filter(|v| v.is_finite() && *v > 0.0)
            .sum()
    };
    let max = bars.iter().map(total).fold(0.0f64, f64::max);
    if bars.is_empty() {
        empty(&mut svg, labels, NARROW, height);
        return close(svg);
    }
    let room = NARROW - LABEL_W - VALUE_W;
    for (i, bar) in bars.iter().enumerate() {
        let top = 6.0 + i as f64 * ROW;
        let ty = top + ROW / 2.0 + 4.0;
        let _ = write!(
            svg,
            r#"<text class="label" x="{lx}" y="{ty:.1}" text-anchor="end">{label}</text>"#,
            lx = LABEL_W - 10.0,
            label = escape(&shorten(&bar.label, BAR_LABEL_CHARS)),
        );
        let mut x = LABEL_W;
        for segment in &bar.segments {
            if !(segment.value.is_finite() && segment.value > 0.0 && max > 0.0) {
                continue;
            }
            let w = (segment.value / max * room).max(2.0);
            let _ = write!(
                svg,
                r#"<rect class="seg {class}" x="{x:.1}" y="{by:.1}" width="{w:.1}" height="{bh}"/>"#,
                class = escape(segment.class),
                by = top + 5.0,
                bh = ROW - 10.0,
            );
            x += w;
        }
        let _ = write!(
            svg,
            r#"<text class="value" x="{vx:.1}" y="{ty:.1}">{value}</text>"#,
            vx = x + 8.0,
            value = escape(&bar.value_text),
        );
    }
    close(svg)
}

/// One level of a funnel: its name, what measures it, its count, and its count as a
/// share of the level before (already formatted; empty for the first level).
#[derive(Debug, Clone)]
pub struct Step {
    pub label: String,
    pub measure: String,
    pub count: f64,
    pub count_text: String,
    pub from_previous_text: String,
}

/// A funnel: one centred bar per level, widest for the largest count (bars of levels
/// with a count keep a sliver so that they stay visible), names on the left, counts and
/// the step's conversion on the right.
pub fn funnel(labels: &Labels, steps: &[Step]) -> String {
    const ROW: f64 = 44.0;
    const LABEL_W: f64 = 120.0;
    const VALUE_W: f64 = 110.0;
    let height = (steps.len().max(1) as f64) * ROW + 8.0;
    let mut svg = open(labels, NARROW, height, "funnel");
    let max = steps
        .iter()
        .map(|s| s.count)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    if steps.is_empty() || max <= 0.0 {
        empty(&mut svg, labels, NARROW, height);
        return close(svg);
    }
    let room = NARROW - LABEL_W - VALUE_W - 20.0;
    let centre = LABEL_W + 10.0 + room / 2.0;
    for (i, step) in steps.iter().enumerate() {
        let top = 4.0 + i as f64 * ROW;
        let w = if step.count > 0.0 && step.count.is_finite() {
            (step.count / max * room).max(4.0)
        } else {
            0.0
        };
        let _ = write!(
            svg,
            r#"<text class="label" x="0" y="{t1:.1}">{label}</text><text class="tick" x="0" y="{t2:.1}">{measure}</text><rect class="bar level-{i}" x="{bx:.1}" y="{by:.1}" width="{w:.1}" height="{bh}" rx="4"/><text class="value" x="{vx}" y="{t1:.1}" text-anchor="end">{count}</text><text class="tick" x="{vx}" y="{t2:.1}" text-anchor="end">{rate}</text>"#,
            t1 = top + 17.0,
            t2 = top + 33.0,
            label = escape(&step.label),
            measure = escape(&step.measure),
            bx = centre - w / 2.0,
            by = top + 6.0,
            bh = ROW - 14.0,
            vx = NARROW,
            count = escape(&step.count_text),
            rate = escape(&step.from_previous_text),
        );
    }
    close(svg)
}

fn open(labels: &Labels, width: f64, height: f64, kind: &str) -> String {
    let id = escape(labels.id);
    format!(
        r#"<svg class="chart {kind}" role="img" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        title = escape(labels.title),
        desc = escape(labels.description),
    )
}

fn close(mut svg: String) -> String {
    svg.push_str("</svg>");
    svg
}

fn empty(svg: &mut String, labels: &Labels, width: f64, height: f64) {
    let _ = write!(
        svg,
        r#"<text class="empty" x="{x}" y="{y:.1}" text-anchor="middle">{text}</text>"#,
        x = width / 2.0,
        y = height / 2.0 + 4.0,
        text = escape(labels.empty)
    );
}

/// At most `max` characters, with an ellipsis when cut (the table shows the whole label).
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    let mut out = kept.trim_end().to_string();
    out.push('…');
    out
}

/// The top of a y axis from zero and its step, with `ticks` steps of 1, 2 or 5 × 10ⁿ
/// (at least 1, so that counts get whole ticks) covering `max`. A zero or invalid max
/// gets the scale of 1 per step.
pub fn nice_scale(max: f64, ticks: u32) -> (f64, f64) {
    let ticks = f64::from(ticks.max(1));
    if !max.is_finite() || max <= 0.0 {
        return (ticks, 1.0);
    }
    let raw = max / ticks;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
        .max(1.0);
    (step * ticks, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels<'static> {
        Labels {
            id: "c1",
            title: "Clicks <per> day",
            description: "Tom & Jerry's \"clicks\"",
            empty: "No data",
        }
    }

    fn plain(v: f64) -> String {
        format!("{v}")
    }

    /// Well-formed enough for a browser: every opened element closed, in order.
    fn balanced(svg: &str) -> bool {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').map(|e| start + e).unwrap();
            let tag = &rest[start + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                let name: String = tag.chars().take_while(|c| c.is_alphanumeric()).collect();
                stack.push(name);
            }
            rest = &rest[end + 1..];
        }
        stack.is_empty()
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let svg = line_chart(
            &labels(),
            &[Line {
                class: "current",
                values: &[1.0, 2.0],
            }],
            &["<a>".to_string(), "b&c".to_string()],
            &plain,
        );
        assert!(svg.contains("<title id=\"c1-title\">Clicks &lt;per&gt; day</title>"));
        assert!(svg.contains("Tom &amp; Jerry&#39;s &quot;clicks&quot;"));
        assert!(svg.contains("&lt;a&gt;") && svg.contains("b&amp;c"));
        assert!(!svg.contains("<a>"));
        let bars = bar_chart(
            &labels(),
            &[Bar {
                label: "<script>alert(1)</script>".into(),
                value: 1.0,
                value_text: "1 & more".into(),
            }],
        );
        assert!(!bars.contains("<script>"), "{bars}");
        assert!(bars.contains("1 &amp; more"));
        assert!(balanced(&svg) && balanced(&bars));
        assert_eq!(
            escape("a\u{0}b\u{7}c"),
            "abc",
            "no control characters in XML"
        );
    }

    #[test]
    fn every_chart_is_an_accessible_image() {
        let svg = funnel(
            &labels(),
            &[Step {
                label: "Lurking".into(),
                measure: "impressions".into(),
                count: 10.0,
                count_text: "10".into(),
                from_previous_text: String::new(),
            }],
        );
        for chart in [
            svg,
            bar_chart(&labels(), &[]),
            line_chart(&labels(), &[], &[], &plain),
        ] {
            assert!(chart.starts_with("<svg class=\"chart"), "{chart}");
            assert!(chart.contains("role=\"img\""));
            assert!(chart.contains("aria-labelledby=\"c1-title c1-desc\""));
            assert!(chart.contains("<desc id=\"c1-desc\">"));
            assert!(!chart.contains("style="), "no inline style: {chart}");
            assert!(!chart.contains("<script"));
            assert!(chart.ends_with("</svg>"));
            assert!(balanced(&chart), "{chart}");
        }
    }

    #[test]
    fn empty_series_say_so() {
        let svg = line_chart(&labels(), &[], &[], &plain);
        assert!(svg.contains("class=\"empty\"") && svg.contains(">No data<"));
        let svg = line_chart(
            &labels(),
            &[Line {
                class: "current",
                values: &[],
            }],
            &[],
            &plain,
        );
        assert!(svg.contains(">No data<") && !svg.contains("<path"));
        assert!(bar_chart(&labels(), &[]).contains(">No data<"));
        let zero = Step {
            label: "Lurking".into(),
            measure: "impressions".into(),
            count: 0.0,
            count_text: "0".into(),
            from_previous_text: String::new(),
        };
        assert!(funnel(&labels(), &[zero]).contains(">No data<"));
        assert!(funnel(&labels(), &[]).contains(">No data<"));
    }

    #[test]
    fn one_point_is_a_dot_in_the_middle() {
        let svg = line_chart(
            &labels(),
            &[Line {
                class: "current",
                values: &[5.0],
            }],
            &["2026-03-01".to_string()],
            &plain,
        );
        assert!(!svg.contains("<path"), "no line through one point");
        assert!(
            svg.contains("<circle class=\"dot current\" cx=\"384.0\""),
            "{svg}"
        );
        assert_eq!(svg.matches(">2026-03-01<").count(), 1, "label once");
    }

    #[test]
    fn zero_max_draws_flat_lines_and_empty_bars_without_dividing_by_zero() {
        let svg = line_chart(
            &labels(),
            &[
                Line {
                    class: "current",
                    values: &[0.0, 0.0, 0.0],
                },
                Line {
                    class: "previous",
                    values: &[0.0, 0.0],
                },
            ],
            &[],
            &plain,
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert!(svg.contains("class=\"line current\"") && svg.contains("class=\"line previous\""));
        let bars = bar_chart(
            &labels(),
            &[Bar {
                label: "LinkedIn".into(),
                value: 0.0,
                value_text: "0".into(),
            }],
        );
        assert!(
            bars.contains("width=\"0.0\"") && !bars.contains("NaN"),
            "{bars}"
        );
    }

    #[test]
    fn the_largest_bar_fills_the_room_and_others_scale() {
        let bars = [
            Bar {
                label: "A very long network name that will not fit".into(),
                value: 10.0,
                value_text: "10".into(),
            },
            Bar {
                label: "X".into(),
                value: 5.0,
                value_text: "5".into(),
            },
        ];
        let svg = bar_chart(&labels(), &bars);
        assert!(svg.contains("width=\"220.0\""), "{svg}");
        assert!(svg.contains("width=\"110.0\""));
        assert!(svg.contains(">A very long…<"));
    }

    #[test]
    fn stacked_bars_split_each_row_and_scale_rows_by_their_totals() {
        let seg = |class, value| Segment { class, value };
        let bars = [
            StackedBar {
                label: "Acme".into(),
                segments: vec![
                    seg("positive", 2.0),
                    seg("neutral", 1.0),
                    seg("negative", 1.0),
                ],
                value_text: "4".into(),
            },
            StackedBar {
                label: "Globex <Inc>".into(),
                segments: vec![
                    seg("positive", 0.0),
                    seg("neutral", 2.0),
                    seg("negative", f64::NAN),
                ],
                value_text: "2".into(),
            },
        ];
        let svg = stacked_bar_chart(&labels(), &bars);
        // 220 units of room: Acme's 4 mentions fill it, 2 + 1 + 1.
        assert!(
            svg.contains(r#"class="seg positive" x="150.0" y="11.0" width="110.0""#),
            "{svg}"
        );
        assert!(svg.contains(r#"class="seg neutral" x="260.0" y="11.0" width="55.0""#));
        assert!(svg.contains(r#"class="seg negative" x="315.0" y="11.0" width="55.0""#));
        // Globex: nothing drawn for zero or NaN, half the room for its 2 neutral.
        assert_eq!(svg.matches("class=\"seg ").count(), 4);
        assert!(svg.contains(r#"class="seg neutral" x="150.0" y="41.0" width="110.0""#));
        assert!(svg.contains("Globex &lt;Inc&gt;") && !svg.contains("NaN"));
        assert!(balanced(&svg) && svg.contains("role=\"img\""));
        let none = stacked_bar_chart(&labels(), &[]);
        assert!(none.contains(">No data<") && balanced(&none));
        // Every row empty: labels and totals, no bars, no division by zero.
        let zero = stacked_bar_chart(
            &labels(),
            &[StackedBar {
                label: "Acme".into(),
                segments: vec![seg("positive", 0.0)],
                value_text: "0".into(),
            }],
        );
        assert!(!zero.contains("<rect") && !zero.contains("NaN") && zero.contains(">0<"));
    }

    #[test]
    fn scales_are_nice_and_whole() {
        assert_eq!(nice_scale(0.0, 4), (4.0, 1.0));
        assert_eq!(nice_scale(f64::NAN, 4), (4.0, 1.0));
        assert_eq!(nice_scale(3.0, 4), (4.0, 1.0));
        assert_eq!(nice_scale(37.0, 4), (40.0, 10.0));
        assert_eq!(nice_scale(101.0, 4), (200.0, 50.0));
        assert_eq!(nice_scale(90.0, 4), (100.0, 25.0));
    }
}
